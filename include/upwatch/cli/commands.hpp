#pragma once

#include "upwatch/cli/command_line.hpp"

namespace upwatch {

/// Exit statuses beyond exit_status()'s 0 (up), 1 (down), 3 (the log could not be written)
/// and 5 (inconclusive).
inline constexpr int kExitUsage = 2;     ///< bad usage, or no log that can be opened or read
inline constexpr int kExitInternal = 4;  ///< libcurl or the system failed

/// Probes as `config` says, appending to its logs, and prints the summary on stdout;
/// returns the exit status. Throws UsageError if a log cannot be opened.
[[nodiscard]] int run_probes(const Config& config);

/// Rebuilds the report of a logged run and prints it on stdout (bad lines are warned about on
/// stderr); returns the run's exit status. Throws UsageError if no run can be read.
[[nodiscard]] int run_report(const ReportConfig& report);

/// Appends the mark, timed now, to the run's log; returns 0. Throws UsageError if it cannot.
[[nodiscard]] int run_mark(const MarkConfig& mark);

}  // namespace upwatch
