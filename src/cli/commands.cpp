#include "upwatch/cli/commands.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include "upwatch/analysis/logged_run.hpp"
#include "upwatch/analysis/merge.hpp"
#include "upwatch/analysis/outage.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/live/live_view.hpp"
#include "upwatch/live/metrics.hpp"
#include "upwatch/live/metrics_server.hpp"
#include "upwatch/log/mark.hpp"
#include "upwatch/log/probe_jsonl.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/log/replacing_file.hpp"
#include "upwatch/log/run_files.hpp"
#include "upwatch/net/signals.hpp"
#include "upwatch/probe/engine.hpp"
#include "upwatch/report/html_report.hpp"
#include "upwatch/report/report.hpp"

namespace upwatch {

namespace {

/// The header that opens `config`'s run `run_id`, started at `start`.
RunHeader run_header_of(const Config& config, std::string run_id,
                        std::chrono::system_clock::time_point start) {
  RunHeader header{.id = std::move(run_id),
                   .version = UPWATCH_VERSION,
                   .start = std::chrono::floor<std::chrono::milliseconds>(start),
                   .interval = config.interval,
                   .expect = config.expectation.spec(),
                   .proxy = redact_url(config.proxy),
                   .control = redact_url(config.control_url),
                   .url = redact_url(config.targets.front().url),
                   .each_address = config.each_address,
                   .track = tracked_names(config.track, config.track_body),
                   .vantage = config.vantage,
                   .user = config.user.substr(0, config.user.find(':'))};
  for (std::size_t i = 1; i < config.targets.size(); ++i) {
    header.more_urls.push_back(redact_url(config.targets[i].url));
  }
  return header;
}

/// The line that says what the run probes, how often, and where it logs.
void say_start(const Config& config, const RunHeader& header) {
  spdlog::info("probing {}{}{}{} every {}s, logging to {}; Ctrl-C stops and reports", header.url,
               header.more_urls.empty() ? ""
                                        : fmt::format(" and {} more URL{}", header.more_urls.size(),
                                                      header.more_urls.size() == 1 ? "" : "s"),
               config.each_address ? " at each address" : "",
               header.proxy.empty() ? "" : " through the proxy " + header.proxy,
               format_seconds(config.interval), config.log_path);
}

/// Whether `record` is an answer to the target counted as up though it is not a 2xx.
bool up_but_not_2xx(const Config& config, const ProbeRecord& record) {
  return record.role == Role::target && config.expectation.judge(record.outcome) == Verdict::up &&
         record.outcome.status / 100 != 2;
}

/// Writes `text` to stdout; false, said once on stderr, if it could not be written whole (a
/// full disk, a closed pipe): the caller's exit status then says so too.
[[nodiscard]] bool print(std::string_view text) {
  static bool said = false;
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0) {
    return true;
  }
  if (!said) {
    said = true;
    spdlog::error("could not write to standard output: {}",
                  errno == 0 ? "short write" : std::strerror(errno));
  }
  return false;
}

void warn_bad_lines(const std::string& path, const LogReading& reading) {
  if (reading.bad_line_count == 0) return;
  std::string numbers;
  for (const auto number : reading.bad_lines) {
    numbers += (numbers.empty() ? "" : ", ") + std::to_string(number);
  }
  if (reading.bad_line_count > reading.bad_lines.size()) numbers += ", ...";
  spdlog::warn("{}: skipped {} line{} that could not be read: {}", path, reading.bad_line_count,
               reading.bad_line_count == 1 ? "" : "s", numbers);
}

/// Refuses an --html file that is one of the logs to be read.
void check_not_a_log(const std::string& path, const std::vector<std::string>& logs) {
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return;
  for (const auto& log : logs) {
    struct stat read {};
    if (::stat(log.c_str(), &read) == 0 && read.st_dev == target.st_dev &&
        read.st_ino == target.st_ino) {
      throw UsageError(
          fmt::format("--html file '{}' is the log '{}': not overwriting it", path, log));
    }
  }
}

/// The live view of `config`'s run, if one is wanted, on a terminal: of its URL, or of each of
/// its targets if it has `several` (URLs, or addresses with --each-address).
std::optional<LiveView> live_view_of(const Config& config, const RunHeader& header, bool several) {
  const bool on_terminal = isatty(STDERR_FILENO) == 1;
  if (!live_view_wanted(config.live, config.quiet, on_terminal)) return std::nullopt;
  return std::optional<LiveView>{
      std::in_place, header.start, config.interval,
      colour_wanted(on_terminal, std::getenv("NO_COLOR"), std::getenv("TERM")), several};
}

/// Where each probe record goes: the log files and the analysis, with a warning the first
/// time a target is counted as up on an answer that is not a 2xx.
std::function<void(ProbeRecord&&)> record_sink(const Config& config, const RunHeader& header,
                                               RunFiles& files, TargetsAnalysis& analysis) {
  return [&config, &header, &files, &analysis, warned = false,
          short_of = false](ProbeRecord&& record) mutable {
    files.record(record);
    analysis.add(record);
    if (!short_of && record.outcome.transport == Transport::exhausted) {
      short_of = true;
      // Its last line: "upwatch: not sent: upwatch ran out of ...".
      spdlog::warn("probe #{} {}", record.sequence,
                   record.lines.back().substr(record.lines.back().find(": ") + 2));
    }
    if (warned || !up_but_not_2xx(config, record)) return;
    warned = true;
    spdlog::warn(
        "probe #{} was answered {}, counted as up: is {} the health endpoint you meant? "
        "(--expect 2xx would count it as down)",
        record.sequence, format_as(record.outcome), record.url.empty() ? header.url : record.url);
  };
}

/// The marks people made in the run's log while it went on (upwatch mark), as its summary
/// lists them.
struct RunMarks {
  std::vector<Mark> listed;    ///< the first kMarksListed, in the order written
  std::uint64_t unlisted = 0;  ///< the marks beyond them

