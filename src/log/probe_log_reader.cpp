// How the lines of a text log group into runs, records, gaps and marks: the reading of
// the format that text_format.hpp defines.

#include <string>
#include <string_view>
#include <utility>

#include "text_format.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/log/log_lines.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {

using namespace text_format;

namespace {

/// One reading of a log: what is known between its lines, handed to the visitor line by line.
class LogReading {
 public:
  LogReading(LineReader& lines, LogVisitor& visitor) : lines_(lines), visitor_(visitor) {}

  /// Reads every line, or up to the first of the bash loop's, which is given back to `lines`.
  void read() {
    std::string line;
    while (lines_.next(line)) {
      const auto number = lines_.number();
      if (header_ && line.starts_with(kTargetMarker)) {
        take_further_url(line, number);
        continue;
      }
      begin_run();
      if (lines_.cut()) {
        visitor_.on_bad_line(number);  // nothing upwatch wrote: skipped whole
      } else if (record_) {
        take_record_line(line);
      } else if (line.starts_with(kMarkMarker)) {
        take_mark(line, number);
      } else if (line.starts_with("HTTP/")) {
        // A status line outside any record: the bash loop's log, appended to this file.
        lines_.push_back(std::move(line));
        return;
      } else {
        take_marker_line(line, number);
      }
    }
    begin_run();
    if (record_) visitor_.on_bad_line(record_line_);  // cut off before its blank line
  }

 private:
  /// Hands over the run whose header was read, once the lines of its further URLs end.
  void begin_run() {
    if (header_) visitor_.on_run(std::move(*std::exchange(header_, std::nullopt)));
  }

  /// A line of a further URL of the run whose header was just read.
  void take_further_url(std::string_view line, std::size_t number) {
    take_run_id(line);
    if (const auto url = value_of(line.substr(kTargetMarker.size()), "url"); url && !url->empty()) {
      header_->more_urls.emplace_back(*url);
    } else {
      visitor_.on_bad_line(number);
    }
  }

  /// A line of the record being read: a line of its head, or the blank line that ends it.
  void take_record_line(const std::string& line) {
    if (line.empty()) {
      visitor_.on_record(record_run_, std::move(*record_));
      record_.reset();
    } else {
      record_->lines.push_back(line == " " ? std::string{} : unescape(line));
    }
  }

  /// A mark, read before a run's id is looked for: the text is the person's, whatever its
  /// last word.
  void take_mark(std::string_view line, std::size_t number) {
    in_summary_ = false;
    if (const auto mark = parse_mark(line)) {
      visitor_.on_mark(*mark);
    } else {
      visitor_.on_bad_line(number);
    }
  }

  /// Hands `parsed`, if it is, to `visit`; else the line is a bad one.
  template <typename Parsed, typename Visit>
  void hand_over(const std::optional<Parsed>& parsed, std::size_t number, Visit visit) {
    in_summary_ = false;
    if (parsed) {
      visit(*parsed);
    } else {
      visitor_.on_bad_line(number);
    }
  }

  /// A line that starts with one of upwatch's markers, or a line of a summary.
  void take_marker_line(const std::string& line, std::size_t number) {
    std::string_view rest = line;
    const auto run = take_run_id(rest);
    if (line.empty()) {
      // The summary of a run of several targets has a blank line before each target's section:
      // it goes on until its end marker.
    } else if (line.starts_with(kEndMarker)) {
      hand_over(parse_iso_utc(rest.substr(kEndMarker.size())), number,
                [&](WallTime end) { visitor_.on_end(run, end); });
    } else if (line.starts_with(kLostMarker)) {
      hand_over(parse_lost_line(rest), number,
                [&](const LostRecords& lost) { visitor_.on_lost(run, lost); });
    } else if (line.starts_with(kGapMarker)) {
      hand_over(parse_gap_line(rest), number, [&](const Gap& gap) { visitor_.on_gap(run, gap); });
    } else if (line.starts_with(kAddressesMarker)) {
      hand_over(parse_addresses_line(rest), number,
                [&](const AddressSet& set) { visitor_.on_addresses(run, set); });
    } else if (line.starts_with(kRunMarker)) {
      in_summary_ = false;
      header_ = parse_run_header(line);
      if (!header_) visitor_.on_bad_line(number);
    } else if (line.starts_with(kRecordMarker)) {
      in_summary_ = false;
      record_ = parse_record_line(rest);
      record_run_ = run;
      record_line_ = number;
      if (!record_) visitor_.on_bad_line(number);
    } else if (in_summary_ || line.starts_with(kSummaryStart)) {
      in_summary_ = true;
    } else {
      visitor_.on_bad_line(number);
    }
  }

  LineReader& lines_;
  LogVisitor& visitor_;
  std::optional<ProbeRecord> record_;  ///< the record being read, until its blank line
  std::string record_run_;             ///< the run it belongs to
  std::size_t record_line_ = 0;        ///< the line it began on
  bool in_summary_ = false;            ///< within a run's summary
  std::optional<RunHeader> header_;    ///< a run header, until the lines of its URLs end
};

}  // namespace

void read_log(LineReader& lines, LogVisitor& visitor) { LogReading{lines, visitor}.read(); }

}  // namespace upwatch
