#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "upwatch/analysis/latency.hpp"
#include "upwatch/analysis/versions.hpp"
#include "upwatch/core/gap.hpp"
#include "upwatch/core/probe.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// Counts per outcome, in the order of Outcome (statuses ascending, then transport failures).
using OutcomeCounts = std::map<Outcome, std::uint64_t>;

/// Counts for people: "refused x 4, 502 x 2".
[[nodiscard]] std::string format_counts(const OutcomeCounts& counts);

/// A window of consecutive failed probes.
struct DowntimeWindow {
  std::uint64_t first_sequence = 0;  ///< the first failed probe
  std::uint64_t last_sequence = 0;   ///< the last failed probe
  WallTime start;                    ///< when the first failed probe was sent
  std::optional<WallTime> end;       ///< when the first good probe after it was sent, or when
                                     ///< the gap that ended it began; nullopt if the run ended
                                     ///< still down
  std::uint64_t failed = 0;          ///< failed probes in the window
  OutcomeCounts outcomes;            ///< what those probes saw
  bool began_in_gap = false;         ///< it follows a gap: it may have begun earlier, unseen
  bool ended_in_gap = false;         ///< a gap ended it: its true end is unknown
  bool prober_network = false;       ///< no answer at all, and the control failed at every tick
                                     ///< of it too: probably the prober's own network
  std::uint32_t most_failed = 0;     ///< of a URL's ticks as users saw them (--each-address):
                                     ///< the most of its addresses that failed at one tick,
  std::uint32_t addresses = 0;       ///< out of the addresses probed at that tick

  /// How long the window lasted; a window still open lasts until `run_end`.
  [[nodiscard]] std::chrono::milliseconds duration(WallTime run_end) const;

  bool operator==(const DowntimeWindow&) const = default;
};

/// A probe still in flight when the run stopped.
struct Unanswered {
  std::uint64_t sequence = 0;
  WallTime sent;
  std::chrono::microseconds waited{};  ///< from sending to the end of the run

  bool operator==(const Unanswered&) const = default;
};

/// The most windows, and the most gaps, a RunAnalysis lists; more are counted, not listed,
/// so that memory stays bounded however often a service flaps.
inline constexpr std::size_t kMaxListed = 1000;

/// Windows or gaps beyond kMaxListed: how many, and what they add up to.
struct Unlisted {
  std::uint64_t count = 0;
  std::uint64_t probes = 0;           ///< failed probes (windows) or ticks not sent (gaps)
  std::chrono::milliseconds time{0};  ///< downtime (windows) or time not observed (gaps)

  bool operator==(const Unlisted&) const = default;
};

/// What a run shows, for the summary and the exit status.
enum class RunVerdict : std::uint8_t {
  up,            ///< every tick observed and answered well
  down,          ///< a window of downtime was seen
  inconclusive,  ///< none seen, but not everything was observed or answered
};

/// "up", "down", "inconclusive".
[[nodiscard]] std::string_view format_as(RunVerdict verdict);

/// Everything a summary says about one run's probes.
struct RunAnalysis {
  std::uint64_t up = 0;
  std::uint64_t down = 0;
  std::uint64_t abandoned = 0;          ///< probes unanswered when the run stopped
  OutcomeCounts outcomes;               ///< every probe's outcome, unanswered ones included
  std::vector<DowntimeWindow> windows;  ///< in time order, the prober's network's ones too
  Unlisted unlisted_windows;            ///< windows of the service beyond kMaxListed
  std::vector<Gap> gaps;                ///< in time order; adjacent gaps of one cause merged
  /// Steps of the wall clock (at most kMaxListed): no tick was missed, and the times after
  /// each follow the new clock; neither a gap nor time unobserved.
  std::vector<Gap> clock_steps;
  Unlisted unlisted_gaps;                        ///< gaps beyond kMaxListed
  std::vector<Unanswered> unanswered;            ///< in sequence order
  std::chrono::microseconds unanswered_limit{};  ///< the slowest answer, or one interval if longer
  OutcomeCounts up_not_2xx;                      ///< answers counted as up that were not 2xx
  /// Per address (at most kMaxValues), good answers that came only after connecting to it
  /// failed first: a node the name resolves to that may be down, hidden behind the others.
  std::map<std::string, std::uint64_t> fell_back;
  bool control = false;               ///< a control URL was probed at the same ticks
  std::vector<TrackedName> versions;  ///< what each tracked name showed
  LatencyHistogram latency;           ///< total time of the probes that were up
  std::array<LatencyHistogram, kPhaseCount> phase_latency;  ///< when they reached each phase

