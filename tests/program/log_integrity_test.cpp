// Logs and reports that cannot lie, run for real: what a hostile server sends, line endings
// of other systems, and logs that lose their file.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>

#include "cli_fixture.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/report/report.hpp"

using namespace std::chrono_literals;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

/// `text` with every LF turned into CRLF.
std::string crlf(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace

TEST_F(Cli, ACrlfLogReportsWhatItsRunSaw) {
  TestServer server{parse_script("ok*2,502*3,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "6", "--jsonl", "testlog.jsonl"}), 1) << err_;
  const auto live = out_;
  upwatch::testing::write_file(dir_ + "/crlf.log", crlf(log_text()));
  upwatch::testing::write_file(dir_ + "/crlf.jsonl",
                               crlf(upwatch::testing::read_file(dir_ + "/testlog.jsonl")));
  out_ = live;
  expect_report_retells(1, "crlf.log");
  expect_report_retells(1, "crlf.jsonl");
  EXPECT_EQ(err_, "");
}

TEST_F(Cli, WhatAServerSendsCannotForgeARecordOrReachTheTerminal) {
  TestServer server{parse_script("forged")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3"}), 1) << err_;
  const auto text = log_text();
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_NE(text.find("\n\\x2a 2026-11-26T00:00:00.000Z #0 200"), std::string::npos) << text;
  EXPECT_NE(text.find("X-Title: \\x1b]2;pwned\\x07\\x1b[2J"), std::string::npos) << text;
  // Read back, the headers are what was received, and the forged 200 counts for nothing.
  const auto all = records();
  ASSERT_EQ(all.size(), 3U);
  EXPECT_NE(std::ranges::find(all[0].lines, "X-Title: \x1b]2;pwned\x07\x1b[2J"),
            all[0].lines.end());
  EXPECT_EQ(outcomes(), upwatch::testing::repeat("502", 3));
  expect_report_retells(1);
  EXPECT_EQ(summary_line("OUTCOMES:"), "OUTCOMES: 502 x 3");
}

TEST_F(Cli, AFloodOfHeadersIsCappedAndSaidToBe) {
  TestServer server{parse_script("flood")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2"}), 0) << err_;
  // 300 KB of headers a probe would be 110 GB an hour at 100 probes/s.
  EXPECT_LT(log_text().size(), 2 * 20 * 1024U);
  const auto all = records();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].lines.size(), 101U);
  EXPECT_TRUE(all[0].lines.back().starts_with("upwatch: ")) << all[0].lines.back();
  EXPECT_NE(all[0].lines.back().find(" more header lines ("), std::string::npos);
}

TEST_F(Cli, AnAnswerLibcurlCannotTakeIsMalformedNotReset) {
  TestServer server{parse_script("huge*2,badchunk")};
  ASSERT_EQ(run({server.url(), "0.1", "-c", "3", "-X", "GET"}), 1) << err_;
  EXPECT_EQ(outcomes(), upwatch::testing::repeat("malformed", 3));
}

TEST_F(Cli, UnderNohupAHangupDoesNotStopTheRun) {
  TestServer server{parse_script("ok")};
  auto process = std::make_unique<upwatch::testing::Process>(
      std::vector<std::string>{"/usr/bin/nohup", UPWATCH_BINARY, server.url(), "0.02"}, dir_);
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 5; }, kGenerous));
  process->signal(SIGHUP);
  const auto after = server.requests() + 20;
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= after; }, kGenerous));
  process->signal(SIGINT);
  const int process_status = process->wait(kGenerous);
  expect_stopped_up(process_status, process->out());
  EXPECT_NE(process->out().find("\nPROBES: "), std::string::npos);
}

TEST_F(Cli, ASecondRunOnTheSameLogIsRefused) {
  TestServer server{parse_script("ok")};
  auto first = start({server.url(), "0.05"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 2; }, kGenerous));
  EXPECT_EQ(run({server.url(), "0.05", "-c", "2"}), 2);
  EXPECT_EQ(err_,
            "upwatch: error: log file 'testlog.log' is in use by another upwatch run: give this "
            "run its own with -o\n");
  first->signal(SIGINT);
  const int first_status = first->wait(kGenerous);
  expect_stopped_up(first_status, first->out());
  EXPECT_EQ(runs().size(), 1U);
}

