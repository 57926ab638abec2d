// A hostile user's command lines, run for real: each probes the right target or nothing,
// never freezes, and keeps its secrets.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "cli_fixture.hpp"
#include "dns_server.hpp"
#include "upwatch/report/report.hpp"

using namespace std::chrono_literals;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

using upwatch::testing::refusing_port;

TEST_F(Cli, AnOptionBeforeTheUrlNeverSwallowsIt) {
  TestServer server{parse_script("ok")};
  const auto url = fmt::format("http://user:pw@127.0.0.1:{}/health?token=T", server.port());
  ASSERT_EQ(run({"-H", "Authorization: Bearer X", url, "0.05", "-c", "2"}), 0) << err_;
  // Probed where it was told: this server, with the header and the URL's credentials.
  EXPECT_EQ(server.requests(), 2U);
  EXPECT_NE(server.last_request().find("HEAD /health?token=T HTTP/1.1"), std::string::npos);
  EXPECT_NE(server.last_request().find("Authorization: Bearer X"), std::string::npos);
  EXPECT_EQ(records()[0].remote, fmt::format("127.0.0.1:{}", server.port()));
  const auto pinned = fmt::format("pinned.test:80:127.0.0.1:{}", server.port());
  ASSERT_EQ(run({"--connect-to", pinned, "--resolve", "other.test:80:127.0.0.2",
                 "http://pinned.test/health", "0.05", "-c", "1"}),
            0)
      << err_;
  EXPECT_EQ(server.requests(), 3U);
  EXPECT_NE(server.last_request().find("Host: pinned.test"), std::string::npos);
}

TEST_F(Cli, SetupMistakesAreUsageErrorsAndProbeNothing) {
  const std::string precious = "precious earlier results\n";
  upwatch::testing::write_file(log_path(), precious);
  const auto refused = fmt::format("http://127.0.0.1:{}/", refusing_port());
  const std::vector<std::vector<std::string>> cases{
      {"--cacert", "/nonexistent/ca.pem", refused},
      {"http:///health"},
      {"http://127.0.0.1:0/"},
      {"--resolve", "h.test:80", refused},
      {"--resolve", "h.test:80:not-an-address", refused},
      {"--connect-to", "h.test:80:127.0.0.1", refused},
      {"-H", "http://user:s3cret@127.0.0.1/", refused},
      {refused, "127.1", "-c", "-3"},
      {"--interval", "5124096h", refused},
      {"--count", "-3", refused},
      {"-x", "socks5://127.0.0.1:9", refused},
      {"--dns-servers", "dns.example", refused},
      {"127.1"},
  };
  for (const auto& args : cases) {
    const std::string label = fmt::format("{}", fmt::join(args, " "));
    EXPECT_EQ(run(args), 2) << label << ": " << out_;
    EXPECT_TRUE(err_.starts_with("upwatch: error: ")) << label << ": " << err_;
    EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << label << ": " << err_;
    EXPECT_EQ(err_.find("s3cret"), std::string::npos) << err_;
    EXPECT_EQ(out_, "") << label;
    EXPECT_EQ(log_text(), precious) << label;
  }
}

