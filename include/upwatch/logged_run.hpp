#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/outage.hpp"
#include "upwatch/report.hpp"

namespace upwatch {

/// The kinds of log upwatch reads runs from.
enum class LogFormat : std::uint8_t {
  text,    ///< upwatch's log (-o)
  jsonl,   ///< upwatch's JSON Lines log (--jsonl)
  script,  ///< the bash loop's log (curl -I >> testlog.log)
};

/// The name of a log format, for messages.
[[nodiscard]] std::string_view format_as(LogFormat format);

/// Tells the format of a log from its first line that is not blank.
[[nodiscard]] LogFormat detect_format(std::string_view first_line);

/// A run rebuilt from a log: exactly what its summary needs.
struct LoggedRun {
  RunInfo info;          ///< with notes on what the log could not tell
  RunAnalysis analysis;  ///< analysed as the records streamed by
  std::uint64_t records = 0;
  bool summarized = false;  ///< false if the run ended without writing its summary
};

/// Everything read from one log.
struct LogReading {
  LogFormat format = LogFormat::text;
  std::vector<LoggedRun> runs;
  std::vector<std::size_t> bad_lines;  ///< 1-based numbers of the lines that could not be read
};

/// Reads every run of a log of any format (detected from its first line) through the same
/// outage analysis as a live run. `in` must be seekable. Never fails on bad content.
[[nodiscard]] LogReading read_runs(std::istream& in);

/// A table of runs, one line each: number, start, end, probes, failed probes, windows,
/// downtime, whether the run wrote its summary, URL.
[[nodiscard]] std::string render_run_list(const std::vector<LoggedRun>& runs);

}  // namespace upwatch
