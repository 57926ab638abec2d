#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "upwatch/analysis/merge.hpp"
#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/run_info.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

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

/// Renders the same summary as one JSON document (schema in docs/reports.md), ending with a
/// newline.
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
/// The exit status of a run whose log could not be written in full, whatever its verdict.
inline constexpr int kExitLogWrite = 3;

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
/// The exit status of `run`, whose targets are `results`: kExitLogWrite if its log lost
/// records, else that of their verdict through the run's deploy gate (RunResults::gated).
[[nodiscard]] inline int exit_status(const RunInfo& run, const RunResults& results) {
  return run.log_incomplete ? kExitLogWrite : exit_status(results.gated(run.budget, run.end));
}
/// The same of one target of `run`.
[[nodiscard]] inline int exit_status(const RunInfo& run, const RunAnalysis& analysis) {
  return run.log_incomplete ? kExitLogWrite : exit_status(analysis.gated(run.budget, run.end));
}
/// What the run's deploy gate made of a downtime: "within --max-downtime 1s" or "beyond
/// --max-window 0.5s"; "" when the verdict is not down, or the run has no gate.
[[nodiscard]] std::string gate_words(const RunInfo& run, RunVerdict verdict, bool within);

/// The merged report for people: the period, the URLs, each vantage point, the verdict, then
/// each URL's windows seen from every vantage point apart from those seen from some, and what
/// the clocks of several machines allow. Ends with a newline.
[[nodiscard]] std::string render_merged(const std::vector<VantageRun>& runs,
                                        const MergedReport& merged);

/// The same as one JSON document.
[[nodiscard]] std::string render_merged_json(const std::vector<VantageRun>& runs,
                                             const MergedReport& merged);

}  // namespace upwatch