TEST_F(Cli, EveryOptionsValueIsCheckedAndFilesReadForOptionsAreBounded) {
  const std::string precious = "precious earlier results\n";
  upwatch::testing::write_file(log_path(), precious);
  const auto refused = fmt::format("http://127.0.0.1:{}/", refusing_port());
  // Each case, and words its one line of error must hold.
  std::vector<std::pair<std::vector<std::string>, std::string>> cases;
  for (const std::string option :
       {"--duration", "--expect", "--jsonl", "--control", "--connect-timeout", "--parallel-max",
        "--metrics-listen", "--proxy", "--dns-servers", "--max-time", "--log", "--header",
        "--count", "--track", "--resolve", "--vantage", "--noproxy", "--user"}) {
    cases.push_back({{refused, "0.1", option, ""}, option + ": an empty value"});
  }
  cases.push_back(
      {{refused, "-H", "@" + dir_}, "cannot read --header file '" + dir_ + "': a directory"});
  cases.push_back({{refused, "-d", "@" + dir_}, "cannot read -d file '" + dir_ + "': a directory"});
  cases.push_back({{refused, "-H", "@/dev/urandom"}, "cannot read --header file '/dev/urandom'"});
  cases.push_back(
      {{refused, "-d", "@/dev/zero"}, "-d file '/dev/zero': larger than 16777216 bytes"});
  cases.push_back({{"--url-file", "/dev/zero"}, "--url-file file '/dev/zero': larger than"});
  cases.push_back({{refused + std::string(17 * 1024, 'a')}, "upwatch takes URLs of at most 16384"});
  cases.push_back({{"report", "/dev/zero"}, "cannot read log '/dev/zero': a device, not a log"});
  for (const auto& [args, words] : cases) {
    const std::string label = fmt::format("{}", fmt::join(args, " ")).substr(0, 200);
    EXPECT_EQ(run(args), 2) << label << ": " << out_;
    EXPECT_TRUE(err_.starts_with("upwatch: error: ")) << label << ": " << err_;
    EXPECT_NE(err_.find(words), std::string::npos) << label << ": " << err_;
    EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << label << ": " << err_;
    EXPECT_EQ(log_text(), precious) << label;
  }
}

TEST_F(Cli, AUsageErrorLeavesEveryLogAsItWas) {
  TestServer server{parse_script("ok")};
  upwatch::testing::write_file(dir_ + "/prev.log", "precious\n");
  EXPECT_EQ(run({server.url(), "-c", "1", "-o", "prev.log", "--truncate", "--jsonl",
                 "/nonexistent/x.jsonl"}),
            2);
  EXPECT_EQ(upwatch::testing::read_file(dir_ + "/prev.log"), "precious\n");
  EXPECT_EQ(run({server.url(), "-c", "1", "-o", "new.log", "--jsonl", "/nonexistent/x.jsonl"}), 2);
  EXPECT_EQ(::access((dir_ + "/new.log").c_str(), F_OK), -1);  // not even created
  EXPECT_EQ(server.requests(), 0U);
}

TEST_F(Cli, ProxyVariablesAreIgnoredAndAProxyIsUsedOnlyWhenAsked) {
  // The "proxy" is a test server that answers 200 to whatever it is asked.
  TestServer proxy{parse_script("ok")};
  const auto proxy_url = fmt::format("http://127.0.0.1:{}", proxy.port());
  const auto refused = fmt::format("http://127.0.0.1:{}/health", refusing_port());
  ASSERT_EQ(run_under({"/usr/bin/env", "http_proxy=" + proxy_url, "HTTP_PROXY=" + proxy_url,
                       "all_proxy=" + proxy_url},
                      {refused, "0.05", "-c", "2"}),
            1)
      << err_;
  EXPECT_EQ(outcomes(), upwatch::testing::repeat("refused", 2));
  EXPECT_EQ(proxy.requests(), 0U);
  upwatch::testing::remove_tree(log_path());
  ASSERT_EQ(run({"-x", proxy_url, refused, "0.05", "-c", "2"}), 0) << err_;
  EXPECT_EQ(proxy.requests(), 2U);
  EXPECT_NE(proxy.last_request().find("HEAD " + refused + " HTTP/1.1"), std::string::npos)
      << proxy.last_request();
  EXPECT_EQ(summary_line("PROXY:"), "PROXY: " + proxy_url);
  EXPECT_NE(log_text().find(" proxy=" + proxy_url + " vantage="), std::string::npos);
  EXPECT_NE(err_.find("through the proxy " + proxy_url), std::string::npos) << err_;
  upwatch::testing::remove_tree(log_path());
  ASSERT_EQ(run({"-x", proxy_url, "--noproxy", "127.0.0.1", refused, "0.05", "-c", "1"}), 1);
  EXPECT_EQ(outcomes(), upwatch::testing::repeat("refused", 1));
  EXPECT_EQ(proxy.requests(), 2U);
}

