#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// The highest run number `report --run` takes.
inline constexpr std::uint64_t kMaxRuns = 1'000'000;

/// What `upwatch report` is asked to do.
struct ReportConfig {
  std::vector<std::string> logs{"testlog.log"};
  std::optional<std::size_t> run;  ///< 1-based, over the runs of all the logs; the last if none
  bool list = false;               ///< list the runs instead of reporting one
  bool merge = false;              ///< merge the last run of each log, each a vantage point
  bool json = false;               ///< print the summary as JSON
  std::string html_path;           ///< also write the run as an HTML page here, unless empty
  std::vector<std::string> track;  ///< header names to track besides those the logs tracked
  std::optional<std::chrono::microseconds> slow;  ///< --slow, over what the logs say
  DowntimeBudget budget;                          ///< --max-downtime, --max-window
  std::string junit_path;  ///< also write the verdict as JUnit XML here, unless empty
};

/// What `upwatch mark` is asked to do.
struct MarkConfig {
  std::string log_path = "testlog.log";  ///< the run's log
  std::string text;                      ///< the mark, checked
  std::optional<WallTime> at;            ///< when it happened (--at), if not now
};

/// The result of reading the command line: at most one of config, report and mark is set.
struct CommandLine {
  std::optional<Config> config;        ///< a run of probes to do
  std::optional<ReportConfig> report;  ///< a report to make from logs
  std::optional<MarkConfig> mark;      ///< a mark to append to a run's log
  std::string output;                  ///< what to print to stdout (--help, --version)
};

/// What --version prints: upwatch's version, then libcurl's and the libraries it probes
/// through (TLS, HTTP/2...), as `curl --version` names them, and c-ares'.
[[nodiscard]] std::string version_text();

/// Parses the command line; throws UsageError with a one-line message on bad input.
[[nodiscard]] CommandLine parse_command_line(int argc, const char* const* argv);

/// Hides the secrets of a command line from ps, as curl does: the values of -H and the
/// passwords of URLs are overwritten in place with '*'. Call after parse_command_line.
void hide_secrets(int argc, char** argv);

}  // namespace upwatch
