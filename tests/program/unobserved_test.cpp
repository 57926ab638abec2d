// What upwatch did not observe, run for real against the scripted test server: a prober that
// was stopped, probes left unanswered, the prober's own network, answers that are not 2xx.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <thread>

#include "cli_fixture.hpp"
#include "upwatch/probe/schedule.hpp"
#include "upwatch/report/report.hpp"

using namespace std::chrono_literals;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

class Unobserved : public Cli {
 protected:
  /// Starts upwatch on `server` every 10 ms, stops it (SIGSTOP) once the server has had
  /// `requests_before` requests, resumes it (SIGCONT) about 2 s later, stops the run with
  /// SIGINT after 100 more requests; returns the exit status, and how long it was stopped.
  std::pair<int, std::chrono::steady_clock::duration> stop_and_resume(
      const TestServer& server, std::uint64_t requests_before) {
    auto process = start({server.url(), "0.01", "-m", "2", "--jsonl", "testlog.jsonl"});
    EXPECT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= requests_before; },
                                             kGenerous));
    process->signal(SIGSTOP);
    const auto stopped = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(2s);
    process->signal(SIGCONT);
    const auto stopped_for = std::chrono::steady_clock::now() - stopped;
    resumed_ = std::chrono::steady_clock::now();
    const auto after = server.requests() + 100;
    EXPECT_TRUE(
        upwatch::testing::eventually([&] { return server.requests() >= after; }, kGenerous));
    process->signal(SIGINT);
    const int status = process->wait(kGenerous);
    out_ = process->out();
    err_ = process->err();
    return {status, stopped_for};
  }

  std::chrono::steady_clock::time_point resumed_;
};

/// The gaps of a second or more of `run`.
std::vector<upwatch::Gap> long_gaps_of(const upwatch::LogRun& run) {
  std::vector<upwatch::Gap> gaps;
  std::ranges::copy_if(run.gaps, std::back_inserter(gaps),
                       [](const upwatch::Gap& gap) { return gap.duration() >= 1s; });
  return gaps;
}

/// The most arrivals at or after `since` in any span of `width`.
std::size_t most_arrivals_within(const std::vector<std::chrono::steady_clock::time_point>& arrivals,
                                 std::chrono::steady_clock::time_point since,
                                 std::chrono::steady_clock::duration width) {
  std::size_t most = 0;
  auto first = std::ranges::lower_bound(arrivals, since);
  for (auto it = first; it != arrivals.end(); ++it) {
    while (*it - *first >= width) ++first;
    most = std::max(most, static_cast<std::size_t>(it - first + 1));
  }
  return most;
}

}  // namespace

TEST_F(Unobserved, AStoppedProberRecordsOneGapAndSendsNoBurst) {
  TestServer server{parse_script("ok")};
  const auto [status, stopped_for] = stop_and_resume(server, 50);
  // The service was up throughout, but for 2 s nobody looked: not "up", not "down".
  ASSERT_EQ(status, upwatch::kExitInconclusive) << out_ << err_;
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  // One gap for the stop (a loaded machine may add short ones of its own: none of 1 s).
  const auto long_gaps = long_gaps_of(written[0]);
  ASSERT_EQ(long_gaps.size(), 1U) << log_text();
  const auto& gap = long_gaps[0];
  EXPECT_EQ(gap.cause, upwatch::GapCause::stalled);
  std::uint64_t not_sent = 0;
  for (const auto& each : written[0].gaps) not_sent += each.ticks;
  // The gap is the ticks not sent: about the time stopped, give or take two intervals, plus
  // however long a loaded machine took to run upwatch again after SIGCONT.
  EXPECT_NEAR(static_cast<double>(gap.duration().count()), static_cast<double>(gap.ticks) * 10.0,
              1.0);
  EXPECT_GE(gap.duration(),
            std::chrono::duration_cast<std::chrono::milliseconds>(stopped_for) - 20ms);
  EXPECT_LE(gap.duration(),
            std::chrono::duration_cast<std::chrono::milliseconds>(stopped_for) + 500ms);
  // No tick was sent late in a burst, none was skipped or counted down.
  for (const auto& record : written[0].records) {
    const auto name = format_as(record.outcome);
    EXPECT_TRUE(name == "200" || name == "abandoned") << name;
  }
  const auto burst_limit = static_cast<std::size_t>(upwatch::gap_threshold(10ms) / 10ms) + 1;
  EXPECT_LE(most_arrivals_within(server.arrivals(), resumed_, 10ms), burst_limit);
  // Every tick is a probe or part of the gap.
  const auto last_tick = std::ranges::max(written[0].records, {}, &upwatch::ProbeRecord::sequence);
  EXPECT_EQ(written[0].records.size() + not_sent, last_tick.sequence + 1);
  EXPECT_EQ(summary_line("DOWNTIME:"),
            "DOWNTIME: none seen, but the run is inconclusive (see VERDICT)");
  EXPECT_TRUE(summary_line("GAPS:").starts_with(fmt::format(
      "GAPS: {} gap{}, ", written[0].gaps.size(), written[0].gaps.size() == 1 ? "" : "s")))
      << out_;
  EXPECT_NE(out_.find(fmt::format("  {} -> {}  ", upwatch::format_iso_utc(gap.start),
                                  upwatch::format_iso_utc(gap.end))),
            std::string::npos)
      << out_;
  EXPECT_TRUE(summary_line("VERDICT:").starts_with("VERDICT: inconclusive (exit 5): ")) << out_;
  expect_report_retells(upwatch::kExitInconclusive);
  expect_report_retells(upwatch::kExitInconclusive, "testlog.jsonl");
}