TEST_F(Cli, UpwatchAppendedToTheBashLoopsLogIsARunOfItsOwn) {
  upwatch::testing::write_file(log_path(),
                               "HTTP/2 200 \ndate: Fri, 17 Nov 2023 00:09:32 GMT\n\n"
                               "HTTP/2 502 \ndate: Fri, 17 Nov 2023 00:09:37 GMT\n\n\n"
                               "START: Thu Nov 16 16:09:31 UTC 2023\nEND: Thu Nov 16 16:09:38 UTC "
                               "2023\nURL: https://codefriendspdx.com\nINT: 5\n");
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3"}), 0) << err_;
  const auto live = out_;
  ASSERT_EQ(run({"report", "--list"}), 0) << err_;
  EXPECT_EQ(err_, "");
  std::istringstream rows{out_};
  std::vector<std::string> lines;
  for (std::string line; std::getline(rows, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3U) << out_;
  EXPECT_TRUE(lines[1].ends_with(" https://codefriendspdx.com")) << lines[1];
  EXPECT_NE(lines[1].find(" down "), std::string::npos) << lines[1];
  EXPECT_TRUE(lines[2].ends_with(" " + server.url())) << lines[2];
  out_ = live;
  expect_report_retells(0);
}

TEST_F(Cli, AReportReadsAPipe) {
  TestServer server{parse_script("ok*2,502,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "5"}), 1) << err_;
  const auto live = out_;
  EXPECT_EQ(run_under({"/bin/sh", "-c", "cat testlog.log | \"$0\" \"$@\""}, {"report", "-"}), 1)
      << err_;
  EXPECT_EQ(out_, live);
}

namespace {

/// The peak resident memory of process `pid`, in KiB (VmHWM), or 0 if unknown.
std::size_t peak_kib(pid_t pid) {
  std::istringstream status{upwatch::testing::read_file(fmt::format("/proc/{}/status", pid))};
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::stoul(line.substr(6));
  }
  return 0;
}

/// `count` short runs of one probe each, with their summaries, numbered from `first`.
std::string short_runs(std::size_t first, std::size_t count) {
  std::string text;
  const upwatch::WallTime start{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};
  for (std::size_t i = first; i < first + count; ++i) {
    const upwatch::RunHeader header{.id = fmt::format("{:08x}", i),
                                    .version = "0.1.0",
                                    .start = start + std::chrono::seconds{i},
                                    .interval = 1s,
                                    .expect = "100-499",
                                    .url = "http://127.0.0.1:9/health"};
    text += upwatch::format_run_header(header);
    text += upwatch::format_record({.sequence = 0,
                                    .sent = header.start,
                                    .outcome = upwatch::Outcome::http(i % 7 == 0 ? 502 : 200),
                                    .total = 400us,
                                    .remote = "127.0.0.1:9",
                                    .lines = {"HTTP/1.1 200 OK"}},
                                   header.id);
    text += upwatch::format_summary_block("START: ...\n", header.start + 1s, header.id);
  }
  return text;
}

}  // namespace

TEST_F(Cli, AReportOfAnyNumberOfRunsStaysInBoundedMemory) {
  // Fed through a FIFO, so that the report's peak memory can be read while it still runs.
  const auto fifo = dir_ + "/runs.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // ASan holds freed memory back for a while (its quarantine): not the report's own.
  auto process = std::make_unique<upwatch::testing::Process>(
      std::vector<std::string>{"/usr/bin/env", "ASAN_OPTIONS=quarantine_size_mb=4", UPWATCH_BINARY,
                               "report", "--list", fifo},
      dir_);
  const int writer = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  const auto feed = [&](const std::string& text) {
    std::string_view rest = text;
    while (!rest.empty()) {
      const auto written = ::write(writer, rest.data(), rest.size());
      ASSERT_GT(written, 0);
      rest.remove_prefix(static_cast<std::size_t>(written));
    }
  };
  const auto rows_listed = [&](std::size_t rows) {
    return upwatch::testing::eventually(
        [&] { return std::ranges::count(process->out(), '\n') >= static_cast<long>(rows + 1); },
        kGenerous);
  };
  feed(short_runs(0, 1000));
  ASSERT_TRUE(rows_listed(1000));
  const auto after_a_thousand = peak_kib(process->pid());
  for (std::size_t first = 1000; first < 50'000; first += 7000) {
    feed(short_runs(first, std::min<std::size_t>(7000, 50'000 - first)));
  }
  ASSERT_TRUE(rows_listed(50'000));
  // A line that never ends, as from /dev/zero: read, cut, and forgotten.
  feed(std::string(8 * 1024 * 1024, 'z'));
  feed("\n");
  feed(short_runs(50'000, 1));
  ASSERT_TRUE(rows_listed(50'001));
  const auto after_fifty_thousand = peak_kib(process->pid());
  ::close(writer);
  EXPECT_EQ(process->wait(kGenerous), 0) << process->err();
  ASSERT_GT(after_a_thousand, 0U);
  // upwatch 0.1 kept every run: about 80 KB each, 4 GB for these.
  EXPECT_LT(after_fifty_thousand, after_a_thousand + 16 * 1024)
      << after_a_thousand << " KiB after 1,000 runs, " << after_fifty_thousand << " after 50,000";
  EXPECT_NE(process->err().find("skipped 1 line that could not be read"), std::string::npos)
      << process->err();
}

TEST_F(Cli, ARotatedLogIsFollowedAndTheReportJoinsItsParts) {
  TestServer server{parse_script("ok")};
  auto process = start({server.url(), "0.02", "-o", "rot.log"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 10; }, kGenerous));
  ASSERT_EQ(::rename((dir_ + "/rot.log").c_str(), (dir_ + "/rot.log.1").c_str()), 0);
  // Within a second or so, upwatch notices and goes on in a new rot.log.
  ASSERT_TRUE(upwatch::testing::eventually(
      [&] {
        return upwatch::testing::read_file(dir_ + "/rot.log").find("\n* ") != std::string::npos;
      },
      kGenerous));
  process->signal(SIGINT);
  const int status = process->wait(kGenerous);
  if (const auto stall = stalled("rot.log.1") + stalled("rot.log"); !stall.empty()) {
    GTEST_SKIP() << stall;
  }
  ASSERT_EQ(status, 0) << process->err();
  const auto live = process->out();
  EXPECT_NE(process->err().find("upwatch: warning: log file 'rot.log' was moved or deleted"),
            std::string::npos)
      << process->err();
  const auto old_part = upwatch::testing::read_file(dir_ + "/rot.log.1");
  const auto new_part = upwatch::testing::read_file(dir_ + "/rot.log");
  // The new file opens with the run's header, the same run.
  EXPECT_EQ(new_part.substr(0, new_part.find('\n')), old_part.substr(0, old_part.find('\n')));
  out_ = live;
  EXPECT_EQ(run({"report", "rot.log.1", "rot.log"}), 0) << err_;
  EXPECT_EQ(out_, live);
  // On its own, the new part lacks the probes of the old: a gap, never uptime.
  EXPECT_EQ(run({"report", "rot.log"}), upwatch::kExitInconclusive) << out_;
  EXPECT_NE(out_.find("not in this log: records lost, or written to another file"),
            std::string::npos)
      << out_;
}

TEST_F(Cli, Sigusr1PrintsASummarySoFarAndTheRunGoesOn) {
  TestServer server{parse_script("ok*5,502*2,ok")};
  auto process = start({server.url(), "0.02"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 10; }, kGenerous));
  process->signal(SIGUSR1);
  ASSERT_TRUE(upwatch::testing::eventually(
      [&] { return process->out().find("an interim summary (SIGUSR1)") != std::string::npos; },
      kGenerous));
  const auto after = server.requests() + 10;
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= after; }, kGenerous));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), 1) << process->err();
  const auto out = process->out();
  EXPECT_EQ(upwatch::testing::occurrences(out, "PROBES: "), 2U) << out;
  EXPECT_NE(out.find("(#5-#6): 502 x 2"), std::string::npos) << out;
  // The interim summary went to stdout only: the log holds the final one.
  EXPECT_EQ(log_text().find("interim summary"), std::string::npos);
}

TEST_F(Cli, ALogWithoutItsRunHeaderIsReportedAsSuchNeverUpOverFailedProbes) {
  TestServer server{parse_script("ok*3,reset*3,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "10"}), 1) << err_;
  const auto text = log_text();
  // As logrotate's copytruncate or a full disk at the start leaves it, and as `sed -n '4,$p'`
  // cuts it: from the line after the header, and from inside the first record.
  const auto after_header = text.substr(text.find('\n') + 1);
  const auto inside_first = after_header.substr(after_header.find("\nHTTP/") + 1);
  for (const auto& excerpt : {after_header, inside_first}) {
    upwatch::testing::write_file(dir_ + "/excerpt.log", excerpt);
    EXPECT_EQ(run({"report", "excerpt.log"}), 1) << out_ << err_;
    EXPECT_NE(summary_line("OUTCOMES:").find("reset x 3"), std::string::npos) << out_;
    EXPECT_NE(out_.find("the log holds no header of this run"), std::string::npos) << out_;
    EXPECT_EQ(out_.find("1970"), std::string::npos) << out_;
  }
  // Without the failed probes, it is not up either: its start and end are unknown.
  std::string good_only;
  for (const auto& record : records()) {
    if (record.outcome.status == 200) good_only += upwatch::format_record(record);
  }
  upwatch::testing::write_file(dir_ + "/good.log", good_only);
  EXPECT_EQ(run({"report", "good.log"}), upwatch::kExitInconclusive) << out_ << err_;
  EXPECT_NE(summary_line("VERDICT:")
                .find("its header is not in the log and its end is not in "
                      "the log"),
            std::string::npos)
      << out_;
}
