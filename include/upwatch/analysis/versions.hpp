#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/probe.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// Answers in a row that carried no old value, after which a switch is over: the old value
/// is taken as replaced, and if it answers again, it came back.
inline constexpr std::uint64_t kReplacedAfter = 20;
/// The most values listed per tracked name; answers with others are counted, not listed.
inline constexpr std::size_t kMaxValues = 100;

/// One value of a tracked name: when it was seen first and last, and how often.
struct SeenValue {
  std::string value;
  WallTime first;
  WallTime last;
  std::uint64_t answers = 0;

  bool operator==(const SeenValue&) const = default;
};

/// A new value appearing while another was the latest: `from` -> `to`.
struct VersionSwitch {
  std::string from;
  std::string to;
  WallTime first_new;                ///< the first answer of `to`
  WallTime last_old_before;          ///< the last answer of `from` before it
  std::optional<WallTime> last_old;  ///< the last answer of `from` after first_new, before
                                     ///< it was replaced; nullopt for a clean switch
  std::uint64_t old_between = 0;     ///< answers of `from` from first_new to last_old
  std::uint64_t new_between = 0;     ///< answers of `to` from first_new to last_old

  bool operator==(const VersionSwitch&) const = default;
};

/// A value answering again after another had replaced it: a rollback, or an old instance
/// still in rotation.
struct Comeback {
  std::string value;
  std::string replaced_by;  ///< the latest value when it came back
  WallTime first;
  WallTime last;
  std::uint64_t answers = 0;

  bool operator==(const Comeback&) const = default;
};

/// A switch for people: "v1 -> v2: clean switch at T (last v1 at T0)", or "v1 -> v2: first v2
/// at T1, last v1 at T2, mixed for 1.234s (v1 x 12, v2 x 40 in between)".
[[nodiscard]] std::string describe(const VersionSwitch& change);
/// A comeback for people: "v1 came back after v2 replaced it: first at T, last at T', 3 answers
/// (a rollback, or an old instance still in rotation)".
[[nodiscard]] std::string describe(const Comeback& back);

/// What one tracked name showed over a run.
struct TrackedName {
  std::string name;
  std::vector<SeenValue> values;  ///< in the order they first appeared
  std::uint64_t none = 0;         ///< good answers without it
  std::uint64_t unlisted = 0;     ///< good answers with values beyond kMaxValues
  std::vector<VersionSwitch> switches;
  std::vector<Comeback> comebacks;  ///< at most kMaxValues; more are counted in unlisted

  bool operator==(const TrackedName&) const = default;
};

/// What one good answer changed for a tracked name, as it happened: for a live view.
struct VersionNews {
  enum class Kind : std::uint8_t {
    first,      ///< the name's first value
    switched,   ///< a value never seen before, after `other`
    mixing,     ///< `other`, the value switched from, answered again: both answer now
    replaced,   ///< `other` has not answered for kReplacedAfter answers: the switch is over
    came_back,  ///< a value answered again after `other` had replaced it
  };
  Kind kind = Kind::first;
  std::string name;
  std::string value;  ///< the value this answer carried
  std::string other;

  bool operator==(const VersionNews&) const = default;
};

/// Follows the values of tracked names over the good answers of a run, in sequence order, and
/// tells when a new one appeared, how long old and new answered side by side, and which came
/// back. Memory is bounded by kMaxValues per name.
class VersionTracker {
 public:
  /// Follows `names` (lower case; "body" for --track-body).
  explicit VersionTracker(std::vector<std::string> names);

  /// Adds a good answer sent at `sent` that carried `values`; appends to `news`, if given,
  /// what it changed.
  void add(WallTime sent, const std::vector<TrackedValue>& values,
           std::vector<VersionNews>* news = nullptr);
  /// What each name showed, in the order of the names.
  [[nodiscard]] std::vector<TrackedName> report() const;

 private:
  struct Follow {
    TrackedName shown;
    std::optional<std::size_t> latest;         ///< the index of the latest new value
    std::optional<std::size_t> open_switch;    ///< the switch whose old value still answers
    std::size_t open_from = 0;                 ///< the index of that old value
    std::uint64_t since_old = 0;               ///< answers since it last answered
    std::uint64_t new_since_first = 0;         ///< answers of the new value since its first
    std::optional<std::size_t> open_comeback;  ///< the comeback still answering
    std::uint64_t since_comeback = 0;          ///< answers since it last answered
  };
  /// Tells the news of one answer, of `value` for `name`, into `news` if it is not null.
  struct Tell {
    std::vector<VersionNews>* news;
    const std::string& name;
    const std::string& value;
    /// Tells news of `kind`, with the other value it concerns.
    void operator()(VersionNews::Kind kind, const std::string& other) const {
      if (news != nullptr) news->push_back({kind, name, value, other});
    }
  };
  /// Follows one answer of `value` for one name.
  void add(Follow& follow, WallTime sent, const std::string& value,
           std::vector<VersionNews>* news) const;
  /// Counts an answer of `value` (at `index`) towards the end of the open switch and comeback.
  static void age_open(Follow& follow, std::size_t index, const std::string& value,
                       const Tell& tell);
  /// Notes an answer of `value`, an older value than the latest, at `sent`: a comeback.
  static void come_back(Follow& follow, WallTime sent, const std::string& value, const Tell& tell);

  std::vector<Follow> follows_;
};

}  // namespace upwatch
