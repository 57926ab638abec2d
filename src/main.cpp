// upwatch: probe a URL on a fixed schedule, log every probe, report downtime on exit.

#include <fcntl.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <exception>

#include "upwatch/cli/command_line.hpp"
#include "upwatch/cli/commands.hpp"
#include "upwatch/core/curl_handles.hpp"
#include "upwatch/core/error.hpp"

namespace {

/// Opens /dev/null on any of stdin, stdout and stderr that is closed, so that no file opened
/// later (a log) takes its number and receives what is meant for it. A closed stdout stays
/// one that cannot be written (read-only), so that the summary lost is said and counted.
void keep_standard_streams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      static_cast<void>(open("/dev/null", fd == STDERR_FILENO ? O_WRONLY : O_RDONLY));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  keep_standard_streams();
  // A log or stdout whose reader is gone is a failed write (EPIPE), never a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  auto logger = spdlog::stderr_logger_st("upwatch");
  logger->set_pattern(upwatch::kMessagePattern);
  spdlog::set_default_logger(logger);
  std::setlocale(LC_CTYPE, "");  // as curl does: international names in the user's charset
  const upwatch::CurlGlobal curl;
  try {
    const auto command_line = upwatch::parse_command_line(argc, argv);
    upwatch::hide_secrets(argc, argv);
    if (command_line.config) return upwatch::run_probes(*command_line.config);
    if (command_line.report) return upwatch::run_report(*command_line.report);
    if (command_line.mark) return upwatch::run_mark(*command_line.mark);
    std::fputs(command_line.output.c_str(), stdout);
    return 0;
  } catch (const upwatch::UsageError& error) {
    spdlog::error("{}", error.what());
    return upwatch::kExitUsage;
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return upwatch::kExitInternal;
  }
}
