#include "upwatch/cli/commands.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "output.hpp"
#include "upwatch/analysis/logged_run.hpp"
#include "upwatch/analysis/merge.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/log/mark.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/log/replacing_file.hpp"
#include "upwatch/report/html_report.hpp"
#include "upwatch/report/junit.hpp"
#include "upwatch/report/report.hpp"

namespace upwatch {

bool print(std::string_view text) {
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

std::optional<ReplacingFile> output_file(const std::string& path, std::string_view option,
                                         const std::vector<std::string>& logs) {
  if (path.empty()) return std::nullopt;
  struct stat target {};
  if (::stat(path.c_str(), &target) == 0) {
    for (const auto& log : logs) {
      struct stat read {};
      if (::stat(log.c_str(), &read) == 0 && read.st_dev == target.st_dev &&
          read.st_ino == target.st_ino) {
        throw UsageError(
            fmt::format("{} file '{}' is the log '{}': not overwriting it", option, path, log));
      }
    }
  }
  return std::optional<ReplacingFile>{std::in_place, path};
}

namespace {

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
    RunReader reader{[&](LoggedRun&& run) { last = std::move(run); }, Timelines::none, report.track,
                     report.slow};
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
  if (report.merge || report.list) {
    const auto* option = report.merge ? "--merge" : "--list";
    if (!report.junit_path.empty()) {
      throw UsageError(fmt::format("--junit reports one run: not with {}", option));
    }
    if (!report.budget.empty()) {
      throw UsageError(
          fmt::format("--max-downtime and --max-window gate one run: not with {}", option));
    }
  }
  auto html = output_file(report.html_path, "--html", report.logs);
  auto junit = output_file(report.junit_path, "--junit", report.logs);
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
                   html ? Timelines::build : Timelines::none, report.track, report.slow};
  for (const auto& path : report.logs) read_log_file(reader, path);
  reader.finish();
  if (report.list) return printed ? 0 : kExitLogWrite;
  if (!chosen) {
    throw UsageError(fmt::format("no run {}: the logs hold {} run{}", report.run.value_or(0),
                                 number, number == 1 ? "" : "s"));
  }
  const auto& results = chosen->results;
  chosen->info.budget = report.budget;
  if (html) html->commit(render_html(chosen->info, results, chosen->timelines));
  if (junit) junit->commit(render_junit(chosen->info, results));
  if (!print(report.json ? render_report_json(chosen->info, results)
                         : render_report(chosen->info, results))) {
    return kExitLogWrite;
  }
  return exit_status(chosen->info, results);
}

int run_mark(const MarkConfig& mark) {
  write_mark(mark.log_path, {.time = mark.at.value_or(std::chrono::floor<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now())),
                             .text = mark.text});
  return 0;
}

}  // namespace upwatch
