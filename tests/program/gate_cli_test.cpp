// upwatch as a deploy gate, against the test server: --slow, --max-downtime and --max-window,
// and --junit read by a JUnit reader as CI systems read it.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

using nlohmann::json;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::Process;
using upwatch::testing::TestServer;

using namespace std::chrono_literals;

namespace {

/// What a JUnit reader (junitparser, UPWATCH_JUNIT_READER) found in `path`.
json read_junit(const std::string& path, const std::string& directory) {
  Process reader{{"/usr/bin/python3", UPWATCH_JUNIT_READER, path}, directory};
  EXPECT_EQ(reader.wait(kGenerous), 0) << reader.err();
  auto found = json::parse(reader.out(), nullptr, false);
  EXPECT_FALSE(found.is_discarded()) << reader.out() << reader.err();
  return found;
}

}  // namespace

TEST_F(Cli, AnAnswerSlowerThanSlowIsDownKeepingItsStatusAndTimesInTheLog) {
  TestServer server{parse_script("ok*5,slow:600ms*3,ok")};
  ASSERT_EQ(run({"--slow", "0.3", "-c", "12", server.url(), "0.1"}), 1) << err_ << out_;
  // The log keeps what was observed: each answer's status and time. Every answer that took
  // longer than 0.3 s, and only those, was judged slow: the three the server held, and any a
  // loaded machine made slow besides.
  const auto probes = records();
  ASSERT_EQ(probes.size(), 12U);
  const auto slow = static_cast<std::size_t>(std::ranges::count_if(
      probes, [](const upwatch::ProbeRecord& probe) { return probe.total > 300ms; }));
  EXPECT_GE(slow, 3U);
  EXPECT_TRUE(std::ranges::all_of(
      probes, [](const upwatch::ProbeRecord& probe) { return probe.outcome.status == 200; }));
  EXPECT_NE(log_text().find(" expect=100-499 slow=0.3 "), std::string::npos) << log_text();
  EXPECT_NE(summary_line("OUTCOMES:").find(fmt::format("slow x {}", slow)), std::string::npos)
      << out_;
  // The report judges as the run did, from the log; --slow judges it again.
  expect_report_retells(1);
  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = json::parse(out_);
  EXPECT_EQ(report["outcomes"]["slow"], slow) << report;
  EXPECT_EQ(report["slow_s"], 0.3);
  EXPECT_EQ(run({"report", "--slow", "30"}), 0) << out_;
  EXPECT_NE(summary_line("OUTCOMES:"), "") << out_;
  EXPECT_EQ(summary_line("OUTCOMES:"), "OUTCOMES: 200 x 12") << out_;
}

TEST_F(Cli, ADowntimeWithinTheBudgetExitsZeroAndIsStillReported) {
  TestServer server{parse_script("ok*5,502*3,ok")};
  const int status =
      run({"--max-downtime", "30s", "--junit", "gate.xml", "-c", "12", server.url(), "0.1"});
  // A machine that did not run upwatch for a while leaves a gap: inconclusive, as it should.
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 0) << err_ << out_;
  const auto verdict = summary_line("VERDICT:");
  EXPECT_TRUE(
      verdict.starts_with("VERDICT: down (exit 0, within --max-downtime 30s): 1 window "
                          "of downtime, "))
      << out_;
  EXPECT_EQ(window_lines().size(), 1U) << out_;
  const auto found = read_junit(dir_ + "/gate.xml", dir_);
  ASSERT_EQ(found["suites"].size(), 1U) << found;
  EXPECT_EQ(found["suites"][0]["tests"], 1);
  EXPECT_EQ(found["suites"][0]["failures"], 0);
  ASSERT_EQ(found["suites"][0]["cases"].size(), 1U);
  EXPECT_EQ(found["suites"][0]["cases"][0]["results"], json::array()) << found;
  // The same log through a gate it does not pass: the report says which, and exits 1.
  EXPECT_EQ(run({"report", "--max-window", "0.05"}), 1);
  EXPECT_TRUE(
      summary_line("VERDICT:")
          .starts_with("VERDICT: down (exit 1, beyond --max-window 0.05s): 1 window of downtime, "))
      << out_;
  ASSERT_EQ(run({"report", "--max-downtime", "30s", "--json"}), 0);
  EXPECT_EQ(json::parse(out_)["exit_status"], 0);
  EXPECT_EQ(json::parse(out_)["verdict"], "down");
}

