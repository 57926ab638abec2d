// Logs and reports that cannot lie, run for real: what a hostile server sends, line endings
// of other systems, and logs that lose their file.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>

#include "cli_fixture.hpp"
#include "upwatch/report.hpp"

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
  EXPECT_EQ(process->wait(kGenerous), 0) << process->err();
  EXPECT_NE(process->out().find("\nPROBES: "), std::string::npos);
}
