#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "upwatch/outage.hpp"
#include "upwatch/wall_time.hpp"

namespace upwatch {

/// What a summary says about a run besides its probes.
struct RunInfo {
  WallTime start{};                     ///< when the run started
  WallTime end{};                       ///< when it ended
  std::string url;                      ///< the probed URL, credentials already redacted
  std::chrono::nanoseconds interval{};  ///< the schedule's interval
  bool latency_recorded = true;         ///< false for a log that holds no latencies
  std::vector<std::string> notes;       ///< what the reader should know about where this came from
};

/// Renders the summary: the bash script's START/END/URL/INT lines, then the totals and
/// outcomes, the downtime windows, the latency of good probes and any notes. Ends with a newline.
[[nodiscard]] std::string render_summary(const RunInfo& run, const RunAnalysis& analysis);

/// Renders the same summary as one JSON document (schema in the README), ending with a newline.
[[nodiscard]] std::string render_json(const RunInfo& run, const RunAnalysis& analysis);

/// The documented exit status for a run: 0 when no probe failed, 1 when any did.
[[nodiscard]] int exit_status(const RunAnalysis& analysis);

}  // namespace upwatch