  /// What the log does not tell of the run (its header, its end), which keeps the verdict
  /// from up; empty when it tells all.
  std::string incomplete;

  /// All probes of the run: up + down + unanswered.
  [[nodiscard]] std::uint64_t probes() const { return up + down + abandoned; }
  /// Failed probes in windows put down to the prober's own network.
  [[nodiscard]] std::uint64_t prober_network_failures() const;
  /// up / (up + down) as a percentage, leaving out the prober's network's failures; nullopt
  /// when no probe was judged.
  [[nodiscard]] std::optional<double> availability() const;
  /// The sum of the durations of the windows of the service (not the prober's network).
  [[nodiscard]] std::chrono::milliseconds downtime(WallTime run_end) const;
  /// The sum of the gaps' durations.
  [[nodiscard]] std::chrono::milliseconds unobserved() const;
  /// Ticks not sent, in all gaps.
  [[nodiscard]] std::uint64_t ticks_not_sent() const;
  /// Unanswered probes that had waited longer than unanswered_limit.
  [[nodiscard]] std::uint64_t overdue() const;
  /// down if a window of the service was seen; else inconclusive if part of the run was not
  /// observed (a gap), a probe was left unanswered past the limit, nothing was judged, a
  /// window was the prober's network's, or the log is incomplete; else up.
  [[nodiscard]] RunVerdict verdict() const;
  /// Whether its downtime is within `budget`: no window still open at `run_end`, the
  /// downtime and each window no longer than the budget allows. False for an empty budget.
  [[nodiscard]] bool within(const DowntimeBudget& budget, WallTime run_end) const;
  /// What a deploy gate with `budget` makes of it: verdict(), but a downtime within the budget
  /// counts as none (the verdict is then up, or inconclusive for what else the run missed).
  [[nodiscard]] RunVerdict gated(const DowntimeBudget& budget, WallTime run_end) const;

 private:
  /// The verdict were there no window of the service: inconclusive or up.
  [[nodiscard]] RunVerdict verdict_apart_from_downtime() const;
};

/// A probe of the target, as the analysis judged it.
struct JudgedProbe {
  std::uint64_t sequence = 0;
  WallTime sent;
  Outcome outcome;
  Verdict verdict = Verdict::up;  ///< never `unobserved`: that is a gap
  std::chrono::microseconds total{};
  PhaseTimes phases{};                    ///< when it reached each phase
  std::span<const TrackedValue> tracked;  ///< the values of the tracked names it carried
  std::string_view cause;  ///< a failure's cause in words (describe_failure), if observed
};

/// How many of a URL's addresses one of its ticks probed, and how many of them failed.
struct TickTally {
  std::uint32_t failed = 0;
  std::uint32_t probed = 0;
};

/// What an OutageAnalysis tells, as it analyses, to whatever shows the run as it goes (the live
/// view, the timeline): every event in sequence order, exactly as the analysis judged it.
class AnalysisObserver {
 public:
  virtual ~AnalysisObserver() = default;
  /// A probe of the target was judged.
  virtual void on_probe(const JudgedProbe& probe) = 0;
  /// Ticks were not sent, or the wall clock stepped.
  virtual void on_gap(const Gap& gap) = 0;
  /// Good answer `sequence`, sent at `sent`, changed what a tracked name shows.
  virtual void on_version(std::uint64_t sequence, WallTime sent, const VersionNews& news) = 0;
  /// A window began: `window` holds its first failed probe.
  virtual void on_window_opened(const DowntimeWindow& window) = 0;
  /// A window ended, by a good probe or a gap.
  virtual void on_window_closed(const DowntimeWindow& window) = 0;
};

