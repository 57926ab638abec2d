#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "output.hpp"
#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/run_info.hpp"
#include "upwatch/cli/commands.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/live/live_view.hpp"
#include "upwatch/live/metrics.hpp"
#include "upwatch/live/metrics_server.hpp"
#include "upwatch/log/mark.hpp"
#include "upwatch/log/run_files.hpp"
#include "upwatch/net/signals.hpp"
#include "upwatch/probe/engine.hpp"
#include "upwatch/report/junit.hpp"
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
                   .slow = config.expectation.slow(),
                   .proxy = redact_url(config.proxy),
                   .control = redact_url(config.control_url),
                   .url = redact_url(config.targets.front().url),
                   .each_address = config.each_address,
                   .both_connections = config.connections == Connections::both,
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
  return record.role == Role::target &&
         config.expectation.judge(config.expectation.classify(record.outcome, record.total)) ==
             Verdict::up &&
         record.outcome.status / 100 != 2;
}

/// Starts `live`, the live view of `config`'s run, if one is wanted, on a terminal, observing
/// `analysis`: of the run's URL, or of each of its targets if it has several (URLs, or
/// addresses with --each-address).
void start_live_view(std::optional<LiveView>& live, const Config& config, const RunHeader& header,
                     TargetsAnalysis& analysis) {
  const bool on_terminal = isatty(STDERR_FILENO) == 1;
  if (!live_view_wanted(config.live, config.quiet, on_terminal)) return;
  const bool several = !header.more_urls.empty() || config.each_address || header.both_connections;
  auto& view = live.emplace(
      header.start, config.interval,
      colour_wanted(on_terminal, std::getenv("NO_COLOR"), std::getenv("TERM")), several);
  if (several) {
    analysis.observe_each([&view](const std::string& url, const std::string& address) {
      return view.target(url, address);
    });
  } else {
    analysis.observe(&view.observer());
  }
}

/// Ends `live`, if there is one, having taken its observers back from `analysis`: before the
/// summary, on a clean line.
void end_live_view(std::optional<LiveView>& live, TargetsAnalysis& analysis) {
  if (!live) return;
  analysis.unobserve(&live->observer());
  for (auto* target : live->targets()) analysis.unobserve(target);
  live.reset();
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

/// Writes the summary of the run of `config` that `header` opens, ended at `end` with `result`
/// and `marks`, to its log and to stdout, and its verdict to `junit` if wanted; returns the
/// run's exit status.
int summarise(const Config& config, const RunHeader& header, WallTime end, const RunResults& result,
              const RunMarks& marks, RunFiles& files, std::optional<ReplacingFile>& junit) {
  RunInfo info = run_info_of(header, end);
  info.budget = config.budget;
  marks.list_in(info);
  files.note_losses(info.notes);
  info.log_incomplete = files.failed();
  std::string summary = render_report(info, result);
  files.end(summary, end);
  if (files.failed() && !info.log_incomplete) {
    info.log_incomplete = true;  // the summary itself could not be written
    summary = render_report(info, result);
  }
  if (junit) junit->commit(render_junit(info, result));
  return print(summary) ? exit_status(info, result) : kExitLogWrite;
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
  auto junit = output_file(config.junit_path, "--junit", {config.log_path, config.jsonl_path});
  RunFiles files{config, run_id};

  const StopSignals stop;
  const auto start = ClockReading::now();
  const RunHeader header = run_header_of(config, run_id, start.wall);
  files.open_run(header);
  if (config.quiet) spdlog::set_level(spdlog::level::err);
  say_start(config, header);

  TargetsAnalysis analysis{config.expectation,  config.interval,
                           header.track,        all_urls(header.url, header.more_urls),
                           config.each_address, header.both_connections};
  std::optional<LiveView> live;
  start_live_view(live, config, header, analysis);
  if (metrics) {
    analysis.observe_each([&](const std::string& url, const std::string& address) {
      return &metrics->target(url, address);
    });
  }
  RunMarks marks;
  Engine engine{config, start, run_sinks(config, header, files, analysis, live, marks)};
  const WallTime end = engine.run(stop);
  marks.take(files, live);
  end_live_view(live, analysis);
  const RunResults result = std::move(analysis).finish();
  const int status = summarise(config, header, end, result, marks, files, junit);
  if (metrics) {
    metrics->finish(result, end);
    if (config.metrics_linger.count() > 0) linger(*metrics_server, config.metrics_linger, stop);
  }
  return status;
}

}  // namespace upwatch
