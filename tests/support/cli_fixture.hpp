#pragma once

// The fixture of the tests that run the real upwatch binary in a temporary directory.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"
#include "test_server.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch::testing {

inline constexpr auto kGenerous = std::chrono::seconds{60};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override { remove_tree(dir_); }

  /// Expects the exit status of a run of good answers that a signal stopped, its summary
  /// `out`: up (0), or inconclusive (5) when probes still in flight at the stop had waited
  /// longer than any answer so far, as a loaded machine may make them (the summary says so).
  static void expect_stopped_up(int status, const std::string& out) {
    if (status == 5 && out.find(" left unanswered longer than ") != std::string::npos) return;
    EXPECT_EQ(status, 0) << out;
  }

  /// Starts upwatch with `args` in the test's directory.
  std::unique_ptr<Process> start(std::vector<std::string> args) {
    args.insert(args.begin(), UPWATCH_BINARY);
    return std::make_unique<Process>(args, dir_);
  }

  /// Runs upwatch to completion; returns its exit status.
  int run(std::vector<std::string> args) { return run_under({}, std::move(args)); }

  /// Runs `wrapper` (env, unshare...) with upwatch and `args` to completion; returns its
  /// exit status.
  int run_under(std::vector<std::string> wrapper, std::vector<std::string> args) {
    args.insert(args.begin(), UPWATCH_BINARY);
    args.insert(args.begin(), wrapper.begin(), wrapper.end());
    auto process = std::make_unique<Process>(args, dir_);
    const int status = process->wait(kGenerous);
    out_ = process->out();
    err_ = process->err();
    return status;
  }

  /// Runs the bash loop of the cutover plan (UPWATCH_SCRIPT) against `url` every 0.2 s in the
  /// test's directory until `server` has had `requests` requests, then stops it (SIGTERM):
  /// its log is then testlog.log.
  void run_bash_loop(const TestServer& server, std::uint64_t requests) {
    Process script{{"/bin/bash", UPWATCH_SCRIPT, server.url(), "0.2"}, dir_};
    ASSERT_TRUE(eventually([&] { return server.requests() >= requests; }, kGenerous));
    script.signal(SIGTERM);
    script.wait(kGenerous);
  }

  /// Checks that `upwatch report LOG` retells the summary of the last run word for word, with
  /// the same exit status; leaves that summary in out_.
  void expect_report_retells(int status, const std::string& log = "testlog.log") {
    const std::string live = out_;
    EXPECT_EQ(run({"report", log}), status) << err_;
    EXPECT_EQ(out_, live) << log;
    out_ = live;
  }

  [[nodiscard]] std::string log_path() const { return dir_ + "/testlog.log"; }
  [[nodiscard]] std::string log_text() const { return read_file(log_path()); }

  /// The log's runs, requiring it to read without a bad line.
  [[nodiscard]] std::vector<upwatch::LogRun> runs() const {
    std::istringstream in{log_text()};
    auto contents = upwatch::read_log(in);
    EXPECT_TRUE(contents.bad_lines.empty()) << log_text();
    return contents.runs;
  }

  /// What of `log` (in the test's directory) upwatch could not send on time because the
  /// machine did not run it (a gap, cause stalled or suspended), as "N ticks from TIME"; "" if
  /// nothing. A test whose exact counts assume that upwatch ran throughout skips when this is
  /// not "": upwatch's log then tells those ticks as a gap, and the counts are not defined.
  [[nodiscard]] std::string stalled(const std::string& log = "testlog.log") const {
    std::istringstream in{read_file(dir_ + "/" + log)};
    std::string stalls;
    for (const auto& run : upwatch::read_log(in).runs) {
      for (const auto& gap : run.gaps) {
        if (gap.cause != upwatch::GapCause::stalled && gap.cause != upwatch::GapCause::suspended) {
          continue;
        }
        stalls += (stalls.empty() ? "" : ", ") + std::to_string(gap.ticks) + " ticks from " +
                  upwatch::format_iso_utc(gap.start);
      }
    }
    return stalls.empty()
               ? ""
               : "the machine did not run upwatch for a while (" + log + ": " + stalls + ")";
  }

  /// The one run's records in sequence order.
  [[nodiscard]] std::vector<upwatch::ProbeRecord> records() const {
    const auto all = runs();
    EXPECT_EQ(all.size(), 1U);
    if (all.empty()) return {};
    auto sorted = all.back().records;
    std::ranges::sort(sorted, {}, &upwatch::ProbeRecord::sequence);
    for (std::size_t k = 0; k < sorted.size(); ++k) EXPECT_EQ(sorted[k].sequence, k);
    return sorted;
  }

  /// The outcomes of the records in sequence order, as the log names them.
  [[nodiscard]] std::vector<std::string> outcomes() const {
    std::vector<std::string> names;
    for (const auto& record : records()) names.push_back(format_as(record.outcome));
    return names;
  }

  /// The summary line that starts with `key`, from stdout.
  [[nodiscard]] std::string summary_line(std::string_view key) const {
    std::istringstream in{out_};
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with(key)) return line;
    }
    return "(no " + std::string{key} + " line)";
  }

  /// The downtime window lines of the summary.
  [[nodiscard]] std::vector<std::string> window_lines() const {
    std::vector<std::string> lines;
    std::istringstream in{out_};
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("  ")) lines.push_back(line);
    }
    return lines;
  }

  std::string dir_;
  std::string out_;
  std::string err_;
};

/// How many times `needle` occurs in `text`.
inline std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

inline std::vector<std::string> repeat(const std::string& name, std::size_t times) {
  return std::vector<std::string>(times, name);
}

inline std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace upwatch::testing
