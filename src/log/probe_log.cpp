#include "upwatch/log/probe_log.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <utility>

#include "text_format.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/log/log_lines.hpp"

namespace upwatch {

namespace text_format {

/// Splits off the text up to the first space; `rest` keeps what follows the space.
std::string_view next_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  const auto word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return word;
}

/// The value of `key=value`, or nullopt if `word` is not that key.
std::optional<std::string_view> value_of(std::string_view word, std::string_view key) {
  if (!word.starts_with(key) || word.size() <= key.size() || word[key.size()] != '=') {
    return std::nullopt;
  }
  return word.substr(key.size() + 1);
}

/// The items of a comma-separated list.
std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> items;
  while (!list.empty()) {
    const auto comma = list.find(',');
    items.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return items;
}

/// Takes a trailing " run=ID" off `line`; returns the ID, or "" if there is none.
std::string_view take_run_id(std::string_view& line) {
  const auto space = line.rfind(' ');
  if (space == std::string_view::npos) return {};
  const auto id = value_of(line.substr(space + 1), "run");
  if (!id) return {};
  line = line.substr(0, space);
  return *id;
}

std::optional<RunHeader> parse_run_header(std::string_view line) {
  line.remove_prefix(kRunMarker.size());
  RunHeader header;
  header.version = std::string{next_word(line)};
  if (header.version.empty() || next_word(line) != "run") return std::nullopt;
  if (const auto id = value_of(line.substr(0, line.find(' ')), "id")) {
    header.id = std::string{*id};
    next_word(line);
  }
  const auto start = value_of(next_word(line), "start");
  const auto interval = value_of(next_word(line), "interval");
  const auto expect = value_of(next_word(line), "expect");
  if (const auto slow = value_of(line.substr(0, line.find(' ')), "slow")) {
    const auto limit = parse_duration(*slow);
    if (!limit || limit->count() <= 0) return std::nullopt;
    header.slow = std::chrono::duration_cast<std::chrono::microseconds>(*limit);
    next_word(line);
  }
  if (const auto proxy = value_of(line.substr(0, line.find(' ')), "proxy")) {
    header.proxy = std::string{*proxy};
    next_word(line);
  }
  if (const auto control = value_of(line.substr(0, line.find(' ')), "control")) {
    header.control = std::string{*control};
    next_word(line);
  }
  if (const auto user = value_of(line.substr(0, line.find(' ')), "user")) {
    header.user = std::string{user->substr(0, user->rfind(":***"))};
    next_word(line);
  }
  if (const auto track = value_of(line.substr(0, line.find(' ')), "track")) {
    header.track = split_commas(*track);
    next_word(line);
  }
  if (const auto vantage = value_of(line.substr(0, line.find(' ')), "vantage")) {
    header.vantage = std::string{*vantage};
    next_word(line);
  }
  if (line.starts_with(kEachAddressWord) && line.substr(kEachAddressWord.size()).starts_with(' ')) {
    header.each_address = true;
    next_word(line);
  }
  if (line.starts_with(kBothConnectionsWord) &&
      line.substr(kBothConnectionsWord.size()).starts_with(' ')) {
    header.both_connections = true;
    next_word(line);
  }
  const auto url = value_of(line, "url");
  if (!start || !interval || !expect || !url) return std::nullopt;
  const auto start_time = parse_iso_utc(*start);
  const auto interval_value = parse_duration(*interval);
  if (!start_time || !interval_value || interval_value->count() <= 0) return std::nullopt;
  header.start = *start_time;
  header.interval = *interval_value;
  header.expect = std::string{*expect};
  header.url = std::string{*url};
  return header;
}

/// Reads one of the words after a record's REMOTE into `record`: a phase, a tracked value or
/// the word control; false if it is none of them.
bool parse_record_word(std::string_view word, ProbeRecord& record) {
  if (word == kControlWord) {
    record.role = Role::control;
    return true;
  }
  if (word.starts_with(kTrackPrefix.substr(1))) {
    word.remove_prefix(kTrackPrefix.size() - 1);
    const auto equals = word.find('=');
    auto value =
        percent_decoded(word.substr(equals == std::string_view::npos ? word.size() : equals + 1));
    if (equals == std::string_view::npos || equals == 0 || !value) return false;
    record.tracked.push_back({std::string{word.substr(0, equals)}, std::move(*value)});
    return true;
  }
  if (const auto tried = value_of(word, "tried")) {
    record.tried = split_commas(*tried);
    return true;
  }
  if (const auto url = value_of(word, "url")) {
    record.url = std::string{*url};
    return true;
  }
  if (const auto address = value_of(word, "address")) {
    record.address = std::string{*address};
    return true;
  }
  if (const auto connection = value_of(word, "connection")) {
    if (*connection != kFreshConnection && *connection != kKeptConnection) return false;
    record.connection = std::string{*connection};
    return true;
  }
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    const auto time = value_of(word, format_as(static_cast<Phase>(phase)));
    if (!time) continue;
    const auto value = parse_duration(*time);
    if (!time->ends_with("ms") || !value || *value > kMaxRecordedTotal) return false;
    record.phases[phase] = std::chrono::duration_cast<std::chrono::microseconds>(*value);
    return true;
  }
  return false;
}