  /// Keeps the marks newly appended to `files`' log, showing each in `live` if there is one.
  void take(RunFiles& files, std::optional<LiveView>& live) {
    for (auto& mark : files.take_marks()) {
      if (live) live->on_mark(mark);
      if (listed.size() < kMarksListed) {
        listed.push_back(std::move(mark));
      } else {
        ++unlisted;
      }
    }
  }
  /// Lists them in `info`.
  void list_in(RunInfo& info) const {
    info.marks = listed;
    info.marks_unlisted = unlisted;
  }
};

/// Where the engine hands a run's records, gaps, address sets, interim summaries and refreshes:
/// the log files, the analysis and the live view, if any.
EngineSinks run_sinks(const Config& config, const RunHeader& header, RunFiles& files,
                      TargetsAnalysis& analysis, std::optional<LiveView>& live, RunMarks& marks) {
  EngineSinks sinks{
      .record = record_sink(config, header, files, analysis),
      .gap =
          [&files, &analysis](const Gap& gap) {
            files.gap(gap);
            analysis.add_gap(gap);
          },
      .addresses =
          [&files, &analysis, &live](const AddressSet& set) {
            files.addresses(set);
            analysis.add_addresses(set);
            if (live) live->on_addresses(set);
          },
      .interim =
          [&header, &analysis, &live, &files, &marks] {
            auto info = run_info_of(header, std::chrono::floor<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now()));
            marks.take(files, live);
            marks.list_in(info);
            info.notes.emplace_back(
                "an interim summary (SIGUSR1): the run goes on; probes in flight are not in it");
            if (live) live->erase();
            static_cast<void>(print(render_report(info, analysis.so_far())));
          }};
  if (live) {
    sinks.refresh = [&live, &files, &marks](WallTime now, std::uint64_t sent) {
      marks.take(files, live);
      live->refresh(now, sent);
    };
  }
  return sinks;
}

