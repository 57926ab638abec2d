// Runs the real upwatch binary against the scripted local test server and checks the log,
// the summary and the exit status, asserting on counts, order and outcomes, never on speed.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

#include "cli_fixture.hpp"
#include "upwatch/cli/commands.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/report/report.hpp"

using namespace std::chrono_literals;
using upwatch::testing::Process;
using upwatch::testing::TestServer;

using upwatch::testing::Cli;
using upwatch::testing::concat;
using upwatch::testing::kGenerous;
using upwatch::testing::repeat;

TEST_F(Cli, AllGoodProbesMeanNoDowntimeAndExitZero) {
  TestServer server{upwatch::testing::parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "10"}), 0) << err_;
  EXPECT_EQ(outcomes(), repeat("200", 10));
  EXPECT_EQ(server.requests(), 10U);
  EXPECT_EQ(server.connections(), 10U);  // a fresh connection per probe
  EXPECT_EQ(summary_line("PROBES:"),
            "PROBES: 10 sent, 10 up, 0 down, 0 unanswered; availability 100.000%");
  EXPECT_EQ(summary_line("OUTCOMES:"), "OUTCOMES: 200 x 10");
  EXPECT_EQ(summary_line("DOWNTIME:"), "DOWNTIME: no downtime: every probe succeeded");
  EXPECT_NE(summary_line("LATENCY:").find("(10 good probes)"), std::string::npos);
  EXPECT_EQ(summary_line("URL:"), "URL: " + server.url());
  EXPECT_EQ(summary_line("INT:"), "INT: 0.05");
  EXPECT_TRUE(summary_line("START:").starts_with("START: "));
  EXPECT_TRUE(summary_line("END:").starts_with("END: "));
  const auto first = records().front();
  EXPECT_EQ(first.remote, "127.0.0.1:" + std::to_string(server.port()));
  ASSERT_FALSE(first.lines.empty());
  EXPECT_EQ(first.lines[0], "HTTP/1.1 200 OK");
  EXPECT_NE(std::ranges::find(first.lines, "Server: nginx/1.22.1"), first.lines.end());
  EXPECT_NE(server.last_request().find("HEAD /health HTTP/1.1"), std::string::npos);
  // The summary printed is the summary appended to the log.
  EXPECT_NE(log_text().find(out_), std::string::npos);
  EXPECT_TRUE(runs()[0].end);
}

