#include "upwatch/logged_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "upwatch/duration.hpp"
#include "upwatch/log_lines.hpp"
#include "upwatch/probe_jsonl.hpp"
#include "upwatch/probe_log.hpp"
#include "upwatch/script_log.hpp"

namespace upwatch {

namespace {

/// Builds one LoggedRun per run as the reader hands over headers, records and ends.
class RunBuilder final : public LogVisitor {
 public:
  explicit RunBuilder(LogFormat format) : format_(format) {}

  void on_run(RunHeader header) override {
    close();
    auto expectation = StatusExpectation::parse(header.expect);
    const auto interval = header.interval;
    current_.emplace(
        Current{.header = std::move(header),
                .analysis = OutageAnalysis{expectation.value_or(StatusExpectation{}), interval},
                .expectation_known = expectation.has_value()});
    current_->last_activity = current_->header.start;
  }

  void on_record(ProbeRecord record) override {
    auto& run = *current_;
    run.last_activity =
        std::max(run.last_activity,
                 record.sent + std::chrono::duration_cast<std::chrono::milliseconds>(record.total));
    run.analysis.add(record);
    ++run.records;
  }

  void on_gap(const Gap& gap) override {
    auto& run = *current_;
    run.last_activity = std::max(run.last_activity, gap.end);
    run.analysis.add_gap(gap);
  }

  void on_lost(const LostRecords& lost) override {
    current_->notes.push_back(fmt::format(
        "{} could not be written to this log from {} to {} (it was full, or its reader fell "
        "behind): the probes missing from it are gaps, not uptime",
        lost.records == 1 ? "1 record" : fmt::format("{} records", lost.records),
        format_iso_utc(lost.start), format_iso_utc(lost.end)));
  }

  void on_end(WallTime end) override { current_->end = end; }

  std::vector<LoggedRun> finish() && {
    close();
    return std::move(runs_);
  }

 private:
  struct Current {
    RunHeader header;
    OutageAnalysis analysis;
    bool expectation_known = true;
    std::optional<WallTime> end;
    WallTime last_activity;
    std::uint64_t records = 0;
    std::vector<std::string> notes;
  };

  void close() {
    if (!current_) return;
    auto& run = *current_;
    RunInfo info{.start = run.header.start,
                 .end = run.end.value_or(run.last_activity),
                 .url = std::move(run.header.url),
                 .proxy = std::move(run.header.proxy),
                 .control = std::move(run.header.control),
                 .interval = run.header.interval};
    info.notes = std::move(run.notes);
    if (!run.end) {
      info.notes.push_back(
          "this run ended without writing its summary (killed?): END is the end of its last "
          "record");
    }
    if (!run.expectation_known) {
      info.notes.push_back("the log's --expect '" + run.header.expect +
                           "' is unreadable: statuses below 500 were counted as up");
    }
    if (format_ == LogFormat::script) {
      info.latency_recorded = false;
      info.notes.push_back(
          "read from the bash loop's log: times come from the servers' date: headers, to the "
          "second, and it cannot show refused, reset or timed-out probes, which curl never wrote "
          "to it");
    }
    runs_.push_back({.info = std::move(info),
                     .analysis = std::move(run.analysis).finish(),
                     .records = run.records,
                     .summarized = run.end.has_value()});
    current_.reset();
  }

  LogFormat format_;
  std::optional<Current> current_;
  std::vector<LoggedRun> runs_;
};

}  // namespace

std::string_view format_as(LogFormat format) {
  switch (format) {
    case LogFormat::text:
      return "upwatch log";
    case LogFormat::jsonl:
      return "upwatch JSON Lines log";
    case LogFormat::script:
      return "bash loop log";
  }
  return "log";
}

LogFormat detect_format(std::string_view first_line) {
  if (first_line.starts_with("{")) return LogFormat::jsonl;
  if (first_line.starts_with("HTTP/") || first_line.starts_with("START: "))
    return LogFormat::script;
  return LogFormat::text;
}

LogReading read_runs(std::istream& in) {
  std::string first_line;
  LineReader lines{in};
  while (lines.next(first_line) && first_line.empty()) {
  }
  in.clear();
  in.seekg(0);
  LogReading reading{.format = detect_format(first_line)};
  RunBuilder builder{reading.format};
  switch (reading.format) {
    case LogFormat::text:
      reading.bad_lines = read_log(in, builder);
      break;
    case LogFormat::jsonl:
      reading.bad_lines = read_jsonl(in, builder);
      break;
    case LogFormat::script:
      reading.bad_lines = read_script_log(in, builder);
      break;
  }
  reading.runs = std::move(builder).finish();
  return reading;
}

std::string render_run_list(const std::vector<LoggedRun>& runs) {
  std::string out = fmt::format(
      "{:<4} {:<24} {:<24} {:>7} {:>7} {:>7} {:>12} {:>12} {:<12} {:<7} {}\n", "RUN", "START",
      "END", "PROBES", "FAILED", "WINDOWS", "DOWNTIME", "UNOBSERVED", "VERDICT", "SUMMARY", "URL");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& [info, analysis, records, summarized] = runs[i];
    out += fmt::format("{:<4} {:<24} {:<24} {:>7} {:>7} {:>7} {:>12} {:>12} {:<12} {:<7} {}\n",
                       i + 1, format_iso_utc(info.start), format_iso_utc(info.end),
                       analysis.probes(), analysis.down, analysis.windows.size(),
                       format_elapsed(analysis.downtime(info.end)),
                       format_elapsed(analysis.unobserved()), format_as(analysis.verdict()),
                       summarized ? "yes" : "no", info.url);
  }
  return out;
}

}  // namespace upwatch
