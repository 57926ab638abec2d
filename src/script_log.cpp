#include "upwatch/script_log.hpp"

#include <strings.h>

#include <ctime>
#include <optional>
#include <string>

#include "upwatch/duration.hpp"
#include "upwatch/log_lines.hpp"

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

std::vector<std::size_t> read_script_log(std::istream& in, LogVisitor& visitor) {
  std::vector<std::size_t> bad_lines;
  std::vector<ProbeRecord> records;  // held until the trailer names the run
  RunHeader header{.version = std::string{kScriptLogVersion},
                   .interval = std::chrono::seconds{1},
                   .expect = StatusExpectation{}.spec(),
                   .url = "(not recorded)"};
  std::optional<WallTime> start;
  std::optional<WallTime> end;
  bool has_trailer = false;
  bool in_block = false;
  std::string line;
  LineReader lines{in};
  while (lines.next(line)) {
    const auto number = lines.number();
    if (line.empty()) {
      in_block = false;
      continue;
    }
    if (line.starts_with("HTTP/")) {
      const auto space = line.find(' ');
      const auto status =
          space == std::string::npos ? std::nullopt : parse_outcome(line.substr(space + 1, 3));
      if (!status || status->transport != Transport::answered) {
        bad_lines.push_back(number);
        continue;
      }
      records.push_back({.sequence = records.size(),
                         .sent = records.empty() ? WallTime{} : records.back().sent,
                         .outcome = *status});
      in_block = true;
    } else if (in_block && line.find(':') != std::string::npos && line.front() != ' ') {
      if (strncasecmp(line.c_str(), "date:", 5) == 0) {
        const auto value_start = line.find_first_not_of(' ', 5);
        if (const auto sent = parse_http_date(line.substr(std::min(value_start, line.size())))) {
          records.back().sent = *sent;
        }
      }
    } else if (const auto start_text = value_after(line, "START: ")) {
      start = parse_date_output(*start_text);
    } else if (const auto end_text = value_after(line, "END: ")) {
      end = parse_date_output(*end_text);
      has_trailer = true;
    } else if (const auto url = value_after(line, "URL: ")) {
      header.url = *url;
    } else if (const auto interval_text = value_after(line, "INT: ")) {
      const auto interval = parse_duration(*interval_text);
      if (interval && interval->count() > 0) {
        header.interval = *interval;
      } else {
        bad_lines.push_back(number);
      }
    } else {
      bad_lines.push_back(number);
    }
  }
  // A probe before the first date: header takes the first time known.
  WallTime first_known{};
  for (const auto& record : records) {
    if (record.sent != WallTime{}) {
      first_known = record.sent;
      break;
    }
  }
  for (auto& record : records) {
    if (record.sent != WallTime{}) break;
    record.sent = first_known;
  }
  header.start = start.value_or(records.empty() ? WallTime{} : records.front().sent);
  if (records.empty() && !start) return bad_lines;
  visitor.on_run(header);
  for (auto& record : records) visitor.on_record(std::move(record));
  // The trailer's END in a zone we cannot read: the last probe is the best we know.
  if (has_trailer)
    visitor.on_end(end.value_or(records.empty() ? header.start : records.back().sent));
  return bad_lines;
}

}  // namespace upwatch