TEST_F(Cli, BadGatewayWindowIsExact) {
  TestServer server{upwatch::testing::parse_script("ok*3,502*4,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "10"}), 1) << err_;
  EXPECT_EQ(outcomes(), concat({repeat("200", 3), repeat("502", 4), repeat("200", 3)}));
  const auto all = records();
  EXPECT_EQ(all[3].lines[0], "HTTP/1.1 502 Bad Gateway");
  EXPECT_EQ(summary_line("PROBES:"),
            "PROBES: 10 sent, 6 up, 4 down, 0 unanswered; availability 60.000%");
  EXPECT_EQ(summary_line("OUTCOMES:"), "OUTCOMES: 200 x 6, 502 x 4");
  EXPECT_TRUE(summary_line("DOWNTIME:").starts_with("DOWNTIME: 1 window, ")) << out_;
  const auto windows = window_lines();
  ASSERT_EQ(windows.size(), 1U) << out_;
  // Starts when probe #3 was sent, ends when probe #7 (the first good one after) was sent.
  EXPECT_TRUE(windows[0].starts_with("  " + upwatch::format_iso_utc(all[3].sent) + " -> " +
                                     upwatch::format_iso_utc(all[7].sent) + "  "))
      << windows[0];
  EXPECT_TRUE(windows[0].ends_with("  4 failed probes (#3-#6): 502 x 4")) << windows[0];
}

TEST_F(Cli, ResetGarbageAndEmptyAnswersAreFailures) {
  TestServer server{upwatch::testing::parse_script("ok*2,reset*2,ok*2,garbage*2,ok*2,close*2,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "14"}), 1) << err_;
  EXPECT_EQ(outcomes(),
            concat({repeat("200", 2), repeat("reset", 2), repeat("200", 2), repeat("malformed", 2),
                    repeat("200", 2), repeat("empty", 2), repeat("200", 2)}));
  const auto windows = window_lines();
  ASSERT_EQ(windows.size(), 3U) << out_;
  EXPECT_TRUE(windows[0].ends_with("(#2-#3): reset x 2")) << windows[0];
  EXPECT_TRUE(windows[1].ends_with("(#6-#7): malformed x 2")) << windows[1];
  EXPECT_TRUE(windows[2].ends_with("(#10-#11): empty x 2")) << windows[2];
  EXPECT_EQ(summary_line("OUTCOMES:"), "OUTCOMES: 200 x 8, reset x 2, empty x 2, malformed x 2");
  // A transport failure records libcurl's error text.
  EXPECT_TRUE(records()[2].lines.back().starts_with("curl: (56) ")) << records()[2].lines.back();
  EXPECT_TRUE(records()[10].lines.back().starts_with("curl: (52) ")) << records()[10].lines.back();
}

TEST_F(Cli, ConnectionRefusedIsAFailure) {
  const auto port = upwatch::testing::refusing_port();
  ASSERT_EQ(run({"http://127.0.0.1:" + std::to_string(port) + "/", "0.05", "-c", "3"}), 1);
  EXPECT_EQ(outcomes(), repeat("refused", 3));
  EXPECT_EQ(records()[0].remote, "127.0.0.1:" + std::to_string(port));  // the address tried
  const auto windows = window_lines();
  ASSERT_EQ(windows.size(), 1U);
  EXPECT_NE(windows[0].find(" -> still down at END "), std::string::npos) << windows[0];
  EXPECT_TRUE(windows[0].ends_with("3 failed probes (#0-#2): refused x 3")) << windows[0];
  EXPECT_EQ(summary_line("LATENCY:"), "LATENCY: no good probes");
}

TEST_F(Cli, RefusedOverIpv6NamesTheAddressTried) {
  const auto port = upwatch::testing::refusing_port();
  ASSERT_EQ(run({"http://[::1]:" + std::to_string(port) + "/", "0.05", "-c", "2"}), 1) << err_;
  EXPECT_EQ(outcomes(), repeat("refused", 2));
  EXPECT_EQ(records()[0].remote, "[::1]:" + std::to_string(port));
}

TEST_F(Cli, RefusedWhileTheServerIsAwayThenRecovers) {
  TestServer server{upwatch::testing::parse_script("ok*3,refuse:2s,ok")};
  const int status = run({server.url(), "0.2", "--duration", "5"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1) << err_;
  const auto names = outcomes();
  ASSERT_EQ(names.size(), 25U);
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 3), repeat("200", 3));
  // One unbroken run of refusals from probe #3, then good probes to the end.
  const auto first_good = std::find(names.begin() + 3, names.end(), "200");
  EXPECT_GE(first_good - names.begin(), 5);
  EXPECT_EQ(std::count(names.begin() + 3, first_good, "refused"), first_good - names.begin() - 3);
  EXPECT_EQ(std::count(first_good, names.end(), "200"), names.end() - first_good);
  const auto windows = window_lines();
  ASSERT_EQ(windows.size(), 1U) << out_;
  EXPECT_NE(windows[0].find("(#3-#"), std::string::npos) << windows[0];
  EXPECT_TRUE(windows[0].ends_with(fmt::format(": refused x {}", first_good - names.begin() - 3)))
      << windows[0];
}

TEST_F(Cli, HungProbesTimeOutWhileLaterProbesGoOutOnTime) {
  TestServer server{upwatch::testing::parse_script("ok*2,hang*2,ok")};
  ASSERT_EQ(run({server.url(), "0.1", "-c", "8", "-m", "2"}), 1) << err_;
  EXPECT_EQ(outcomes(), concat({repeat("200", 2), repeat("timeout", 2), repeat("200", 4)}));
  EXPECT_GE(server.max_concurrent(), 2U);
  // The probes after the hung ones finished first: the log is in finish order.
  const auto written = runs()[0].records;
  ASSERT_EQ(written.size(), 8U);
  EXPECT_EQ(written[2].sequence, 4U);
  EXPECT_EQ(written.back().sequence, 3U);
  // Each is stamped with the time it was sent, not the time it timed out.
  const auto all = records();
  EXPECT_LT(all[2].sent, all[4].sent);
  EXPECT_GE(all[2].total, 1900ms);
  const auto windows = window_lines();
  ASSERT_EQ(windows.size(), 1U);
  EXPECT_TRUE(windows[0].starts_with("  " + upwatch::format_iso_utc(all[2].sent) + " -> " +
                                     upwatch::format_iso_utc(all[4].sent)))
      << windows[0];
  EXPECT_TRUE(windows[0].ends_with("(#2-#3): timeout x 2")) << windows[0];
}

TEST_F(Cli, TheCapOnProbesInFlightIsAGapNotDowntime) {
  // A healthy but slow service, and a cap it fills: the ticks not sent are upwatch's own
  // limit, not the service's failure.
  TestServer server{upwatch::testing::parse_script("slow:400ms")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "12", "--parallel-max", "2"}),
            upwatch::kExitInconclusive)
      << out_ << err_;
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  const auto& gaps = written[0].gaps;
  ASSERT_FALSE(gaps.empty()) << log_text();
  std::uint64_t not_sent = 0;
  for (const auto& gap : gaps) {
    EXPECT_EQ(gap.cause, upwatch::GapCause::overload);
    not_sent += gap.ticks;
  }
  EXPECT_LE(server.max_concurrent(), 2U);
  EXPECT_EQ(written[0].records.size() + not_sent, 12U);  // every tick sent or in a gap
  for (const auto& record : written[0].records) EXPECT_EQ(format_as(record.outcome), "200");
  EXPECT_EQ(server.requests(), written[0].records.size());
  EXPECT_EQ(summary_line("DOWNTIME:"),
            "DOWNTIME: none seen, but the run is inconclusive (see VERDICT)");
  EXPECT_NE(summary_line("GAPS:").find(" not observed "), std::string::npos) << out_;
  EXPECT_NE(out_.find("not sent: --parallel-max probes were in flight (more than upwatch could "
                      "keep)"),
            std::string::npos)
      << out_;
  EXPECT_EQ(out_.find("skipped"), std::string::npos) << out_;
}

TEST_F(Cli, SlowAnswersOverlap) {
  TestServer server{upwatch::testing::parse_script("slow:400ms")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "6"}), 0) << err_;
  EXPECT_EQ(outcomes(), repeat("200", 6));
  EXPECT_GE(server.max_concurrent(), 2U);  // the schedule did not wait for the slow answers
  for (const auto& record : records()) EXPECT_GE(record.total, 390ms);
}