TEST_F(Cli, JunitHasATestCasePerTargetThatCiReadsTheFailingOneWithItsWindows) {
  TestServer failing{parse_script("ok*5,502*5,ok")};
  TestServer steady{parse_script("ok")};
  const auto failing_url = fmt::format("http://127.0.0.1:{}/api", failing.port());
  ASSERT_EQ(run({"--junit", "run.xml", "--max-window", "0.05", failing_url, steady.url(), "0.1",
                 "-c", "15"}),
            1)
      << err_ << out_;
  const auto found = read_junit(dir_ + "/run.xml", dir_);
  ASSERT_EQ(found["suites"].size(), 1U) << found;
  const auto& suite = found["suites"][0];
  EXPECT_EQ(suite["name"], "upwatch " + failing_url + " and 1 more");
  EXPECT_EQ(suite["tests"], 2);
  EXPECT_EQ(suite["failures"], 1);
  EXPECT_EQ(suite["errors"], 0);
  ASSERT_EQ(suite["cases"].size(), 2U);
  EXPECT_EQ(suite["cases"][0]["name"], failing_url);
  EXPECT_EQ(suite["cases"][0]["classname"], "upwatch");
  ASSERT_EQ(suite["cases"][0]["results"].size(), 1U) << found;
  const auto& failure = suite["cases"][0]["results"][0];
  EXPECT_EQ(failure["kind"], "failure");
  EXPECT_TRUE(failure["message"].get<std::string>().ends_with(", beyond --max-window 0.05s"))
      << failure;
  EXPECT_NE(failure["text"].get<std::string>().find(" failed probes (#"), std::string::npos)
      << failure;
  EXPECT_NE(failure["text"].get<std::string>().find("502 x "), std::string::npos) << failure;
  EXPECT_EQ(suite["cases"][1]["name"], steady.url());
  EXPECT_EQ(suite["cases"][1]["results"], json::array());
  // The report writes the same verdict.
  ASSERT_EQ(run({"report", "--junit", "again.xml", "--max-window", "0.05"}), 1) << err_;
  EXPECT_EQ(read_junit(dir_ + "/again.xml", dir_)["suites"][0]["failures"], 1);
}

TEST_F(Cli, BadGateOptionsAreRefusedWithNothingTouched) {
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({"-c", "2", server.url(), "0.05"}), 0) << err_;
  const auto log = log_text();
  const auto refused = [&](std::vector<std::string> args, const std::string& message) {
    EXPECT_EQ(run(std::move(args)), 2) << message;
    EXPECT_EQ(err_, "upwatch: error: " + message + "\n");
  };
  refused({"--slow", "fast", server.url(), "0.05"},
          "bad --slow 'fast': expected a positive number of seconds such as 1 or 0.05, or 250ms, "
          "10m, 1h");
  refused({"--max-downtime", "-1", server.url(), "0.05"},
          "bad --max-downtime '-1': expected a positive number of seconds such as 1 or 0.05, or "
          "250ms, 10m, 1h");
  refused({"--junit", "testlog.log", "-c", "1", server.url(), "0.05"},
          "--junit file 'testlog.log' is the log 'testlog.log': not overwriting it");
  refused({"report", "--junit", "testlog.log"},
          "--junit file 'testlog.log' is the log 'testlog.log': not overwriting it");
  refused({"report", "--list", "--junit", "list.xml"}, "--junit reports one run: not with --list");
  EXPECT_EQ(log_text(), log);
  EXPECT_EQ(server.requests(), 2U);
  EXPECT_EQ(::access((dir_ + "/list.xml").c_str(), F_OK), -1);
}
