#pragma once

#include <chrono>
#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/core/gap.hpp"
#include "upwatch/core/probe.hpp"
#include "upwatch/core/run.hpp"
#include "upwatch/core/wall_time.hpp"
#include "upwatch/log/mark.hpp"

/// The log format, written and read here and nowhere else.
///
///   # upwatch 0.1.0 run start=2026-11-26T10:00:00.000Z interval=0.05 expect=100-499 url=http://h/
///   # upwatch target url=http://h/api              (each further URL of a run of several)
///
///   # upwatch addresses time=2026-11-26T10:00:00.001Z first=0 set=127.0.0.1,127.0.0.2
///   url=http://h/                                  (--each-address: a URL's new set)
///
///   * 2026-11-26T10:00:00.000Z #0 200 0.412ms 127.0.0.1:8080
///   HTTP/1.1 200 OK
///   server: nginx
///
///   * 2026-11-26T10:00:00.050Z #1 refused 0.101ms 127.0.0.1:8080
///   curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Connection refused
///
///   * 2026-11-26T10:00:00.050Z #1 200 0.388ms 192.0.2.7:443 control
///
///   * 2026-11-26T10:00:00.075Z #1 200 0.391ms 127.0.0.2:80 url=http://h/api address=127.0.0.2
///
///   # upwatch lost start=2026-11-26T10:00:03.000Z end=2026-11-26T10:00:04.100Z records=22
///
///   # upwatch mark time=2026-11-26T10:00:03.500Z drained s1      (upwatch mark, of no run)
///
///   # upwatch gap start=2026-11-26T10:00:00.100Z end=2026-11-26T10:00:02.100Z first=2 ticks=40
///   cause=stalled
///
///   START: Thu Nov 26 10:00:00 UTC 2026
///   END: ...            (the summary, for people; the reader skips it)
///   # upwatch end 2026-11-26T10:00:12.345Z
namespace upwatch {

/// The run header line, a line for each further URL, and a blank line.
[[nodiscard]] std::string format_run_header(const RunHeader& header);
/// The line that records a URL's new set of addresses in run `run`, and a blank line.
[[nodiscard]] std::string format_addresses(const AddressSet& set, std::string_view run = {});
/// One record of run `run`: the marker line, the status line and headers or error text
/// (escaped: see append_escaped), a blank line.
[[nodiscard]] std::string format_record(const ProbeRecord& record, std::string_view run = {});
/// One gap of run `run`: its line and a blank line.
[[nodiscard]] std::string format_gap(const Gap& gap, std::string_view run = {});
/// The line that records lost records of run `run`, once the log can be written again, and
/// a blank line.
[[nodiscard]] std::string format_lost(const LostRecords& lost, std::string_view run = {});
/// The line of a mark (upwatch mark), and a blank line.
[[nodiscard]] std::string format_mark(const Mark& mark);
/// The mark of `line` (as format_mark writes it, without its line break); nullopt if it is not
/// one.
[[nodiscard]] std::optional<Mark> parse_mark(std::string_view line);
/// The summary as it is appended to the log after the records, with the end marker that
/// records when run `run` ended.
[[nodiscard]] std::string format_summary_block(std::string_view summary, WallTime end,
                                               std::string_view run = {});

/// Receives what a log holds, in file order. `run` names the run a line belongs to; "" is
/// the run begun last (logs of upwatch 0.1 and of the bash loop name none).
class LogVisitor {
 public:
  virtual ~LogVisitor() = default;
  /// A run begins.
  virtual void on_run(RunHeader header) = 0;
  /// The header of run `header.id` (begun already), completed: the bash loop names its run at
  /// the end of its log.
  virtual void on_header(const RunHeader& header) = 0;
  /// A complete record.
  virtual void on_record(std::string_view run, ProbeRecord record) = 0;
  /// A gap.
  virtual void on_gap(std::string_view run, const Gap& gap) = 0;
  /// A URL's new set of addresses.
  virtual void on_addresses(std::string_view run, const AddressSet& set) = 0;
  /// Records that could not be written to this log.
  virtual void on_lost(std::string_view run, const LostRecords& lost) = 0;
  /// A mark: it names no run, and belongs to the run begun last, if any.
  virtual void on_mark(const Mark& mark) = 0;
  /// The run wrote its summary and ended at `end`.
  virtual void on_end(std::string_view run, WallTime end) = 0;
  /// A line that could not be read (1-based); a record cut short is named by its marker line.
  virtual void on_bad_line(std::size_t number) = 0;
};

class LineReader;

/// What a line is to a reader looking for upwatch's own lines in a text log.
enum class LogLineKind {
  other,       ///< none of upwatch's marker lines
  run_header,  ///< a run's first line
  marker,      ///< another marker line: a record's, a gap's, a mark, the end of a run ...
};
/// Which of upwatch's marker lines `line` is, recognised on its own, wherever it is.
[[nodiscard]] LogLineKind log_line_kind(std::string_view line);

/// Reads upwatch's log, handing what it holds to `visitor` as it goes (memory stays bounded
/// by one record). Never fails. Stops before a line of the bash loop's log (a status line
/// outside any record), which it leaves to be read next, or at the end.
void read_log(LineReader& lines, LogVisitor& visitor);

/// One run read back from a log.
struct LogRun {
  RunHeader header;
  std::vector<ProbeRecord> records;      ///< in the order they were written (finish order)
  std::vector<Gap> gaps;                 ///< in the order they were written
  std::vector<AddressSet> address_sets;  ///< in the order they were written
  std::vector<LostRecords> lost;         ///< records this log says it lost
  std::vector<Mark> marks;               ///< in the order they were written
  std::optional<WallTime> end;           ///< from the end marker; nullopt if the run never
                                         ///< wrote its summary
};

/// Everything read from a log, and the lines that could not be read.
struct LogContents {
  std::vector<LogRun> runs;
  std::vector<std::size_t> bad_lines;  ///< 1-based numbers of unreadable lines; a record cut
                                       ///< short is named by the number of its marker line
};

/// A visitor that keeps every run with all its records, for tools and tests that want them
/// in memory; it works with any of the log readers.
class LogCollector final : public LogVisitor {
 public:
  void on_run(RunHeader header) override;
  void on_header(const RunHeader& header) override;
  void on_record(std::string_view run, ProbeRecord record) override;
  void on_gap(std::string_view run, const Gap& gap) override;
  void on_addresses(std::string_view run, const AddressSet& set) override;
  void on_lost(std::string_view run, const LostRecords& lost) override;
  void on_mark(const Mark& mark) override;
  void on_end(std::string_view run, WallTime end) override;
  void on_bad_line(std::size_t number) override;

  std::vector<LogRun> runs;
  std::vector<std::size_t> bad_lines;

 private:
  /// The run named `id`, or the last begun for ""; nullptr if there is none.
  LogRun* find(std::string_view id);
};

/// Reads a whole log into memory with a LogCollector.
[[nodiscard]] LogContents read_log(std::istream& in);

}  // namespace upwatch