TEST_F(Cli, AnIntervalLongerThanPollCanWaitStillEndsWithASummary) {
  // 30 days between probes: more milliseconds than an int holds.
  TestServer server{parse_script("ok")};
  auto process = start({server.url(), "720h"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 1; }, kGenerous));
  ASSERT_TRUE(upwatch::testing::eventually(
      [&] { return log_text().find("* ") != std::string::npos; }, kGenerous));
  process->signal(SIGINT);
  const int process_status = process->wait(kGenerous);
  expect_stopped_up(process_status, process->out());
  out_ = process->out();
  EXPECT_EQ(summary_line("INT:"), "INT: 2592000");
  EXPECT_NE(summary_line("PROBES:").find("1 sent, 1 up"), std::string::npos) << out_;
}

TEST_F(Cli, SecretsStayOutOfPsAndOutOfErrors) {
  TestServer server{parse_script("ok")};
  upwatch::testing::write_file(dir_ + "/headers", "X-Api-Key: k3y-from-file\n");
  const auto url = fmt::format("http://alice:pa55word@127.0.0.1:{}/health", server.port());
  auto process = start({"-H", "Authorization: Bearer S3CRET", "-H", "@headers", url, "0.05"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 2; }, kGenerous));
  const auto command_line =
      upwatch::testing::read_file(fmt::format("/proc/{}/cmdline", process->pid()));
  process->signal(SIGINT);
  const int process_status = process->wait(kGenerous);
  expect_stopped_up(process_status, process->out());
  EXPECT_NE(command_line.find("Authorization:"), std::string::npos) << command_line;
  EXPECT_EQ(command_line.find("S3CRET"), std::string::npos) << command_line;
  EXPECT_EQ(command_line.find("pa55word"), std::string::npos) << command_line;
  EXPECT_NE(command_line.find("alice:"), std::string::npos) << command_line;
  // What was hidden from ps was still sent.
  EXPECT_NE(server.last_request().find("Authorization: Bearer S3CRET"), std::string::npos);
  EXPECT_NE(server.last_request().find("X-Api-Key: k3y-from-file"), std::string::npos);
  EXPECT_EQ(run({"http://alice:pa55word@127.0.0.1:0/"}), 2);
  EXPECT_EQ(err_.find("pa55word"), std::string::npos) << err_;
}

using upwatch::testing::DnsServer;

TEST_F(Cli, NamesAreResolvedThroughTheDnsServersGiven) {
  TestServer server{parse_script("ok")};
  DnsServer dns{DnsServer::Mode::answer};
  const auto url = fmt::format("http://upwatch.test:{}/health", server.port());
  ASSERT_EQ(run({url, "0.05", "-c", "3", "--dns-servers", fmt::format("127.0.0.1:{}", dns.port())}),
            0)
      << err_ << out_;
  EXPECT_EQ(server.requests(), 3U);
  EXPECT_NE(server.last_request().find(fmt::format("Host: upwatch.test:{}", server.port())),
            std::string::npos);
  EXPECT_EQ(records()[0].remote, fmt::format("127.0.0.1:{}", server.port()));
  EXPECT_GE(dns.questions(), 3U);  // a fresh look-up for every probe, as the bash loop's curl
}

TEST_F(Cli, ASlowDnsAnswerIsPartOfTheProbesTime) {
  TestServer server{parse_script("ok")};
  DnsServer dns{DnsServer::Mode::answer, 300ms};
  const auto url = fmt::format("http://slow-dns.test:{}/health", server.port());
  ASSERT_EQ(run({url, "0.1", "-c", "2", "-m", "5", "--dns-servers",
                 fmt::format("127.0.0.1:{}", dns.port())}),
            0)
      << err_ << out_;
  for (const auto& record : records()) EXPECT_GE(record.total, 300ms);
  EXPECT_EQ(server.requests(), 2U);
}