std::optional<ProbeRecord> parse_record_line(std::string_view line) {
  line.remove_prefix(kRecordMarker.size());
  const auto sent = parse_iso_utc(next_word(line));
  const auto sequence_word = next_word(line);
  const auto outcome = parse_outcome(next_word(line));
  const auto total_word = next_word(line);
  const auto remote = next_word(line);
  if (!sent || !outcome || !sequence_word.starts_with('#') || !total_word.ends_with("ms") ||
      remote.empty()) {
    return std::nullopt;
  }
  ProbeRecord record;
  while (!line.empty()) {
    if (!parse_record_word(next_word(line), record)) return std::nullopt;
  }
  const auto* digits = sequence_word.data() + 1;
  const auto* digits_end = sequence_word.data() + sequence_word.size();
  const auto [end, error] = std::from_chars(digits, digits_end, record.sequence);
  const auto total = parse_duration(total_word);
  if (error != std::errc{} || end != digits_end || !total || *total > kMaxRecordedTotal) {
    return std::nullopt;
  }
  record.sent = *sent;
  record.outcome = *outcome;
  record.total = std::chrono::duration_cast<std::chrono::microseconds>(*total);
  record.remote = std::string{remote};
  return record;
}

/// A number of `key=N`, or nullopt.
std::optional<std::uint64_t> number_of(std::string_view word, std::string_view key) {
  const auto value = value_of(word, key);
  if (!value) return std::nullopt;
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc{} || end != value->data() + value->size()) return std::nullopt;
  return number;
}

std::optional<Gap> parse_gap_line(std::string_view line) {
  line.remove_prefix(kGapMarker.size());
  const auto start = value_of(next_word(line), "start");
  const auto end = value_of(next_word(line), "end");
  const auto first = number_of(next_word(line), "first");
  const auto ticks = number_of(next_word(line), "ticks");
  const auto cause = value_of(line, "cause");
  if (!start || !end || !first || !ticks || !cause) return std::nullopt;
  const auto start_time = parse_iso_utc(*start);
  const auto end_time = parse_iso_utc(*end);
  const auto cause_value = parse_gap_cause(*cause);
  if (!start_time || !end_time || !cause_value) return std::nullopt;
  return Gap{.first_tick = *first,
             .ticks = *ticks,
             .start = *start_time,
             .end = *end_time,
             .cause = *cause_value};
}

std::optional<AddressSet> parse_addresses_line(std::string_view line) {
  line.remove_prefix(kAddressesMarker.size());
  const auto time = value_of(next_word(line), "time");
  const auto first = number_of(next_word(line), "first");
  const auto set = value_of(next_word(line), "set");
  const auto url = value_of(line, "url");
  if (!time || !first || !set || !url || url->empty()) return std::nullopt;
  const auto time_value = parse_iso_utc(*time);
  if (!time_value) return std::nullopt;
  return AddressSet{.url = std::string{*url},
                    .first_tick = *first,
                    .time = *time_value,
                    .addresses = split_commas(*set)};
}

std::optional<LostRecords> parse_lost_line(std::string_view line) {
  line.remove_prefix(kLostMarker.size());
  const auto start = value_of(next_word(line), "start");
  const auto end = value_of(next_word(line), "end");
  const auto records = number_of(line, "records");
  if (!start || !end || !records) return std::nullopt;
  const auto start_time = parse_iso_utc(*start);
  const auto end_time = parse_iso_utc(*end);
  if (!start_time || !end_time) return std::nullopt;
  return LostRecords{.start = *start_time, .end = *end_time, .records = *records};
}

}  // namespace text_format

using namespace text_format;

/// " run=ID", or nothing for a run without one.
std::string run_suffix(std::string_view run) {
  return run.empty() ? std::string{} : fmt::format(" run={}", run);
}

std::string format_lost(const LostRecords& lost, std::string_view run) {
  return fmt::format("{}start={} end={} records={}{}\n\n", kLostMarker, format_iso_utc(lost.start),
                     format_iso_utc(lost.end), lost.records, run_suffix(run));
}

