// upwatch: probe a URL on a fixed schedule, log every probe, report downtime on exit.

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include "upwatch/config.hpp"
#include "upwatch/curl_handles.hpp"
#include "upwatch/duration.hpp"
#include "upwatch/engine.hpp"
#include "upwatch/error.hpp"
#include "upwatch/outage.hpp"
#include "upwatch/probe_log.hpp"
#include "upwatch/report.hpp"
#include "upwatch/signals.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitLogWrite = 3;
constexpr int kExitInternal = 4;

/// Probes as `config` says, logging to `log`; returns the exit status.
int run_probes(const upwatch::Config& config, upwatch::LogFile& log) {
  using namespace upwatch;
  const StopSignals stop;
  const auto origin = ClockOrigin::now();
  const std::string url = redact_url(config.url);
  bool log_failed = false;
  auto append = [&](std::string_view text) {
    if (!log.append(text) && !log_failed) {
      log_failed = true;
      spdlog::error(
          "cannot write log file '{}': {}; probing goes on, the summary follows on stdout",
          config.log_path, std::strerror(errno));
    }
  };
  append(format_run_header({.version = UPWATCH_VERSION,
                            .start = origin.to_wall(origin.steady),
                            .interval = config.interval,
                            .expect = config.expectation.spec(),
                            .url = url}));
  std::fprintf(stderr, "upwatch: probing %s every %ss, logging to %s; Ctrl-C stops and reports\n",
               url.c_str(), upwatch::format_seconds(config.interval).c_str(),
               config.log_path.c_str());

  OutageAnalysis analysis{config.expectation};
  Engine engine{config, origin, [&](ProbeRecord&& record) {
                  append(format_record(record));
                  analysis.add(record);
                }};
  const WallTime end = engine.run(stop);
  const RunAnalysis result = std::move(analysis).finish();
  const std::string summary = render_summary(
      {.start = origin.to_wall(origin.steady), .end = end, .url = url, .interval = config.interval},
      result);
  append(format_summary_block(summary));
  std::fwrite(summary.data(), 1, summary.size(), stdout);
  std::fflush(stdout);
  return log_failed ? kExitLogWrite : exit_status(result);
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_logger_st("upwatch");
  logger->set_pattern("upwatch: %l: %v");
  spdlog::set_default_logger(logger);
  const upwatch::CurlGlobal curl;
  try {
    const auto command_line = upwatch::parse_command_line(argc, argv);
    if (!command_line.config) {
      std::fputs(command_line.output.c_str(), stdout);
      return 0;
    }
    const auto& config = *command_line.config;
    upwatch::LogFile log{config.log_path, config.truncate_log ? upwatch::LogFile::Existing::truncate
                                                              : upwatch::LogFile::Existing::append};
    return run_probes(config, log);
  } catch (const upwatch::UsageError& error) {
    spdlog::error("{}", error.what());
    return kExitUsage;
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return kExitInternal;
  }
}