/// Serves the final metrics until a scrape has read them, `limit` has passed, or the user asks
/// to stop: Ctrl-C or SIGTERM, or, for a run they ended so, a second one (which ends upwatch).
void linger(MetricsServer& server, std::chrono::nanoseconds limit, const StopSignals& stop) {
  const bool ended_by_signal = stop.stop_requested();
  spdlog::info(
      "waiting up to {}s for a scrape of the final numbers (--metrics-linger); "
      "Ctrl-C {}stops waiting",
      format_seconds(limit), ended_by_signal ? "again " : "");
  const auto seen = server.scrapes();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while ((ended_by_signal || !stop.stop_requested()) &&
         std::chrono::steady_clock::now() < deadline) {
    if (server.wait_for_scrape(seen, std::chrono::milliseconds{100})) return;
  }
  spdlog::warn("no scrape read the final numbers (--metrics-linger)");
}

}  // namespace

int run_probes(const Config& config) {
  // Every line of the run names it, so that no reader can take it for another.
  const std::string run_id = make_run_id();
  // Listening first: a port that cannot be had leaves every log as it was.
  std::optional<RunMetrics> metrics;
  std::optional<MetricsServer> metrics_server;
  if (config.metrics_listen) {
    metrics.emplace(config.vantage);
    metrics_server.emplace(*config.metrics_listen, config.metrics_listen_text, metrics->registry());
  }
  RunFiles files{config, run_id};

  const StopSignals stop;
  const auto start = ClockReading::now();
  const RunHeader header = run_header_of(config, run_id, start.wall);
  files.open_run(header);
  if (config.quiet) spdlog::set_level(spdlog::level::err);
  say_start(config, header);

  TargetsAnalysis analysis{config.expectation, config.interval, header.track,
                           all_urls(header.url, header.more_urls), config.each_address};
  const bool several = !header.more_urls.empty() || config.each_address;
  std::optional<LiveView> live = live_view_of(config, header, several);
  if (live && several) {
    analysis.observe_each([&live](const std::string& url, const std::string& address) {
      return live->target(url, address);
    });
  } else if (live) {
    analysis.observe(&live->observer());
  }
  if (metrics) {
    analysis.observe_each([&](const std::string& url, const std::string& address) {
      return &metrics->target(url, address);
    });
  }
  RunMarks marks;
  Engine engine{config, start, run_sinks(config, header, files, analysis, live, marks)};
  const WallTime end = engine.run(stop);
  marks.take(files, live);
  if (live) {
    analysis.unobserve(&live->observer());
    for (auto* target : live->targets()) analysis.unobserve(target);
  }
  live.reset();  // before the summary, on a clean line
  const RunResults result = std::move(analysis).finish();
  RunInfo info = run_info_of(header, end);
  marks.list_in(info);
  files.note_losses(info.notes);
  info.log_incomplete = files.failed();
  std::string summary = render_report(info, result);
  files.end(summary, end);
  if (files.failed() && !info.log_incomplete) {
    info.log_incomplete = true;  // the summary itself could not be written
    summary = render_report(info, result);
  }
  const bool printed = print(summary);
  if (metrics) {
    metrics->finish(result, end);
    if (config.metrics_linger.count() > 0) linger(*metrics_server, config.metrics_linger, stop);
  }
  return printed ? exit_status(info, result.verdict()) : kExitLogWrite;
}

namespace {

/// Reads the log at `path` ("-" for stdin) through `reader`; throws UsageError if it cannot be
/// read, is empty or holds no run.
void read_log_file(RunReader& reader, const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path == "-") {
    std::ios::sync_with_stdio(false);  // read stdin through its own buffer, not byte by byte
  } else {
    // A device (/dev/zero) never ends and holds no log; a pipe or FIFO may be one.
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0 &&
        (S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode) || S_ISDIR(status.st_mode))) {
      throw UsageError(
          fmt::format("cannot read log '{}': {}", path,
                      S_ISDIR(status.st_mode) ? "a directory" : "a device, not a log"));
    }
    file.open(path, std::ios::binary);
    if (!file)
      throw UsageError(fmt::format("cannot read log '{}': {}", path, std::strerror(errno)));
    in = &file;
  }
  if (in->peek() == std::istream::traits_type::eof()) {
    throw UsageError(fmt::format("log '{}' is empty", path));
  }
  const auto reading = reader.read(*in);
  if (in->bad()) {
    throw UsageError(fmt::format("cannot read log '{}': {}", path, std::strerror(errno)));
  }
  warn_bad_lines(path, reading);
  if (reading.runs == 0) {
    throw UsageError(
        fmt::format("no run found in '{}' (read as {})", path, format_as(reading.format)));
  }
}