TEST_F(Cli, KeepAliveReusesOneConnection) {
  TestServer server{upwatch::testing::parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "5", "--keep-alive"}), 0) << err_;
  EXPECT_EQ(server.requests(), 5U);
  EXPECT_EQ(server.connections(), 1U);
}

TEST_F(Cli, GetWithHeadersAndExpectation) {
  TestServer server{upwatch::testing::parse_script("ok*2,404*2,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "6", "-X", "GET", "-H", "X-Cutover: blue", "--expect",
                 "2xx"}),
            1)
      << err_;
  EXPECT_EQ(outcomes(), concat({repeat("200", 2), repeat("404", 2), repeat("200", 2)}));
  EXPECT_NE(server.last_request().find("GET /health HTTP/1.1"), std::string::npos);
  EXPECT_NE(server.last_request().find("X-Cutover: blue"), std::string::npos);
  ASSERT_EQ(window_lines().size(), 1U);
  EXPECT_TRUE(window_lines()[0].ends_with("(#2-#3): 404 x 2"));
  EXPECT_NE(log_text().find(" expect=2xx vantage="), std::string::npos);
}

TEST_F(Cli, TheBashScriptsGrepHabitsStillWork) {
  TestServer server{upwatch::testing::parse_script("ok*3,502*2,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "8"}), 1);
  const auto grep = [&](const std::string& arguments) {
    auto process = std::make_unique<Process>(
        std::vector<std::string>{"/bin/sh", "-c", "grep " + arguments + " testlog.log"}, dir_);
    EXPECT_EQ(process->wait(kGenerous), 0) << arguments;
    return process->out();
  };
  EXPECT_EQ(grep("-c '^HTTP/1.1 200'"), "6\n");
  const auto context = grep("-B1 -A8 ' 502'");
  EXPECT_EQ(std::ranges::count(context, '\n') >= 8, true) << context;
  for (const auto& record : records()) {
    if (record.outcome.status != 502) continue;
    const auto marker =
        upwatch::format_record(record).substr(0, upwatch::format_record(record).find('\n'));
    EXPECT_NE(context.find(marker), std::string::npos) << marker;
  }
  EXPECT_NE(context.find("HTTP/1.1 502 Bad Gateway"), std::string::npos);
}

TEST_F(Cli, AnExistingLogIsAppendedToAndTruncateStartsAfresh) {
  TestServer server{upwatch::testing::parse_script("ok")};
  upwatch::testing::write_file(log_path(), "precious earlier results\n");
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2"}), 0);
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3"}), 0);
  EXPECT_TRUE(log_text().starts_with("precious earlier results\n"));
  std::istringstream in{log_text()};
  const auto contents = upwatch::read_log(in);
  ASSERT_EQ(contents.runs.size(), 2U);
  EXPECT_EQ(contents.runs[0].records.size(), 2U);
  EXPECT_EQ(contents.runs[1].records.size(), 3U);
  EXPECT_EQ(contents.bad_lines, std::vector<std::size_t>{1});  // the line we wrote by hand

  ASSERT_EQ(run({server.url(), "0.05", "-c", "1", "--truncate"}), 0);
  EXPECT_TRUE(log_text().starts_with("# upwatch ")) << log_text();
  EXPECT_EQ(runs().size(), 1U);
  EXPECT_EQ(records().size(), 1U);
}

TEST_F(Cli, BadInputIsOneLineExitTwoAndTouchesNothing) {
  const std::string precious = "precious earlier results\n";
  upwatch::testing::write_file(log_path(), precious);
  ::mkdir((dir_ + "/a-directory").c_str(), 0755);
  const std::vector<std::vector<std::string>> cases{
      {},
      {"--bogus", "http://127.0.0.1:1/"},
      {"http://127.0.0.1:1/", "0"},
      {"http://127.0.0.1:1/", "fast"},
      {"http://127.0.0.1:1/", "-1"},
      {"gopher://127.0.0.1:1/"},
      {"http://"},
      {"--truncate", "-o", "a-directory", "http://127.0.0.1:1/"},
      {"--truncate", "-o", "no/such/dir/log", "http://127.0.0.1:1/"},
      {"--truncate", "--expect", "7xx", "http://127.0.0.1:1/"},
      {"--truncate", "-c", "0", "http://127.0.0.1:1/"},
      {"--truncate", "--duration", "forever", "http://127.0.0.1:1/"},
  };
  for (const auto& args : cases) {
    const std::string label = args.empty() ? "(no arguments)" : args.back();
    EXPECT_EQ(run(args), 2) << label;
    EXPECT_TRUE(err_.starts_with("upwatch: error: ")) << label << ": " << err_;
    EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << label << ": " << err_;
    EXPECT_EQ(out_, "") << label;
    EXPECT_EQ(log_text(), precious) << label;
  }
}

TEST_F(Cli, ResolveAndConnectToPinTheTarget) {
  TestServer server{upwatch::testing::parse_script("ok")};
  const auto port = std::to_string(server.port());
  ASSERT_EQ(run({"http://upwatch.test:" + port + "/health", "0.05", "-c", "2", "--resolve",
                 "upwatch.test:" + port + ":127.0.0.1"}),
            0)
      << err_;
  EXPECT_NE(server.last_request().find("Host: upwatch.test:" + port), std::string::npos);
  ASSERT_EQ(run({"http://lb.upwatch.test/health", "0.05", "-c", "2", "--connect-to",
                 "lb.upwatch.test:80:127.0.0.1:" + port}),
            0)
      << err_;
  EXPECT_NE(server.last_request().find("Host: lb.upwatch.test"), std::string::npos);
  EXPECT_EQ(server.requests(), 4U);
}

TEST_F(Cli, AddressFamilyOptions) {
  TestServer server{upwatch::testing::parse_script("ok")};  // listens on IPv4 only
  const auto url = "http://localhost:" + std::to_string(server.port()) + "/health";
  ASSERT_EQ(run({url, "0.05", "-c", "2", "-4"}), 0) << err_;
  EXPECT_EQ(records()[0].remote, "127.0.0.1:" + std::to_string(server.port()));
  upwatch::testing::remove_tree(log_path());
  EXPECT_EQ(run({url, "0.05", "-c", "2", "-6"}), 1) << err_;
  EXPECT_EQ(server.requests(), 2U);
}

TEST_F(Cli, CredentialsInTheUrlAreRedacted) {
  TestServer server{upwatch::testing::parse_script("ok")};
  const auto url = "http://alice:s3cret@127.0.0.1:" + std::to_string(server.port()) + "/health";
  ASSERT_EQ(run({url, "0.05", "-c", "1"}), 0) << err_;
  EXPECT_NE(server.last_request().find("Authorization: Basic"), std::string::npos);
  EXPECT_EQ(log_text().find("s3cret"), std::string::npos);
  EXPECT_EQ(out_.find("s3cret"), std::string::npos);
  EXPECT_EQ(err_.find("s3cret"), std::string::npos);
  EXPECT_EQ(summary_line("URL:"),
            "URL: http://***@127.0.0.1:" + std::to_string(server.port()) + "/health");
}

TEST_F(Cli, AnUnwritableLogEndsWithStatusThreeAndTheSummaryOnStdout) {
  TestServer server{upwatch::testing::parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3", "-o", "/dev/full"}), 3);
  EXPECT_EQ(summary_line("PROBES:"),
            "PROBES: 3 sent, 3 up, 0 down, 0 unanswered; availability 100.000%");
  EXPECT_NE(err_.find("upwatch: error: cannot write log file '/dev/full'"), std::string::npos)
      << err_;
}

TEST_F(Cli, HelpAndVersion) {
  ASSERT_EQ(run({"--help"}), 0);
  EXPECT_NE(out_.find("--connect-to"), std::string::npos);
  EXPECT_NE(out_.find("Exit status"), std::string::npos);
  ASSERT_EQ(run({"--version"}), 0);
  EXPECT_TRUE(out_.starts_with("upwatch " UPWATCH_VERSION " libcurl/")) << out_;
  EXPECT_EQ(std::count(out_.begin(), out_.end(), '\n'), 1) << out_;
}

class CliSignal : public Cli, public ::testing::WithParamInterface<int> {};

TEST_P(CliSignal, AStopWhileProbesHangIsInconclusiveAndListsThem) {
  TestServer server{upwatch::testing::parse_script("ok*3,hang")};
  auto process = start({server.url(), "0.05", "-m", "60"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.connections() >= 8; }, kGenerous));
  const auto signalled = std::chrono::steady_clock::now();
  process->signal(GetParam());
  const int status = process->wait(kGenerous);
  const auto took = std::chrono::steady_clock::now() - signalled;
  out_ = process->out();
  // Nothing failed, but the hung probes were never answered: not a "no downtime".
  EXPECT_EQ(status, upwatch::kExitInconclusive) << process->err();
  // Well within the 60 s the hung probes would take; generous for a loaded machine.
  EXPECT_LT(took, 10s);
  const auto names = outcomes();
  ASSERT_GE(names.size(), 8U);
  const auto unanswered = names.size() - 3;
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 3), repeat("200", 3));
  EXPECT_EQ(std::count(names.begin() + 3, names.end(), "abandoned"),
            static_cast<std::ptrdiff_t>(unanswered));
  EXPECT_NE(summary_line("PROBES:").find(fmt::format("3 up, 0 down, {} unanswered", unanswered)),
            std::string::npos)
      << out_;
  EXPECT_TRUE(
      summary_line("UNANSWERED:")
          .starts_with(fmt::format("UNANSWERED: {} probes still in flight at END", unanswered)))
      << out_;
  EXPECT_NE(out_.find("\n  #3 sent " + upwatch::format_iso_utc(records()[3].sent) + ", waited "),
            std::string::npos)
      << out_;
  // The first hung probe had waited at least four intervals: longer than any answer.
  EXPECT_TRUE(summary_line("VERDICT:").starts_with("VERDICT: inconclusive (exit 5): "));
  EXPECT_NE(summary_line("VERDICT:").find(" left unanswered longer than "), std::string::npos);
  EXPECT_EQ(out_.find("every probe succeeded"), std::string::npos) << out_;
  EXPECT_TRUE(runs()[0].end);
  EXPECT_NE(log_text().find(out_), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Signals, CliSignal, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const auto& test) { return std::string{sigabbrev_np(test.param)}; });

