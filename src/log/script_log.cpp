#include "upwatch/log/script_log.hpp"

#include <strings.h>

#include <ctime>
#include <optional>
#include <string>

#include "upwatch/core/duration.hpp"
#include "upwatch/log/log_lines.hpp"

namespace upwatch {

namespace {

std::optional<WallTime> from_tm(std::tm& fields, bool utc) {
  // Years beyond what the log's ISO times can hold (0000-9999) are not dates we wrote.
  if (fields.tm_year < -1900 || fields.tm_year > 9999 - 1900) return std::nullopt;
  fields.tm_isdst = -1;
  const std::time_t seconds = utc ? timegm(&fields) : std::mktime(&fields);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return WallTime{std::chrono::seconds{seconds}};
}

/// An HTTP date as servers send it: "Fri, 17 Nov 2023 00:09:32 GMT".
std::optional<WallTime> parse_http_date(const std::string& text) {
  std::tm fields{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &fields);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return from_tm(fields, true);
}

/// A time as date(1) prints it: "Thu Nov 16 16:09:31 PST 2023". The zone must be UTC, GMT or
/// this machine's local zone, the only ones that can be read back without guessing.
std::optional<WallTime> parse_date_output(const std::string& text) {
  std::tm fields{};
  const char* rest = strptime(text.c_str(), "%a %b %d %H:%M:%S ", &fields);
  if (rest == nullptr) return std::nullopt;
  const std::string_view tail{rest};
  const auto space = tail.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string zone{tail.substr(0, space)};
  const char* after_year = strptime(rest + space + 1, "%Y", &fields);
  if (after_year == nullptr || *after_year != '\0') return std::nullopt;
  if (zone == "UTC" || zone == "GMT") return from_tm(fields, true);
  tzset();
  if (zone != tzname[0] && zone != tzname[1]) return std::nullopt;
  return from_tm(fields, false);
}

std::optional<std::string> value_after(const std::string& line, std::string_view key) {
  if (!line.starts_with(key)) return std::nullopt;
  return line.substr(key.size());
}

}  // namespace

namespace {

/// Records before the first `date:` header that are held to be given its time; beyond this
/// many, they go on with the time known (none), so that memory stays bounded.
constexpr std::size_t kUndatedHeld = 10'000;
/// The lines of an answer kept, as upwatch keeps them of its own probes.
constexpr std::size_t kLinesKept = 100;

/// Streams the records of one run of the bash loop's log to a visitor as its blocks end.
class ScriptRun {
 public:
  explicit ScriptRun(LogVisitor& visitor) : visitor_(visitor) {}

  /// A status line begins a probe.
  void begin_probe(Outcome outcome) {
    end_probe();
    probe_ = ProbeRecord{
        .sequence = sequence_++, .sent = last_time_.value_or(WallTime{}), .outcome = outcome};
  }
  [[nodiscard]] bool in_probe() const { return probe_.has_value(); }
  /// A line of the probe's answer, its status line or a header: kept (the first
  /// kLinesKept), so that a report can track a header in it.
  void keep(std::string line) {
    if (probe_->lines.size() < kLinesKept) probe_->lines.push_back(std::move(line));
  }
  /// The probe's `date:` header: when it was answered, to the second.
  void dated(WallTime time) {
    probe_->sent = time;
    if (!last_time_) {
      for (auto& held : undated_) {
        held.sent = time;  // a probe before the first date
        emit(std::move(held));
      }
      undated_.clear();
    }
    last_time_ = time;
  }
  /// The blank line after a probe's headers.
  void end_probe() {
    if (!probe_) return;
    if (!last_time_ && undated_.size() < kUndatedHeld) {
      undated_.push_back(std::move(*probe_));
    } else {
      emit(std::move(*probe_));
    }
    probe_.reset();
  }

  RunHeader header{.version = std::string{kScriptLogVersion},
                   .interval = std::chrono::seconds{1},
                   .expect = StatusExpectation{}.spec(),
                   .url = "(not recorded)"};
  std::optional<WallTime> start;  ///< from the trailer's START
  std::optional<WallTime> end;    ///< from the trailer's END
  bool has_trailer = false;

  /// The end of the run's part of the log: what is held goes out, and the trailer names it.
  void finish() {
    end_probe();
    for (auto& held : undated_) emit(std::move(held));
    undated_.clear();
    if (!begun_ && !start) return;  // nothing of a run
    begin();
    if (start) header.start = *start;
    visitor_.on_header(header);
    // The trailer's END in a zone we cannot read: the last probe is the best we know.
    if (has_trailer) visitor_.on_end({}, end.value_or(last_sent_.value_or(header.start)));
  }

 private:
  void begin() {
    if (begun_) return;
    begun_ = true;
    header.start = start.value_or(first_sent_.value_or(WallTime{}));
    visitor_.on_run(header);
  }

  void emit(ProbeRecord&& record) {
    if (!first_sent_) first_sent_ = record.sent;
    last_sent_ = record.sent;
    begin();
    visitor_.on_record({}, std::move(record));
  }

  LogVisitor& visitor_;
  std::optional<ProbeRecord> probe_;
  std::vector<ProbeRecord> undated_;
  std::optional<WallTime> last_time_;
  std::optional<WallTime> first_sent_;
  std::optional<WallTime> last_sent_;
  std::uint64_t sequence_ = 0;
  bool begun_ = false;
};

}  // namespace

void read_script_log(LineReader& lines, LogVisitor& visitor) {
  ScriptRun run{visitor};
  std::string line;
  while (lines.next(line)) {
    const auto number = lines.number();
    if (log_line_kind(line) != LogLineKind::other) {
      lines.push_back(std::move(line));  // upwatch's own log, appended to this one
      break;
    }
    if (line.empty()) {
      run.end_probe();
      continue;
    }
    if (line.starts_with("HTTP/")) {
      const auto space = line.find(' ');
      const auto status =
          space == std::string::npos ? std::nullopt : parse_outcome(line.substr(space + 1, 3));
      if (!status || status->transport != Transport::answered) {
        visitor.on_bad_line(number);
        continue;
      }
      run.begin_probe(*status);
      run.keep(std::move(line));
    } else if (run.in_probe() && line.find(':') != std::string::npos && line.front() != ' ') {
      if (strncasecmp(line.c_str(), "date:", 5) == 0) {
        const auto value_start = line.find_first_not_of(' ', 5);
        if (const auto sent = parse_http_date(line.substr(std::min(value_start, line.size())))) {
          run.dated(*sent);
        }
      }
      run.keep(std::move(line));
    } else if (const auto start_text = value_after(line, "START: ")) {
      run.end_probe();
      run.start = parse_date_output(*start_text);
    } else if (const auto end_text = value_after(line, "END: ")) {
      run.end = parse_date_output(*end_text);
      run.has_trailer = true;
    } else if (const auto url = value_after(line, "URL: ")) {
      run.header.url = *url;
    } else if (const auto interval_text = value_after(line, "INT: ")) {
      const auto interval = parse_duration(*interval_text);
      if (interval && interval->count() > 0) {
        run.header.interval = *interval;
      } else {
        visitor.on_bad_line(number);
      }
    } else {
      visitor.on_bad_line(number);
    }
  }
  run.finish();
}

}  // namespace upwatch