std::string format_run_header(const RunHeader& header) {
  const std::string proxy = header.proxy.empty() ? "" : " proxy=" + header.proxy;
  const std::string control = header.control.empty() ? "" : " control=" + header.control;
  const std::string id = header.id.empty() ? "" : " id=" + header.id;
  const std::string track =
      header.track.empty() ? "" : fmt::format(" track={}", fmt::join(header.track, ","));
  const std::string vantage = header.vantage.empty() ? "" : " vantage=" + header.vantage;
  const std::string user = header.user.empty() ? "" : " user=" + header.user + ":***";
  const std::string slow = header.slow ? " slow=" + format_seconds(*header.slow) : "";
  std::string text =
      fmt::format("{}{} run{} start={} interval={} expect={}{}{}{}{}{}{}{}{} url={}\n", kRunMarker,
                  header.version, id, format_iso_utc(header.start), format_seconds(header.interval),
                  header.expect, slow, proxy, control, user, track, vantage,
                  header.each_address ? " each-address" : "",
                  header.both_connections ? " " + std::string{kBothConnectionsWord} : std::string{},
                  header.url);
  for (const auto& url : header.more_urls) {
    text += fmt::format("{}url={}{}\n", kTargetMarker, url, run_suffix(header.id));
  }
  return text + '\n';
}

std::string format_addresses(const AddressSet& set, std::string_view run) {
  return fmt::format("{}time={} first={} set={} url={}{}\n\n", kAddressesMarker,
                     format_iso_utc(set.time), set.first_tick, fmt::join(set.addresses, ","),
                     set.url, run_suffix(run));
}

std::string format_gap(const Gap& gap, std::string_view run) {
  return fmt::format("{}start={} end={} first={} ticks={} cause={}{}\n\n", kGapMarker,
                     format_iso_utc(gap.start), format_iso_utc(gap.end), gap.first_tick, gap.ticks,
                     format_as(gap.cause), run_suffix(run));
}

namespace {

/// Appends the optional fields of `record`'s marker line: phases, addresses tried, tracked
/// values, URL, address, and whether it is the control's.
void append_record_fields(std::string& text, const ProbeRecord& record) {
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    if (!record.phases[phase]) continue;
    text += ' ';
    text += format_as(static_cast<Phase>(phase));
    text += '=';
    append_millis(text, *record.phases[phase]);
  }
  for (std::size_t i = 0; i < record.tried.size(); ++i) {
    text += i == 0 ? " tried=" : ",";
    text += record.tried[i];
  }
  for (const auto& [name, value] : record.tracked) {
    text += kTrackPrefix;
    text += name;
    text += '=';
    append_percent_encoded(text, value);
  }
  if (!record.url.empty()) {
    text += " url=";
    text += record.url;
  }
  if (!record.address.empty()) {
    text += " address=";
    text += record.address;
  }
  if (!record.connection.empty()) {
    text += " connection=";
    text += record.connection;
  }
  if (record.role == Role::control) {
    text += ' ';
    text += kControlWord;
  }
}

}  // namespace

std::string format_record(const ProbeRecord& record, std::string_view run) {
  // Built by appending, without format strings: this runs for every probe.
  std::size_t size = 96 + record.remote.size();
  for (const auto& line : record.lines) size += line.size() + 1;
  std::string text;
  text.reserve(size);
  text += kRecordMarker;
  append_iso_utc(text, record.sent);
  text += " #";
  text += fmt::format_int(record.sequence).c_str();
  text += ' ';
  text += format_as(record.outcome);
  text += ' ';
  append_millis(text, record.total);
  text += ' ';
  text += record.remote;
  append_record_fields(text, record);
  if (!run.empty()) {
    text += " run=";
    text += run;
  }
  text += '\n';
  for (const auto& line : record.lines) {
    // A blank line ends a record, so a line of the body is never written blank.
    if (line.empty()) {
      text += ' ';
    } else {
      append_escaped(text, line);
    }
    text += '\n';
  }
  text += '\n';
  return text;
}

std::string format_mark(const Mark& mark) {
  std::string text = fmt::format("{}{} ", kMarkMarker, format_iso_utc(mark.time));
  append_escaped(text, mark.text);
  return text + "\n\n";
}

std::optional<Mark> parse_mark(std::string_view line) {
  if (!line.starts_with(kMarkMarker)) return std::nullopt;
  line.remove_prefix(kMarkMarker.size());
  const auto time = parse_iso_utc(next_word(line));
  if (!time || line.empty()) return std::nullopt;
  return Mark{.time = *time, .text = unescape(line)};
}

std::string format_summary_block(std::string_view summary, WallTime end, std::string_view run) {
  return fmt::format("{}{}{}{}\n\n", summary, kEndMarker, format_iso_utc(end), run_suffix(run));
}

LogLineKind log_line_kind(std::string_view line) {
  if (line.starts_with(kRunMarker)) {
    std::string_view rest = line.substr(kRunMarker.size());
    next_word(rest);
    return next_word(rest) == "run" ? LogLineKind::run_header : LogLineKind::marker;
  }
  if (!line.starts_with(kRecordMarker)) return LogLineKind::other;
  line.remove_prefix(kRecordMarker.size());
  return parse_iso_utc(next_word(line)) ? LogLineKind::marker : LogLineKind::other;
}

}  // namespace upwatch