namespace {

/// True if `signal` is in the mask `field` ("SigCgt:", "SigPnd:", ...) of process `pid`.
bool in_signal_mask(pid_t pid, std::string_view field, int signal) {
  std::istringstream status{upwatch::testing::read_file(fmt::format("/proc/{}/status", pid))};
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field)) {
      return ((std::stoull(line.substr(field.size()), nullptr, 16) >> (signal - 1)) & 1U) != 0;
    }
  }
  return false;
}

/// Fills the pipe `fd` (non-blocking) to the last byte.
void fill(int fd) {
  const std::string page(4096, 'x');
  while (::write(fd, page.data(), page.size()) > 0) {
  }
  while (::write(fd, page.data(), 1) > 0) {
  }
}

/// A file descriptor, closed when it goes out of scope.
struct OwnedFd {
  int fd;
  explicit OwnedFd(int descriptor) : fd(descriptor) {}
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
};

}  // namespace

TEST_F(Cli, AStalledLogReaderHoldsUpNeitherTheProbesNorCtrlC) {
  // The log is a full pipe that nobody reads: records are lost, counted, and the first
  // Ctrl-C ends the run with its summary on stdout.
  TestServer server{upwatch::testing::parse_script("ok")};
  const auto fifo = dir_ + "/stalled.log";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const OwnedFd pipe{::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC)};
  ASSERT_GE(pipe.fd, 0);
  fill(pipe.fd);
  auto process = start({server.url(), "0.01", "-o", fifo});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 20; }, kGenerous));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), upwatch::kExitLogWrite) << process->err();
  out_ = process->out();
  EXPECT_NE(summary_line("PROBES:").find(" up, 0 down"), std::string::npos) << out_;
  EXPECT_NE(out_.find("\nNOTE: "), std::string::npos) << out_;
  EXPECT_NE(out_.find(" records could not be written to log file '" + fifo + "'"),
            std::string::npos)
      << out_;
  EXPECT_NE(process->err().find("upwatch: error: cannot write log file"), std::string::npos);
  // The summary and the exit status agree (up, or inconclusive if probes in flight at the stop
  // had waited longer than any answer, on a loaded machine).
  const auto verdict = summary_line("VERDICT:");
  EXPECT_TRUE(verdict.starts_with("VERDICT: up (exit 3, as records could not be written to the "
                                  "log): ") ||
              (verdict.starts_with("VERDICT: inconclusive (exit 3, as records could not be "
                                   "written to the log): ") &&
               verdict.find(" left unanswered longer than ") != std::string::npos))
      << out_;
}