/// `upwatch report --merge`: the last run of each log, each a vantage point, merged; written
/// to `html` too, if given.
int run_merged_report(const ReportConfig& report, std::optional<ReplacingFile>& html) {
  std::vector<VantageRun> runs;
  for (const auto& path : report.logs) {
    std::optional<LoggedRun> last;
    RunReader reader{[&](LoggedRun&& run) { last = std::move(run); }, Timelines::none,
                     report.track};
    read_log_file(reader, path);
    reader.finish();
    if (const auto twice = std::ranges::find_if(
            runs, [&](const VantageRun& run) { return run.info.id == last->info.id; });
        !last->info.id.empty() && twice != runs.end()) {
      throw UsageError(fmt::format(
          "'{}' holds the same run as '{}' (run {}): one vantage point would be counted twice",
          path, twice->log, last->info.id));
    }
    std::string name = last->info.vantage.empty() ? path : last->info.vantage;
    if (std::ranges::find(runs, name, &VantageRun::name) != runs.end()) {
      name += fmt::format(" ({})", path);
    }
    runs.push_back({.name = std::move(name),
                    .log = path,
                    .info = std::move(last->info),
                    .results = std::move(last->results)});
  }
  const auto merged = merge_runs(runs);
  if (html) html->commit(render_merged_html(runs, merged));
  if (!print(report.json ? render_merged_json(runs, merged) : render_merged(runs, merged))) {
    return kExitLogWrite;
  }
  return exit_status(merged.verdict());
}

}  // namespace

int run_report(const ReportConfig& report) {
  std::optional<ReplacingFile> html;
  if (!report.html_path.empty()) {
    check_not_a_log(report.html_path, report.logs);
    html.emplace(report.html_path);
  }
  if (report.merge) return run_merged_report(report, html);
  // Runs are taken as they end, one at a time: a log of any size is read in bounded memory.
  std::size_t number = 0;
  std::optional<LoggedRun> chosen;
  bool printed = !report.list || print(render_run_list_header());
  RunReader reader{[&](LoggedRun&& run) {
                     ++number;
                     if (report.list) {
                       printed = print(render_run_row(number, run)) && printed;
                     } else if (!report.run || *report.run == number) {
                       chosen = std::move(run);
                     }
                   },
                   html ? Timelines::build : Timelines::none, report.track};
  for (const auto& path : report.logs) read_log_file(reader, path);
  reader.finish();
  if (report.list) return printed ? 0 : kExitLogWrite;
  if (!chosen) {
    throw UsageError(fmt::format("no run {}: the logs hold {} run{}", report.run.value_or(0),
                                 number, number == 1 ? "" : "s"));
  }
  const auto& results = chosen->results;
  if (html) {
    // The timeline follows the first URL (as users saw it, with --each-address).
    if (!chosen->info.more_urls.empty()) {
      throw UsageError(fmt::format("--html draws a run of one URL; this run has {} URLs",
                                   chosen->info.more_urls.size() + 1));
    }
    html->commit(render_html(chosen->info, results.targets.front().analysis, *chosen->timeline));
  }
  if (!print(report.json ? render_report_json(chosen->info, results)
                         : render_report(chosen->info, results))) {
    return kExitLogWrite;
  }
  return exit_status(chosen->info, results.verdict());
}

int run_mark(const MarkConfig& mark) {
  write_mark(mark.log_path, {.time = mark.at.value_or(std::chrono::floor<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now())),
                             .text = mark.text});
  return 0;
}

}  // namespace upwatch