/// Turns probe records and gaps into a RunAnalysis. Records may arrive in any order (probes
/// finish out of order); they are analysed in sequence order, holding back only those that
/// finished before an earlier probe did, so memory stays bounded by the probes in flight.
class OutageAnalysis {
 public:
  /// An analysis that judges HTTP statuses by `expectation`, of a run with this `interval`,
  /// that follows the values of the `tracked` names in good answers.
  OutageAnalysis(StatusExpectation expectation, std::chrono::nanoseconds interval,
                 std::vector<std::string> tracked = {});

  /// Tells `observer` (not owned) too every event analysed from now on.
  void observe(AnalysisObserver* observer) { observers_.push_back(observer); }
  /// Tells `observer` nothing from now on.
  void unobserve(AnalysisObserver* observer) { std::erase(observers_, observer); }
  /// Begins the analysis at tick `tick` rather than 0, before anything is added: for a run
  /// whose log begins after its start.
  void begin_at(std::uint64_t tick) { next_sequence_ = tick; }
  /// Adds one finished probe, of the target or of the control; `tally` for a tick that stands
  /// for the probes of several addresses.
  void add(const ProbeRecord& record, TickTally tally = {});
  /// Adds a gap: ticks that were not sent, or a step of the wall clock.
  void add_gap(const Gap& gap);
  /// Adds ticks at which this target was not probed (an address its name did not resolve to
  /// then): neither probes nor a gap; a window open ends at `at`, the first of them.
  void add_absent(std::uint64_t first_tick, std::uint64_t ticks, WallTime at);
  /// Analyses the events still held back (a log cut short may have holes) and returns the result.
  [[nodiscard]] RunAnalysis finish() &&;
  /// The analysis of what has arrived in order so far, leaving this one to go on: for an
  /// interim summary (what waits on probes still in flight is left out).
  [[nodiscard]] RunAnalysis so_far() const;

 private:
  struct Sample {
    WallTime sent;
    Outcome outcome;
    std::chrono::microseconds total;
    PhaseTimes phases;
    std::vector<TrackedValue> tracked;
    std::vector<std::string> tried;
    TickTally tally;
    std::string cause;  ///< a failure's, for observers (describe_failure)
  };
  struct Absent {
    std::uint64_t ticks = 0;
    WallTime at;
  };
  using Event = std::variant<Gap, Sample, Absent>;
  /// Gaps before records of the same tick: a step of the clock comes before the tick after it.
  using EventKey = std::pair<std::uint64_t, int>;

  /// Keeps an event until those before it have come, then analyses all that can be.
  void hold(EventKey key, Event event);
  /// Analyses the next event in sequence order.
  void consume(std::uint64_t sequence, const Event& event);
  /// Analyses one probe: up, down, unanswered, or (an old log's `skipped`) a gap.
  void consume_sample(std::uint64_t sequence, const Sample& sample);
  /// Analyses a probe judged up: latency, versions, fall-backs; it closes the window open.
  void consume_up(std::uint64_t sequence, const Sample& sample);
  /// Analyses a probe judged down: it opens a window or extends the one open.
  void consume_down(std::uint64_t sequence, const Sample& sample);
  /// Analyses a gap: it ends the window open, and the next window began in it.
  void consume_gap(const Gap& gap);
  /// Folds the window just closed into unlisted_windows if kMaxListed are listed already.
  void close_window();
  /// Notes a tick at which the control got no answer, merging it into control_failures_.
  void note_control_failure(std::uint64_t sequence);
  [[nodiscard]] bool control_failed_throughout(std::uint64_t first, std::uint64_t last) const;

  StatusExpectation expectation_;
  std::chrono::nanoseconds interval_;
  RunAnalysis result_;
  std::map<EventKey, Event> held_back_;
  std::map<std::uint64_t, std::uint64_t> control_failures_;  ///< first -> last tick, merged
  std::chrono::microseconds slowest_answer_{};
  std::uint64_t next_sequence_ = 0;
  bool in_window_ = false;
  bool after_gap_ = false;  ///< a gap was the last event that was not an unanswered probe
  VersionTracker versions_;
  std::vector<VersionNews> news_;  ///< what the last good answer changed, for the observer
  std::vector<AnalysisObserver*> observers_;
};

}  // namespace upwatch
