#include "upwatch/log/probe_jsonl.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "upwatch/core/duration.hpp"
#include "upwatch/log/log_lines.hpp"

namespace upwatch {

namespace {

using json = nlohmann::ordered_json;

/// The string at `key`, or `fallback` if there is none (or it is not a string).
std::string string_of(const json& object, const char* key, std::string fallback = {}) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
}

std::optional<WallTime> time_of(const json& object, const char* key) {
  return parse_iso_utc(string_of(object, key));
}

/// True if `key` holds true.
bool flag_of(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

/// The strings of the array `key`, if there is one.
std::vector<std::string> names_of(const json& object, const char* key) {
  std::vector<std::string> names;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return names;
  for (const auto& name : *it) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

/// "alice" of "alice:***", as the run line writes -u's user.
std::string without_password(std::string user) {
  if (user.ends_with(":***")) user.resize(user.size() - 4);
  return user;
}

std::optional<RunHeader> parse_run(const json& object) {
  const auto start = time_of(object, "start");
  const auto interval = object.find("interval_s");
  if (!start || interval == object.end() || !interval->is_number() ||
      !(interval->get<double>() > 0) || interval->get<double>() > 1e9) {
    return std::nullopt;
  }
  std::optional<std::chrono::microseconds> slow;
  if (const auto limit = object.find("slow_s"); limit != object.end() && limit->is_number()) {
    if (!(limit->get<double>() > 0) || limit->get<double>() > 1e9) return std::nullopt;
    slow = std::chrono::microseconds{std::llround(limit->get<double>() * 1e6)};
  }
  return RunHeader{
      .id = string_of(object, "run"),
      .version = string_of(object, "version"),
      .start = *start,
      .interval = std::chrono::nanoseconds{std::llround(interval->get<double>() * 1e9)},
      .expect = string_of(object, "expect"),
      .slow = slow,
      .proxy = string_of(object, "proxy"),
      .control = string_of(object, "control"),
      .url = string_of(object, "url"),
      .more_urls = names_of(object, "more_urls"),
      .each_address = flag_of(object, "each_address"),
      .both_connections = string_of(object, "connections") == "both",
      .track = names_of(object, "track"),
      .vantage = string_of(object, "vantage"),
      .user = without_password(string_of(object, "user")),
  };
}

std::optional<std::uint64_t> count_of(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

std::optional<Gap> parse_gap(const json& object) {
  const auto start = time_of(object, "start");
  const auto end = time_of(object, "end");
  const auto first = count_of(object, "first");
  const auto ticks = count_of(object, "ticks");
  const auto cause = parse_gap_cause(string_of(object, "cause"));
  if (!start || !end || !first || !ticks || !cause) return std::nullopt;
  return Gap{.first_tick = *first, .ticks = *ticks, .start = *start, .end = *end, .cause = *cause};
}

std::optional<ProbeRecord> parse_probe(const json& object) {
  const auto sent = time_of(object, "sent");
  const auto outcome = parse_outcome(string_of(object, "outcome"));
  const auto seq = count_of(object, "seq");
  const auto total = object.find("total_us");
  const auto role = string_of(object, "role", "target");
  if (!sent || !outcome || !seq || (role != "target" && role != "control") ||
      total == object.end() || !total->is_number_integer() || total->get<std::int64_t>() < 0 ||
      std::chrono::microseconds{total->get<std::int64_t>()} > kMaxRecordedTotal) {
    return std::nullopt;
  }
  ProbeRecord record{.sequence = *seq,
                     .role = role == "control" ? Role::control : Role::target,
                     .sent = *sent,
                     .outcome = *outcome,
                     .total = std::chrono::microseconds{total->get<std::int64_t>()},
                     .remote = string_of(object, "remote", "-")};
  if (const auto status_line = object.find("status_line");
      status_line != object.end() && status_line->is_string()) {
    record.lines.push_back(status_line->get<std::string>());
  }
  if (const auto headers = object.find("headers"); headers != object.end() && headers->is_array()) {
    for (const auto& header : *headers) {
      if (header.is_array() && header.size() == 2 && header[0].is_string() &&
          header[1].is_string()) {
        record.lines.push_back(header[0].get<std::string>() + ": " + header[1].get<std::string>());
      }
    }
  }
  if (const auto error = object.find("error"); error != object.end() && error->is_string()) {
    record.lines.push_back(error->get<std::string>());
  }
  if (const auto phases = object.find("phases_us"); phases != object.end() && phases->is_object()) {
    for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
      const auto time = phases->find(std::string{format_as(static_cast<Phase>(phase))});
      if (time == phases->end() || !time->is_number_integer() || time->get<std::int64_t>() < 0 ||
          std::chrono::microseconds{time->get<std::int64_t>()} > kMaxRecordedTotal) {
        continue;
      }
      record.phases[phase] = std::chrono::microseconds{time->get<std::int64_t>()};
    }
  }
  record.tried = names_of(object, "tried");
  record.url = string_of(object, "url");
  record.address = string_of(object, "address");
  record.connection = string_of(object, "connection");
  if (!record.connection.empty() && record.connection != kFreshConnection &&
      record.connection != kKeptConnection) {
    return std::nullopt;
  }
  if (const auto tracked = object.find("tracked");
      tracked != object.end() && tracked->is_object()) {
    for (const auto& [name, value] : tracked->items()) {
      if (value.is_string()) record.tracked.push_back({name, value.get<std::string>()});
    }
  }
  return record;
}

/// `line` with the run it belongs to after its type, if the run has an identifier.
json with_run(json line, std::string_view run) {
  if (run.empty()) return line;
  json out{{"type", line["type"]}, {"run", std::string{run}}};
  for (auto& [key, value] : line.items()) {
    if (key != "type") out[key] = std::move(value);
  }
  return out;
}

/// `object` as one line. Bytes that are not UTF-8 are replaced rather than failed on: a server
/// may send any header bytes, and a log read back may hold any.
std::string line_of(const json& object) {
  return object.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
}

}  // namespace

std::string format_jsonl_run(const RunHeader& header) {
  json line{{"type", "run"},
            {"version", header.version},
            {"start", format_iso_utc(header.start)},
            {"interval_s", static_cast<double>(header.interval.count()) / 1e9},
            {"expect", header.expect},
            {"slow_s", header.slow ? json(std::chrono::duration<double>(*header.slow).count())
                                   : json(nullptr)},
            {"proxy", header.proxy.empty() ? json(nullptr) : json(header.proxy)},
            {"control", header.control.empty() ? json(nullptr) : json(header.control)},
            {"url", header.url},
            {"more_urls", header.more_urls},
            {"each_address", header.each_address},
            {"connections", header.both_connections ? json("both") : json(nullptr)},
            {"track", header.track},
            {"vantage", header.vantage.empty() ? json(nullptr) : json(header.vantage)},
            {"user", header.user.empty() ? json(nullptr) : json(header.user + ":***")}};
  return line_of(with_run(std::move(line), header.id));
}

std::string format_jsonl_record(const ProbeRecord& record, std::string_view run) {
  const bool answered = record.outcome.transport == Transport::answered;
  json line{{"type", "probe"},
            {"seq", record.sequence},
            {"role", record.role == Role::control ? "control" : "target"},
            {"sent", format_iso_utc(record.sent)},
            {"outcome", format_as(record.outcome)},
            {"status", answered ? json(record.outcome.status) : json(nullptr)},
            {"error", nullptr},
            {"total_us", record.total.count()},
            {"remote", record.remote},
            {"http_version", nullptr},
            {"status_line", nullptr},
            {"headers", json::array()},
            {"phases_us", json::object()},
            {"tried", record.tried},
            {"tracked", json::object()},
            {"url", record.url.empty() ? json(nullptr) : json(record.url)},
            {"address", record.address.empty() ? json(nullptr) : json(record.address)},
            {"connection", record.connection.empty() ? json(nullptr) : json(record.connection)}};
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    if (record.phases[phase]) {
      line["phases_us"][std::string{format_as(static_cast<Phase>(phase))}] =
          record.phases[phase]->count();
    }
  }
  for (const auto& [name, value] : record.tracked) line["tracked"][name] = value;
  for (std::size_t i = 0; i < record.lines.size(); ++i) {
    const auto& text = record.lines[i];
    if (!answered && i + 1 == record.lines.size()) {
      line["error"] = text;
    } else if (text.starts_with("HTTP/") && line["status_line"].is_null()) {
      line["status_line"] = text;
      const auto space = text.find(' ');
      line["http_version"] = text.substr(5, space == std::string::npos ? space : space - 5);
    } else if (const auto colon = text.find(':'); colon != std::string::npos) {
      const auto value_start = text.find_first_not_of(' ', colon + 1);
      line["headers"].push_back({text.substr(0, colon),
                                 value_start == std::string::npos ? "" : text.substr(value_start)});
    }
  }
  return line_of(with_run(std::move(line), run));
}

std::string format_jsonl_gap(const Gap& gap, std::string_view run) {
  json line{{"type", "gap"},
            {"start", format_iso_utc(gap.start)},
            {"end", format_iso_utc(gap.end)},
            {"first", gap.first_tick},
            {"ticks", gap.ticks},
            {"cause", format_as(gap.cause)}};
  return line_of(with_run(std::move(line), run));
}

std::string format_jsonl_addresses(const AddressSet& set, std::string_view run) {
  json line{{"type", "addresses"},
            {"time", format_iso_utc(set.time)},
            {"first", set.first_tick},
            {"set", set.addresses},
            {"url", set.url}};
  return line_of(with_run(std::move(line), run));
}

std::string format_jsonl_lost(const LostRecords& lost, std::string_view run) {
  json line{{"type", "lost"},
            {"start", format_iso_utc(lost.start)},
            {"end", format_iso_utc(lost.end)},
            {"records", lost.records}};
  return line_of(with_run(std::move(line), run));
}

std::string format_jsonl_end(WallTime end, std::string_view run) {
  json line{{"type", "end"}, {"end", format_iso_utc(end)}};
  return line_of(with_run(std::move(line), run));
}

void read_jsonl(LineReader& lines, LogVisitor& visitor) {
  bool in_run = false;
  std::string line;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
    const auto type = object.is_object() ? string_of(object, "type") : std::string{};
    const auto run = object.is_object() ? string_of(object, "run") : std::string{};
    if (type == "run") {
      if (auto header = parse_run(object)) {
        in_run = true;
        visitor.on_run(std::move(*header));
        continue;
      }
    } else if (type == "probe" && in_run) {
      if (auto record = parse_probe(object)) {
        visitor.on_record(run, std::move(*record));
        continue;
      }
    } else if (type == "gap" && in_run) {
      if (const auto gap = parse_gap(object)) {
        visitor.on_gap(run, *gap);
        continue;
      }
    } else if (type == "addresses" && in_run) {
      const auto time = time_of(object, "time");
      const auto first = count_of(object, "first");
      auto url = string_of(object, "url");
      if (time && first && !url.empty()) {
        visitor.on_addresses(run, {.url = std::move(url),
                                   .first_tick = *first,
                                   .time = *time,
                                   .addresses = names_of(object, "set")});
        continue;
      }
    } else if (type == "lost" && in_run) {
      const auto start = time_of(object, "start");
      const auto end = time_of(object, "end");
      const auto records = count_of(object, "records");
      if (start && end && records) {
        visitor.on_lost(run, {.start = *start, .end = *end, .records = *records});
        continue;
      }
    } else if (type == "end" && in_run) {
      if (const auto end = time_of(object, "end")) {
        visitor.on_end(run, *end);
        continue;
      }
    }
    visitor.on_bad_line(lines.number());
  }
}

}  // namespace upwatch