TEST_F(Unobserved, AnOutageInsideAndAfterTheGapIsDowntimeThatTouchesIt) {
  // Every request after the 50th is answered 502: the outage began while upwatch was stopped
  // (or just before) and went on after.
  TestServer server{parse_script("ok*50,502")};
  const auto [status, stopped_for] = stop_and_resume(server, 50);
  ASSERT_EQ(status, 1) << out_ << err_;
  EXPECT_TRUE(summary_line("VERDICT:").starts_with("VERDICT: down (exit 1): ")) << out_;
  ASSERT_EQ(long_gaps_of(runs()[0]).size(), 1U);
  // Whether a 502 or two came before the stop or not, a window meets the gap and says so.
  EXPECT_NE(out_.find("; began in a gap: its true start is unknown"), std::string::npos) << out_;
  expect_report_retells(1);
}

TEST_F(Unobserved, TheControlTellsTheProbersNetworkFromTheService) {
  const auto refusing = upwatch::testing::refusing_port();
  const auto control = fmt::format("http://127.0.0.1:{}/", refusing);
  {
    // The target fails to answer at the same ticks as the control: the prober's network.
    TestServer target{parse_script("ok*3,reset*3,ok")};
    ASSERT_EQ(run({target.url(), "0.05", "-c", "8", "--control", control}),
              upwatch::kExitInconclusive)
        << out_ << err_;
    EXPECT_EQ(target.requests(), 8U);
    EXPECT_EQ(summary_line("CONTROL:"), "CONTROL: " + control);
    EXPECT_TRUE(summary_line("PROBER NETWORK:").starts_with("PROBER NETWORK: 1 window ")) << out_;
    EXPECT_NE(out_.find("(#3-#5): reset x 3\n"), std::string::npos) << out_;
    EXPECT_EQ(summary_line("DOWNTIME:"),
              "DOWNTIME: none seen, but the run is inconclusive (see VERDICT)");
    std::size_t control_records = 0;
    const auto written = runs();
    for (const auto& record : written[0].records) {
      if (record.role != upwatch::Role::control) continue;
      ++control_records;
      EXPECT_EQ(format_as(record.outcome), "refused");
      EXPECT_EQ(record.remote, fmt::format("127.0.0.1:{}", refusing));
    }
    EXPECT_EQ(control_records, 8U) << log_text();
    expect_report_retells(upwatch::kExitInconclusive);
  }
  upwatch::testing::remove_tree(log_path());
  {
    // A 502 is an answer: the network carried it, so that window is the service's.
    TestServer target{parse_script("ok*3,reset*3,ok*3,502*3,ok")};
    ASSERT_EQ(run({target.url(), "0.05", "-c", "14", "--control", control}), 1) << out_;
    EXPECT_EQ(summary_line("DOWNTIME:").substr(0, 19), "DOWNTIME: 1 window,");
    EXPECT_NE(out_.find("(#9-#11): 502 x 3\n"), std::string::npos) << out_;
    EXPECT_TRUE(summary_line("PROBER NETWORK:").starts_with("PROBER NETWORK: 1 window ")) << out_;
    expect_report_retells(1);
  }
  upwatch::testing::remove_tree(log_path());
  {
    // The control answers throughout: the target's failures are the service's.
    TestServer target{parse_script("ok*3,reset*3,ok")};
    TestServer healthy{parse_script("503")};  // any answer shows the network works
    ASSERT_EQ(run({target.url(), "0.05", "-c", "8", "--control", healthy.url()}), 1) << out_;
    EXPECT_EQ(healthy.requests(), 8U);
    EXPECT_NE(out_.find("(#3-#5): reset x 3\n"), std::string::npos) << out_;
    EXPECT_EQ(summary_line("PROBER NETWORK:"), "(no PROBER NETWORK: line)");
  }
}