TEST_F(Cli, AReaderThatGoesAwayDoesNotKillTheRun) {
  TestServer server{upwatch::testing::parse_script("ok")};
  const auto fifo = dir_ + "/gone.log";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto reader = std::make_unique<OwnedFd>(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  ASSERT_GE(reader->fd, 0);
  auto process = start({server.url(), "0.01", "-o", fifo});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 5; }, kGenerous));
  reader.reset();  // the reader exits: the next write is EPIPE, not SIGPIPE
  const auto after = server.requests() + 5;
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= after; }, kGenerous));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), upwatch::kExitLogWrite) << process->err();
  EXPECT_NE(process->out().find("\nPROBES: "), std::string::npos) << process->out();
}

TEST_F(Cli, ALogNeverTakesTheNumberOfAClosedStdout) {
  TestServer server{upwatch::testing::parse_script("ok")};
  // The summary cannot be printed: said, and the exit status says so, but the log has it.
  ASSERT_EQ(
      run_under({"/bin/sh", "-c", "exec \"$0\" \"$@\" >&-"}, {server.url(), "0.05", "-c", "2"}),
      upwatch::kExitLogWrite)
      << err_;
  EXPECT_NE(err_.find("upwatch: error: could not write to standard output: "), std::string::npos)
      << err_;
  const auto text = log_text();
  EXPECT_EQ(upwatch::testing::occurrences(text, "\nSTART: "), 1U) << text;
  EXPECT_NE(text.find("\nVERDICT: up (exit 0): "), std::string::npos) << text;
}

