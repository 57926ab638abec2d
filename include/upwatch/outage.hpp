#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "upwatch/latency.hpp"
#include "upwatch/probe.hpp"
#include "upwatch/wall_time.hpp"

namespace upwatch {

/// Counts per outcome, in the order of Outcome (statuses ascending, then transport failures).
using OutcomeCounts = std::map<Outcome, std::uint64_t>;

/// A window of consecutive failed probes.
struct DowntimeWindow {
  std::uint64_t first_sequence = 0;  ///< the first failed probe
  std::uint64_t last_sequence = 0;   ///< the last failed probe
  WallTime start;                    ///< when the first failed probe was sent
  std::optional<WallTime> end;       ///< when the first good probe after it was sent; nullopt
                                     ///< if the run ended still down
  std::uint64_t failed = 0;          ///< failed probes in the window
  OutcomeCounts outcomes;            ///< what those probes saw

  /// How long the window lasted; a window still open lasts until `run_end`.
  [[nodiscard]] std::chrono::milliseconds duration(WallTime run_end) const;

  bool operator==(const DowntimeWindow&) const = default;
};

/// Everything a summary says about one run's probes.
struct RunAnalysis {
  std::uint64_t up = 0;
  std::uint64_t down = 0;
  std::uint64_t abandoned = 0;
  OutcomeCounts outcomes;               ///< every probe's outcome, abandoned ones included
  std::vector<DowntimeWindow> windows;  ///< in time order
  LatencyHistogram latency;             ///< total time of the probes that were up

  /// All probes of the run: up + down + abandoned.
  [[nodiscard]] std::uint64_t probes() const { return up + down + abandoned; }
  /// up / (up + down) as a percentage; 100 when no probe was judged.
  [[nodiscard]] double availability() const;
  /// The sum of the windows' durations.
  [[nodiscard]] std::chrono::milliseconds downtime(WallTime run_end) const;
};

/// Turns probe records into a RunAnalysis. Records may arrive in any order (probes finish
/// out of order); they are analysed in sequence order, holding back only those that finished
/// before an earlier probe did, so memory stays bounded by the probes in flight.
class OutageAnalysis {
 public:
  /// An analysis that judges HTTP statuses by `expectation`.
  explicit OutageAnalysis(StatusExpectation expectation);

  /// Adds one finished probe.
  void add(const ProbeRecord& record);
  /// Analyses the records still held back (a log cut short may have gaps) and returns the result.
  [[nodiscard]] RunAnalysis finish() &&;

 private:
  struct Sample {
    WallTime sent;
    Outcome outcome;
    std::chrono::microseconds total;
  };
  void consume(std::uint64_t sequence, const Sample& sample);

  StatusExpectation expectation_;
  RunAnalysis result_;
  std::map<std::uint64_t, Sample> held_back_;
  std::uint64_t next_sequence_ = 0;
  bool in_window_ = false;
};

}  // namespace upwatch