TEST_F(Cli, ADnsServersErrorIsDnsNotTheProbersNetwork) {
  for (const auto mode : {DnsServer::Mode::servfail, DnsServer::Mode::refused}) {
    DnsServer dns{mode};
    const auto servers = fmt::format("127.0.0.1:{}", dns.port());
    ASSERT_EQ(run({"http://broken.test/", "0.05", "-c", "3", "--dns-servers", servers}), 1) << err_;
    EXPECT_EQ(outcomes(), upwatch::testing::repeat("dns", 3)) << log_text();
    EXPECT_GE(dns.questions(), 3U);
    EXPECT_EQ(out_.find("prober's own network"), std::string::npos) << out_;
    std::remove(log_path().c_str());  // one run a log, for the next mode
  }
}

TEST_F(Cli, ASilentDnsServerNeverFreezesTheSchedule) {
  DnsServer dns{DnsServer::Mode::silent};
  const auto servers = fmt::format("127.0.0.1:{}", dns.port());
  ASSERT_EQ(run({"http://black-hole.test/", "0.1", "-c", "8", "-m", "1", "--dns-servers", servers}),
            1)
      << err_;
  const auto all = records();
  ASSERT_EQ(all.size(), 8U);
  for (std::size_t k = 0; k < all.size(); ++k) {
    EXPECT_EQ(format_as(all[k].outcome), "dns") << k;
    // Ended by --max-time, not by the resolver's own timeouts (seconds).
    EXPECT_GE(all[k].total, 990ms) << k;
    EXPECT_LT(all[k].total, 2s) << k;
    EXPECT_NE(all[k].lines.back().find("timed out after 1000 ms (--max-time)"), std::string::npos)
        << all[k].lines.back();
    // Sent on the schedule while the earlier look-ups hung: no tick waited for them.
    if (k > 0) {
      EXPECT_LT(all[k].sent - all[k - 1].sent, 400ms) << k;
    }
  }
  EXPECT_GE(dns.questions(), 8U);
  // Ctrl-C while look-ups hang ends the run at once, with the summary.
  auto process = start({"http://black-hole.test/", "0.05", "-m", "30", "--dns-servers", servers});
  const auto asked = dns.questions() + 4;
  ASSERT_TRUE(upwatch::testing::eventually([&] { return dns.questions() >= asked; }, kGenerous));
  const auto signalled = std::chrono::steady_clock::now();
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), upwatch::kExitInconclusive) << process->err();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 2s);
  EXPECT_NE(process->out().find("UNANSWERED: "), std::string::npos) << process->out();
}

TEST_F(Cli, NoDnsServerReachableIsUnreachable) {
  // Nothing listens on this port over UDP either: each question is refused (ICMP).
  const auto servers = fmt::format("127.0.0.1:{}", refusing_port());
  ASSERT_EQ(run({"http://nowhere.test/", "0.05", "-c", "2", "-m", "2", "--dns-servers", servers}),
            1)
      << err_;
  EXPECT_EQ(outcomes(), upwatch::testing::repeat("unreachable", 2));
  EXPECT_NE(records()[0].lines.back().find("could not resolve 'nowhere.test'"), std::string::npos);
}