TEST_F(Cli, ASummaryThatCannotBeWrittenToAFullStdoutIsSaidAndChangesTheExitStatus) {
  TestServer server{upwatch::testing::parse_script("ok")};
  ASSERT_EQ(run_under({"/bin/sh", "-c", "exec \"$0\" \"$@\" >/dev/full"},
                      {server.url(), "0.05", "-c", "2"}),
            upwatch::kExitLogWrite)
      << err_;
  EXPECT_NE(err_.find("upwatch: error: could not write to standard output: No space left"),
            std::string::npos)
      << err_;
  EXPECT_EQ(
      run_under({"/bin/sh", "-c", "exec \"$0\" \"$@\" >/dev/full"}, {"report", "testlog.log"}),
      upwatch::kExitLogWrite)
      << err_;
}

TEST_F(Cli, ASecondCtrlCEndsARunStuckWritingItsSummary) {
  // stdout is a full pipe that nobody reads: upwatch blocks printing its summary, as it would
  // on a stalled pager, and only a second Ctrl-C ends it.
  TestServer server{upwatch::testing::parse_script("ok")};
  const auto fifo = dir_ + "/stuck.out";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const OwnedFd pipe{::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC)};
  ASSERT_GE(pipe.fd, 0);
  fill(pipe.fd);
  auto process = std::make_unique<Process>(
      std::vector<std::string>{"/bin/sh", "-c", "exec \"$0\" \"$@\" > " + fifo, UPWATCH_BINARY,
                               server.url(), "0.01"},
      dir_);
  const pid_t pid = process->pid();
  // Until upwatch catches SIGINT, a Ctrl-C would end it by default, with the same status 130.
  ASSERT_TRUE(upwatch::testing::eventually([&] { return in_signal_mask(pid, "SigCgt:", SIGINT); },
                                           kGenerous));
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 3; }, kGenerous));
  process->signal(SIGINT);
  // The first Ctrl-C was taken: upwatch now waits to print a summary it never can.
  ASSERT_TRUE(upwatch::testing::eventually(
      [&] {
        return !in_signal_mask(pid, "SigPnd:", SIGINT) && !in_signal_mask(pid, "ShdPnd:", SIGINT);
      },
      kGenerous));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), 130) << process->err();
}

