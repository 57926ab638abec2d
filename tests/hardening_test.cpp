// A hostile user's command lines, run for real: each probes the right target or nothing,
// never freezes, and keeps its secrets.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "cli_fixture.hpp"

using namespace std::chrono_literals;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

/// A port on 127.0.0.1 where nothing listens.
std::uint16_t refusing_port() { return TestServer{parse_script("ok")}.port(); }

}  // namespace

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
  EXPECT_NE(log_text().find(" proxy=" + proxy_url + " url="), std::string::npos);
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
  EXPECT_EQ(process->wait(kGenerous), 0) << process->err();
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
  EXPECT_EQ(process->wait(kGenerous), 0) << process->err();
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