TEST_F(Cli, AnInternationalNameIsPunycodeOrAUsageError) {
  TestServer server{parse_script("ok")};
  const auto url = fmt::format("http://bücher.localhost:{}/health", server.port());
  const auto pin = fmt::format("xn--bcher-kva.localhost:{}:127.0.0.1", server.port());
  // Where the locale cannot say what the bytes of the name are, nothing is probed.
  EXPECT_EQ(run_under({"/usr/bin/env", "LC_ALL=C"}, {url, "-c", "1", "--resolve", pin}), 2);
  EXPECT_NE(err_.find("write it in punycode"), std::string::npos) << err_;
  EXPECT_EQ(server.requests(), 0U);
  // In a UTF-8 locale it is converted, as curl converts it.
  ASSERT_EQ(run_under({"/usr/bin/env", "LC_ALL=C.UTF-8"}, {url, "-c", "1", "--resolve", pin}), 0)
      << err_;
  EXPECT_EQ(server.requests(), 1U);
  EXPECT_NE(
      server.last_request().find(fmt::format("Host: xn--bcher-kva.localhost:{}", server.port())),
      std::string::npos)
      << server.last_request();
}

TEST_F(Cli, AUsersPasswordIsSentButNeverLogged) {
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2", "-u", "alice:s3cret", "--jsonl", "run.jsonl"}), 0)
      << err_;
  // Basic authentication of alice:s3cret, as curl -u sends it.
  EXPECT_NE(server.last_request().find("Authorization: Basic YWxpY2U6czNjcmV0\r\n"),
            std::string::npos)
      << server.last_request();
  EXPECT_NE(log_text().find(" user=alice:*** "), std::string::npos) << log_text();
  const auto jsonl = upwatch::testing::read_file(dir_ + "/run.jsonl");
  EXPECT_NE(jsonl.find(R"("user":"alice:***")"), std::string::npos) << jsonl;
  for (const auto& text : {log_text(), jsonl, out_, err_}) {
    EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  }
  expect_report_retells(0);
}

TEST_F(Cli, ALineBreakOrNulInARequestValueSendsNothing) {
  TestServer server{parse_script("ok")};
  const std::string precious = "precious earlier results\n";
  upwatch::testing::write_file(log_path(), precious);
  const std::string smuggled = "x\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: victim\r\nX:";
  upwatch::testing::write_file(dir_ + "/headers", std::string{"X-Ok: 1\nX-Bad: a\0b\n", 19});
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"-A", smuggled}, "--user-agent"},
      {{"-H", "X-A: " + smuggled}, "--header"},
      {{"-H", "@" + dir_ + "/headers"}, "--header"},
      {{"-u", "user:s3cret\r\nX: y"}, "--user"},
      {{"-X", "GET\r\nX"}, "--request"},
      {{"-x", "http://127.0.0.1:9\n"}, "--proxy"},
      {{"--noproxy", "a\nb"}, "--noproxy"},
      {{"--track", "x-version\r\nX"}, "--track"},
      {{"--resolve", "h.test:80:127.0.0.1\n"}, "--resolve"},
      {{"--connect-to", "h.test:80:127.0.0.1:80\r"}, "--connect-to"},
      {{"--control", server.url() + "\r\nX: y"}, "--control"},
  };
  for (const auto& [extra, option] : cases) {
    auto args = extra;
    args.insert(args.begin(), {server.url(), "0.05", "-c", "1"});
    const std::string label = fmt::format("{}", fmt::join(extra, " "));
    EXPECT_EQ(run(args), 2) << label;
    EXPECT_TRUE(err_.starts_with("upwatch: error: bad " + option + ": it holds a "))
        << label << ": " << err_;
    EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << label << ": " << err_;
    EXPECT_EQ(err_.find("s3cret"), std::string::npos) << err_;
    EXPECT_EQ(log_text(), precious) << label;
  }
  // A URL with a line break is refused too, however it came.
  EXPECT_EQ(run({server.url() + "\r\nX: y", "0.05", "-c", "1"}), 2);
  EXPECT_TRUE(err_.starts_with("upwatch: error: bad URL: it holds a CR")) << err_;
  upwatch::testing::write_file(dir_ + "/urls", server.url() + "\rX\n");
  EXPECT_EQ(run({"--url-file", dir_ + "/urls", "0.05", "-c", "1"}), 2);
  EXPECT_NE(err_.find("it holds a CR"), std::string::npos) << err_;
  EXPECT_EQ(server.requests(), 0U);
}
