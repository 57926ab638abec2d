#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "upwatch/mark.hpp"
#include "upwatch/outage.hpp"
#include "upwatch/targets.hpp"
#include "upwatch/wall_time.hpp"

namespace upwatch {

/// What a summary says about a run besides its probes.
struct RunInfo {
  WallTime start{};                     ///< when the run started
  WallTime end{};                       ///< when it ended
  std::string url;                      ///< the probed URL, credentials already redacted
  std::vector<std::string> more_urls;   ///< the other URLs of a run of several, redacted
  std::string proxy;                    ///< the proxy probed through, redacted; "" if none
  std::string control;                  ///< the control URL, redacted; "" if none
  std::string vantage;                  ///< where the run watched from; "" if not known
  std::chrono::nanoseconds interval{};  ///< the schedule's interval
  bool latency_recorded = true;         ///< false for a log that holds no latencies
  std::vector<std::string> notes;       ///< what the reader should know about where this came from
  std::vector<Mark> marks;              ///< what people marked in its log (upwatch mark), in
                                        ///< the order written, at most kMarksListed
  std::uint64_t marks_unlisted = 0;     ///< marks beyond kMarksListed
};

/// The most marks a run keeps and its summary lists.
inline constexpr std::size_t kMarksListed = 1000;

/// Renders the summary: the bash script's START/END/URL/INT lines, then the totals and
/// outcomes, the downtime windows, the gaps, the unanswered probes, the latency of good probes,
/// warnings, the verdict, the marks in time order with the windows, and any notes. Ends with
/// a newline.
[[nodiscard]] std::string render_summary(const RunInfo& run, const RunAnalysis& analysis);

/// Why the verdict is what it is, one reason each, as the VERDICT line gives them.
[[nodiscard]] std::vector<std::string> verdict_reasons(const RunInfo& run,
                                                       const RunAnalysis& analysis);

/// What the reader should be warned of about a target's probes, one warning each, as the
/// WARNING lines give them.
[[nodiscard]] std::vector<std::string> warnings(const RunAnalysis& analysis);

/// Why a run of several targets has its verdict: the targets that gave it (at most 10 named).
[[nodiscard]] std::string describe_verdict(const RunResults& results);

/// Renders the same summary as one JSON document (schema in the README), ending with a newline.
[[nodiscard]] std::string render_json(const RunInfo& run, const RunAnalysis& analysis);

/// Renders the summary of a run of one or several targets: for one, render_summary's; for
/// several, the START/END/URL/INT lines, the verdict over all targets, then a section for
/// each target. Ends with a newline.
[[nodiscard]] std::string render_report(const RunInfo& run, const RunResults& results);

/// Renders the same as one JSON document: render_json's for one target; for several, the
/// run's fields and verdict and a "targets" array of each target's.
[[nodiscard]] std::string render_report_json(const RunInfo& run, const RunResults& results);

/// The exit status of a run that was inconclusive (RunVerdict::inconclusive).
inline constexpr int kExitInconclusive = 5;

/// The documented exit status for a verdict: 0 up, 1 down, kExitInconclusive.
[[nodiscard]] int exit_status(RunVerdict verdict);
/// The exit status for a run's verdict.
[[nodiscard]] inline int exit_status(const RunAnalysis& analysis) {
  return exit_status(analysis.verdict());
}
/// The exit status for the verdict over all of a run's targets.
[[nodiscard]] inline int exit_status(const RunResults& results) {
  return exit_status(results.verdict());
}

}  // namespace upwatch