TEST_F(Unobserved, AnswersCountedUpThatAreNot2xxAreWarnedOf) {
  TestServer server{parse_script("404")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3"}), 0) << err_;
  EXPECT_NE(err_.find("upwatch: warning: probe #0 was answered 404, counted as up: is " +
                      server.url() + " the health endpoint you meant?"),
            std::string::npos)
      << err_;
  EXPECT_EQ(summary_line("WARNING:"),
            "WARNING: 3 of 3 answers counted as up were not 2xx (404 x 3): the URL may not be the "
            "health endpoint intended (--expect 2xx would count them as down)");
  EXPECT_EQ(run({"report", "--json"}), 0);
  EXPECT_NE(out_.find("\"warnings\": [\n    \"3 of 3 answers counted as up were not 2xx"),
            std::string::npos)
      << out_;
}

TEST_F(Unobserved, NoRouteFromTheProberIsUnreachable) {
  // In a network namespace of its own, with no interface up, nothing has a route: the probes
  // never leave the process's namespace.
  const int status =
      run_under({"/usr/bin/unshare", "--net"}, {"http://127.0.0.1:9/", "0.05", "-c", "2"});
  if (log_text().empty()) GTEST_SKIP() << "cannot make a network namespace: " << err_;
  EXPECT_EQ(status, 1) << err_;
  EXPECT_EQ(outcomes(), upwatch::testing::repeat("unreachable", 2));
  EXPECT_TRUE(summary_line("WARNING:").starts_with("WARNING: 2 probes failed as unreachable"))
      << out_;
}

TEST_F(Unobserved, StoppedThenEndedIsAGapNeverUp) {
  // Stopped, then bash's `kill %job` (SIGTERM while stopped, then SIGCONT), or SIGINT: the time
  // upwatch did not run is found before the summary.
  for (const int ending : {SIGTERM, SIGINT}) {
    TestServer server{parse_script("ok")};
    auto process = start({server.url(), "0.05"});
    ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 5; }, kGenerous));
    // SIGSTOP, as Ctrl-Z's SIGTSTP would be ignored if the test's parent ignores it.
    process->signal(SIGSTOP);
    std::this_thread::sleep_for(1s);  // the time it does not run: well past the 250 ms of a gap
    process->signal(ending);
    process->signal(SIGCONT);
    EXPECT_EQ(process->wait(kGenerous), upwatch::kExitInconclusive) << process->out();
    out_ = process->out();
    EXPECT_TRUE(summary_line("VERDICT:").starts_with("VERDICT: inconclusive (exit 5): ")) << out_;
    const auto written = runs();
    ASSERT_EQ(written.size(), 1U);
    ASSERT_EQ(long_gaps_of(written[0]).size(), 1U) << log_text();
    EXPECT_EQ(format_as(long_gaps_of(written[0])[0].cause), "stalled");
    std::remove(log_path().c_str());  // one run a log
  }
}

TEST_F(Unobserved, ATimeOutWhileUpwatchWasStoppedIsNotTheServices) {
  // From the sixth request on, the server never answers: upwatch is stopped while such a probe
  // is in flight, for longer than --max-time, so its time runs out while nobody watched, and
  // that is no failure. (An answer that came meanwhile might be read first on resuming.)
  TestServer server{parse_script("ok*5,hang")};
  auto process = start({server.url(), "0.1", "-m", "1"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 6; }, kGenerous));
  process->signal(SIGSTOP);
  std::this_thread::sleep_for(1500ms);
  process->signal(SIGCONT);
  // Ended as soon as that is logged: the probes sent since have waited less than
  // --max-time, and are unanswered, not timed out.
  ASSERT_TRUE(upwatch::testing::eventually(
      [&] { return log_text().find("while upwatch did not run") != std::string::npos; },
      kGenerous));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), upwatch::kExitInconclusive) << process->out();
  out_ = process->out();
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  EXPECT_FALSE(written[0].gaps.empty());
  std::size_t interrupted = 0;
  for (const auto& record : written[0].records) {
    const auto name = format_as(record.outcome);
    EXPECT_TRUE(name == "200" || name == "abandoned") << name;
    if (name == "abandoned" &&
        record.lines.back().find("while upwatch did not run") != std::string::npos) {
      ++interrupted;
    }
  }
  EXPECT_GE(interrupted, 1U) << log_text();
  EXPECT_EQ(summary_line("DOWNTIME:"),
            "DOWNTIME: none seen, but the run is inconclusive (see VERDICT)");
}

TEST_F(Unobserved, RunningOutOfFileDescriptorsIsUpwatchsOwnShortageNeverDowntime) {
  // Answers take 2 s and a probe goes out every 10 ms: with 32 descriptors upwatch soon has
  // none left for the next probe's socket.
  TestServer server{parse_script("slow:2s")};
  const int status = run_under({"/bin/sh", "-c", "ulimit -n 32 && exec \"$0\" \"$@\""},
                               {server.url(), "0.01", "-c", "100", "-m", "5"});
  EXPECT_EQ(status, upwatch::kExitInconclusive) << out_ << err_;
  EXPECT_NE(err_.find(" not sent: upwatch ran out of file descriptors: raise its limit "
                      "(ulimit -n)"),
            std::string::npos)
      << err_;
  EXPECT_EQ(summary_line("VERDICT:").find("down"), std::string::npos) << out_;
  EXPECT_NE(out_.find("not sent: upwatch ran out of file descriptors, memory or local ports"),
            std::string::npos)
      << out_;
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  std::size_t exhausted = 0;
  for (const auto& record : written[0].records) {
    const auto name = format_as(record.outcome);
    EXPECT_TRUE(name == "200" || name == "exhausted") << name;
    if (name == "exhausted") ++exhausted;
  }
  EXPECT_GE(exhausted, 1U) << log_text();
}
