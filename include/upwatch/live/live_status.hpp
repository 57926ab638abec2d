#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/log/mark.hpp"

namespace upwatch {

/// Whether the text is coloured (SGR sequences) for a terminal.
enum class Colour : std::uint8_t { none, ansi };

/// Text for a terminal, with the width it takes on screen (escape sequences take none).
struct ScreenText {
  std::string text;
  std::size_t width = 0;
  bool shortened_to_fit = false;  ///< plain text that a line may cut, rather than leave out
};

/// What a run looks like so far, for people watching it: fed the analysis' events in sequence
/// order (the same road as the summary), it makes the lines of events that matter and the
/// one-line status. Pure: it never reads a clock or writes anywhere.
class LiveStatus final : public AnalysisObserver {
 public:
  /// The status of a run that started at `start`, probing every `interval`; of `target` (a URL,
  /// or a URL at an address), named in its events and its lane, if the run has several.
  LiveStatus(WallTime start, std::chrono::nanoseconds interval, Colour colour,
             std::string target = {});

  void on_probe(const JudgedProbe& probe) override;
  void on_gap(const Gap& gap) override;
  void on_version(std::uint64_t sequence, WallTime sent, const VersionNews& news) override;
  void on_window_opened(const DowntimeWindow& window) override;
  void on_window_closed(const DowntimeWindow& window) override;
  /// The URL's name resolved to a new set of addresses (--each-address).
  void on_addresses(const AddressSet& set);
  /// A person marked the run's log (upwatch mark).
  void on_mark(const Mark& mark);

  /// The event lines made since the last call (a window began or ended, a gap), oldest first.
  [[nodiscard]] std::vector<ScreenText> take_events();
  /// The status line at `now`, when `sent` probes of the URL were sent, at most `columns`
  /// wide: fields that do not fit are left out from the right.
  [[nodiscard]] ScreenText status(WallTime now, std::uint64_t sent, std::size_t columns) const;
  /// The target's line among several at `now`: its name, then what status() tells but the
  /// run's time and count, at most `columns` wide.
  [[nodiscard]] ScreenText lane(WallTime now, std::size_t columns) const;
  /// True while a window of downtime is open.
  [[nodiscard]] bool down() const { return down_since_.has_value(); }
  /// The failed probes so far.
  [[nodiscard]] std::uint64_t failed() const { return failed_; }

 private:
  /// Answers whose latencies make the "recent p50".
  static constexpr std::size_t kRecent = 100;

  /// The fields of the status after the run's time: the state (and while down, the cause of
  /// the last failure), the version, `sent` (if not empty), the failures, the last outcome,
  /// the recent median, and once up again, the last failure and its cause.
  [[nodiscard]] std::vector<ScreenText> state_fields(WallTime now, std::string sent) const;
  /// As many of `fields` as fit in `columns`, from the first, two spaces apart; the first that
  /// does not fit is cut to the room left ("..."), if it may be and some room is left.
  [[nodiscard]] static ScreenText fit(std::vector<ScreenText> fields, std::size_t columns);
  /// `text` in the colour `sgr` ("1;31"), if colour is on.
  [[nodiscard]] std::string paint(std::string_view text, std::string_view sgr) const;
  void add_event(WallTime time, std::string_view label, std::string_view sgr,
                 std::string_view text);
  /// What the live view knows of a tracked name.
  struct Version {
    std::string name;
    std::string latest;      ///< the value that answered first most recently
    std::string mixed_with;  ///< the value switched from, while it still answers; "" if none
  };

  WallTime start_;
  std::chrono::nanoseconds interval_;
  Colour colour_;
  std::string target_;  ///< named in events and the lane; "" for a run of one
  std::vector<ScreenText> events_;
  std::uint64_t failed_ = 0;
  std::uint64_t windows_ = 0;
  std::optional<WallTime> down_since_;   ///< the start of the window open, if one is
  std::optional<Outcome> last_outcome_;  ///< of the last probe judged
  std::uint64_t last_sequence_ = 0;
  std::uint64_t last_failure_ = 0;  ///< the sequence of the last failed probe
  std::string last_cause_;          ///< its cause in words, printable; else its outcome
  bool cause_known_ = false;        ///< whether last_cause_ is in words
  WallTime last_answer_;            ///< when the last judged probe ended
  std::array<std::chrono::microseconds, kRecent> recent_{};  ///< a ring of good probes' totals
  std::size_t recent_count_ = 0;
  std::vector<std::string> addresses_;  ///< the last set, for what came and went
  std::vector<Version> versions_;       ///< of the tracked names, in the order first seen
};

/// The lines that show `lanes` (each target's status) at `now` in at most `rows` lines of
/// `columns`: the worst first (down, then most failures), and when they do not all fit, a last
/// line that counts the rest.
[[nodiscard]] std::vector<ScreenText> lane_lines(std::vector<const LiveStatus*> lanes, WallTime now,
                                                 std::size_t columns, std::size_t rows);

}  // namespace upwatch
