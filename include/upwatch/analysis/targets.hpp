#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/core/gap.hpp"
#include "upwatch/core/probe.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {

/// The most ticks of a URL held back waiting for the probes of an earlier one.
inline constexpr std::size_t kMaxHeldTicks = 4096;

/// One target's part of a run: a URL, or one address of a URL's name (--each-address).
struct TargetResult {
  std::string url;      ///< redacted
  std::string address;  ///< the address probed, or with --connections both the kind of
                        ///< connection (kFreshConnection, kKeptConnection); "" for the URL
                        ///< as a whole
  RunAnalysis analysis;
  /// For a URL probed at each address: its sets of addresses in time order (at most
  /// kMaxListed; the rest counted in sets_unlisted). Its analysis is then of its ticks as
  /// users saw them: a tick failed if any address failed.
  std::vector<AddressSet> sets;
  std::uint64_t sets_unlisted = 0;
};

/// What a run found, target by target.
struct RunResults {
  std::vector<TargetResult> targets;  ///< each URL in the run's order, each followed by its
                                      ///< addresses (--each-address) in address order
  bool each_address = false;
  bool both_connections = false;  ///< each URL probed on both kinds of connection

  /// True for a run of one URL probed as it resolves: it is reported as a single target.
  [[nodiscard]] bool single() const {
    return targets.size() == 1 && !each_address && !both_connections;
  }
  /// True if its URLs are reported as users saw them, then each of their parts.
  [[nodiscard]] bool gathered() const { return each_address || both_connections; }
  /// down if any target had downtime; else inconclusive if any was inconclusive; else up.
  [[nodiscard]] RunVerdict verdict() const;
  /// The same of each target's verdict through a deploy gate (RunAnalysis::gated).
  [[nodiscard]] RunVerdict gated(const DowntimeBudget& budget, WallTime run_end) const;
};

/// A set of addresses for people: "10.0.0.1, 10.0.0.2", then what came and went since
/// `before` (the set before it, nullptr for the first): "; came: 10.0.0.3; went: 10.0.0.2".
[[nodiscard]] std::string describe(const AddressSet& set, const std::vector<std::string>* before);

/// The part of `gap`, a gap of a schedule of `slots` slots an interval, that falls on the
/// ticks of slot `slot`, numbered as that slot's own ticks; nullopt if it took none of them.
/// A step of the clock (no tick) falls on every slot.
[[nodiscard]] std::optional<Gap> gap_of_slot(const Gap& gap, std::uint64_t slot,
                                             std::uint64_t slots);

/// Analyses the probes of a run of one or several URLs, each on its own slot of the schedule,
/// each through its own OutageAnalysis. With --each-address, a URL's probes of one tick (one per
/// address) are gathered, in tick order, into one probe of the URL as users saw it, and handed
/// to the analysis of each address; an address not probed at a tick is absent there, not down.
/// With --connections both, so are its probes of one tick on each kind of connection.
class TargetsAnalysis {
 public:
  /// An analysis of the run of `urls` (redacted, as the records name them), judged by
  /// `expectation`, following the `tracked` names, gathering each tick's probes by address
  /// if `each_address`, or by kind of connection if `both_connections`.
  TargetsAnalysis(StatusExpectation expectation, std::chrono::nanoseconds interval,
                  std::vector<std::string> tracked, const std::vector<std::string>& urls,
                  bool each_address, bool both_connections = false);

  /// Makes the observer (not owned) of a target: a URL, and an address or kind of connection
  /// ("" for the URL).
  using ObserverFactory =
      std::function<AnalysisObserver*(const std::string& url, const std::string& address)>;

  /// Tells `observer` (not owned) too the events of the first URL.
  void observe(AnalysisObserver* observer);
  /// Tells an observer made by `make` the events of each target: of each URL from now on, and
  /// of each address from when it is first probed.
  void observe_each(ObserverFactory make);
  /// Tells `observer`, given to observe() or made for observe_each(), nothing from now on.
  void unobserve(AnalysisObserver* observer);
  /// Begins the analysis at tick `tick` rather than 0, before anything is added: for a run
  /// whose log begins after its start.
  void begin_at(std::uint64_t tick);
  /// Adds a finished probe; one of a URL the run does not have is left out.
  void add(const ProbeRecord& record);
  /// Adds a gap of the run's schedule.
  void add_gap(const Gap& gap);
  /// Adds a URL's new set of addresses.
  void add_addresses(const AddressSet& set);
  /// The results, once every record was added.
  [[nodiscard]] RunResults finish() &&;
  /// The results of what has arrived in order so far, for an interim summary.
  [[nodiscard]] RunResults so_far() const;

 private:
  /// A URL's probes of one tick gathered so far, or a gap that begins there.
  struct Held {
    std::vector<ProbeRecord> records;
    std::optional<Gap> gap;
  };
  struct Url {
    std::string url;
    OutageAnalysis analysis;  ///< of the URL (as users saw it, with --each-address)
    std::map<std::string, OutageAnalysis> addresses;         ///< --each-address
    std::map<std::uint64_t, std::vector<std::string>> sets;  ///< first tick -> addresses
    std::vector<AddressSet> changes;
    std::uint64_t changes_unlisted = 0;
    /// (tick, 0 for a gap, 1 for probes) -> what came for it, until its turn.
    std::map<std::pair<std::uint64_t, int>, Held> held;
    std::uint64_t next_tick = 0;
    std::uint64_t first_tick = 0;  ///< of the analysis, for an address first probed later
  };

  /// Hands on the ticks of `url` whose turn came and whose probes are all in.
  void release(Url& url, bool all);
  /// Hands on one tick of `url`: to the URL as users saw it and to each address.
  void release_tick(Url& url, std::uint64_t tick, std::vector<ProbeRecord>& records);
  /// The analysis of `address` of `url`, made on first need; nullptr beyond kMaxAddresses.
  OutageAnalysis* address_analysis(Url& url, const std::string& address, std::uint64_t tick,
                                   WallTime at);
  StatusExpectation expectation_;
  std::chrono::nanoseconds interval_;
  std::vector<std::string> tracked_;
  bool each_address_;
  /// True if a URL's probes of a tick are gathered into one as users saw it.
  [[nodiscard]] bool gathered() const { return each_address_ || both_connections_; }
  bool both_connections_;  ///< a URL's ticks are gathered from its two kinds of connection
  /// What sets `record` apart from its URL: its address (--each-address), or the kind of
  /// connection it went on (--connections both).
  [[nodiscard]] const std::string& part_of(const ProbeRecord& record) const {
    return both_connections_ ? record.connection : record.address;
  }
  std::vector<Url> urls_;
  std::unordered_map<std::string, std::size_t> index_;  ///< URL -> its place in urls_
  std::vector<ObserverFactory> observer_makers_;        ///< for each address, when it comes
};

}  // namespace upwatch