TEST_F(Cli, FailuresAfterAbandonedStillCountAsDowntime) {
  TestServer server{upwatch::testing::parse_script("ok*2,502*2,hang")};
  auto process = start({server.url(), "0.05", "-m", "60"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.connections() >= 6; }, kGenerous));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), 1);
}

TEST_F(Cli, DurationStopsTheRun) {
  TestServer server{upwatch::testing::parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.25", "--duration", "1s"}), 0) << err_;
  EXPECT_EQ(outcomes(), repeat("200", 4));
}

TEST_F(Cli, AnAddressThatFailedBeforeAnotherAnsweredIsNamedInTheRecordAndTheSummary) {
  // The name resolves to two nodes; nothing listens on the first (127.0.0.2), so each probe is
  // refused there and libcurl falls back to the second: answered, but a node is down.
  TestServer server{upwatch::testing::parse_script("ok")};
  const auto port = std::to_string(server.port());
  ASSERT_EQ(run({"--resolve", "nodes.test:" + port + ":127.0.0.2,127.0.0.1", "-c", "3",
                 "http://nodes.test:" + port + "/health", "0.1"}),
            0)
      << err_;
  for (const auto& record : records()) {
    EXPECT_EQ(record.remote, "127.0.0.1:" + port);
    EXPECT_EQ(record.tried, std::vector<std::string>{"127.0.0.2:" + port});
  }
  EXPECT_EQ(upwatch::testing::occurrences(log_text(), " tried=127.0.0.2:" + port + " "), 3U);
  EXPECT_EQ(summary_line("WARNING:"),
            "WARNING: good answers came only after connecting to another address failed first "
            "(127.0.0.2:" +
                port + " x 3): a node the name resolves to may be down, hidden behind the others");
  expect_report_retells(0);
}

TEST_F(Cli, CurlsUserAgentDataAndInterfaceFlags) {
  TestServer server{upwatch::testing::parse_script("ok")};
  // -A, as curl spells it; upwatch/VERSION by default.
  ASSERT_EQ(run({server.url(), "0.05", "-c", "1"}), 0) << err_;
  EXPECT_NE(server.last_request().find("User-Agent: upwatch/" UPWATCH_VERSION "\r\n"),
            std::string::npos);
  ASSERT_EQ(run({server.url(), "0.05", "-c", "1", "-A", "cutover-check/2"}), 0) << err_;
  EXPECT_NE(server.last_request().find("User-Agent: cutover-check/2\r\n"), std::string::npos);
  // -d makes each probe a POST with that body; @FILE reads it; -X PUT keeps the method.
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2", "-d", "check=deep"}), 0) << err_;
  EXPECT_TRUE(server.last_request().starts_with("POST /health HTTP/1.1\r\n"))
      << server.last_request();
  EXPECT_EQ(server.last_body(), "check=deep");
  upwatch::testing::write_file(dir_ + "/body.json", R"({"deep":true})");
  ASSERT_EQ(run({server.url(), "0.05", "-c", "1", "-d", "@body.json", "-X", "PUT"}), 0) << err_;
  EXPECT_TRUE(server.last_request().starts_with("PUT /health HTTP/1.1\r\n"));
  EXPECT_EQ(server.last_body(), R"({"deep":true})");
  EXPECT_EQ(server.requests(), 5U);
  // --interface: through the loopback interface, probes go; a name the machine lacks is refused.
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2", "--interface", "lo"}), 0) << err_;
  EXPECT_EQ(server.requests(), 7U);
  EXPECT_EQ(run({server.url(), "0.05", "-c", "2", "--interface", "nosuch9"}), 2);
  EXPECT_TRUE(err_.starts_with("upwatch: error: bad --interface 'nosuch9'")) << err_;
  EXPECT_EQ(run({server.url(), "0.05", "-c", "2", "-X", "HEAD", "-d", "x"}), 2);
  EXPECT_EQ(err_, "upwatch: error: -d sends a body, which a HEAD request has not\n");
  EXPECT_EQ(run({server.url(), "0.05", "-c", "2", "-d", "@missing.json"}), 2);
  EXPECT_EQ(server.requests(), 7U);
}

TEST_F(Cli, LocationFollowsRedirectsAndTheRecordNamesEachHop) {
  // Probe #0: 301, then 200; probe #1: 302 twice, then 200; each redirect back to /health.
  TestServer server{upwatch::testing::parse_script("301*1,ok*1,302*2,ok")};
  ASSERT_EQ(run({server.url(), "0.2", "-c", "2", "-L"}), 0) << err_;
  EXPECT_EQ(server.requests(), 5U);
  EXPECT_EQ(outcomes(), (std::vector<std::string>{"200", "200"}));
  const auto written = records();
  ASSERT_EQ(written.size(), 2U);
  const std::vector<std::string> first(written[0].lines.begin(), written[0].lines.end());
  ASSERT_GE(first.size(), 2U);
  EXPECT_EQ(first[0], "HTTP/1.1 301 Moved Permanently");
  EXPECT_NE(std::ranges::find(first, "Location: /health"), first.end());
  EXPECT_EQ(
      std::ranges::count_if(written[1].lines,
                            [](const std::string& line) { return line.starts_with("HTTP/"); }),
      3);
  // One redirect more than --max-redirs is a failed probe; without -L the redirect is the answer.
  TestServer looping{upwatch::testing::parse_script("302*2,ok")};
  ASSERT_EQ(run({looping.url(), "0.2", "-c", "1", "-L", "--max-redirs", "1", "-o", "loop.log"}), 1)
      << err_;
  EXPECT_EQ(looping.requests(), 2U);
  TestServer plain{upwatch::testing::parse_script("301")};
  ASSERT_EQ(run({plain.url(), "0.2", "-c", "1", "--truncate"}), 0) << err_;
  EXPECT_EQ(outcomes(), std::vector<std::string>{"301"});
  EXPECT_EQ(run({plain.url(), "0.2", "-c", "1", "-L", "--max-redirs", "-1"}), 2);
}
