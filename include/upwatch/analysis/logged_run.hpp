#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/run_info.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/analysis/timeline.hpp"

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
  RunInfo info;        ///< with notes on what the log could not tell
  RunResults results;  ///< analysed as the records streamed by
  std::uint64_t records = 0;
  bool summarized = false;  ///< false if the run ended without writing its summary
  /// Each target's probes over time, in the order of results.targets, if the reader was asked
  /// for them.
  std::vector<Timeline> timelines;
};

/// Whether a RunReader draws each target's Timeline too.
enum class Timelines : std::uint8_t { none, build };

/// What reading one log found, besides its runs.
struct LogReading {
  LogFormat format = LogFormat::text;  ///< the format of its first line
  std::uint64_t runs = 0;              ///< runs begun in the log (or going on in it)
  std::uint64_t bad_line_count = 0;    ///< lines that could not be read
  std::vector<std::size_t> bad_lines;  ///< the 1-based numbers of the first 20 of them
  std::vector<LoggedRun> all;          ///< every run, from the read_runs that keeps them
};

class RunBuilder;

/// Reads the runs of logs through the same outage analysis as a live run, handing each to a
/// callback as soon as it ends, in memory bounded whatever the logs: from files or pipes.
/// upwatch's log, its JSON Lines log and the bash loop's log are told apart by their first
/// line; the bash loop's and upwatch's may follow each other in one file. A run whose log was
/// rotated goes on in the next log read, and is one run. Never fails on bad content.
class RunReader {
 public:
  /// A reader that hands each run to `on_run`, with its timelines if asked, following the
  /// values of the names each run tracked and of `track` (from the headers the log holds), and
  /// judging answers slower than `slow` failed if given (else as each run did, --slow).
  explicit RunReader(std::function<void(LoggedRun&&)> on_run, Timelines timelines = Timelines::none,
                     std::vector<std::string> track = {},
                     std::optional<std::chrono::microseconds> slow = std::nullopt);
  ~RunReader();
  RunReader(const RunReader&) = delete;
  RunReader& operator=(const RunReader&) = delete;

  /// Reads one log.
  LogReading read(std::istream& in);
  /// Hands over the runs still open (no log said they ended).
  void finish();

 private:
  std::unique_ptr<RunBuilder> builder_;
};

/// Reads every run of one log, keeping them in `all`: for tests and small logs.
[[nodiscard]] LogReading read_runs(std::istream& in);

/// The header of the table of runs.
[[nodiscard]] std::string render_run_list_header();
/// One row of the table of runs: number, start, end, probes, failed probes, windows,
/// downtime, time not observed (of its URLs together), verdict, whether the run wrote its
/// summary, URL.
[[nodiscard]] std::string render_run_row(std::size_t number, const LoggedRun& run);
/// The table of `runs`, numbered from 1.
[[nodiscard]] std::string render_run_list(const std::vector<LoggedRun>& runs);

}  // namespace upwatch
