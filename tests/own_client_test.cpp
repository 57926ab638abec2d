// upwatch's own HTTP/1.1 client against libcurl (UPWATCH_CLIENT=libcurl), side by side on the
// same scripted servers: the same requests, and every answer ended the same way in the log.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <sstream>

#include "cli_fixture.hpp"
#include "dns_server.hpp"
#include "upwatch/commands.hpp"
#include "upwatch/probe_log.hpp"
#include "upwatch/unique_fd.hpp"

using upwatch::testing::Cli;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

/// Each behaviour of the test server once, then a server that never answers.
constexpr const char* kHostile =
    "ok*1,502*1,reset*1,garbage*1,close*1,forged*1,flood*1,huge*1,badchunk*1,hang";

class OwnClient : public Cli {
 protected:
  /// Runs upwatch with `args`, through libcurl if `libcurl`, logging to `log`; returns its
  /// exit status.
  int run_with(bool libcurl, const std::string& log, std::vector<std::string> args) {
    args.insert(args.end(), {"-o", log});
    return run_under(
        {"/usr/bin/env", libcurl ? "UPWATCH_CLIENT=libcurl" : "UPWATCH_CLIENT=upwatch"},
        std::move(args));
  }

  /// The records of the one run of `log`, in sequence order, read without a bad line.
  [[nodiscard]] std::vector<upwatch::ProbeRecord> records_of(const std::string& log) const {
    std::ifstream in{dir_ + "/" + log};
    auto contents = upwatch::read_log(in);
    EXPECT_TRUE(contents.bad_lines.empty()) << log;
    EXPECT_EQ(contents.runs.size(), 1U) << log;
    if (contents.runs.empty()) return {};
    auto records = contents.runs.back().records;
    std::ranges::sort(records, {}, &upwatch::ProbeRecord::sequence);
    return records;
  }

  /// A record's lines without the Date header, which differs from run to run.
  [[nodiscard]] static std::vector<std::string> lines_but_date(const upwatch::ProbeRecord& record) {
    std::vector<std::string> lines;
    for (const auto& line : record.lines) {
      if (!line.starts_with("Date: ")) lines.push_back(line);
    }
    return lines;
  }
};

/// The request libcurl sent, as the own client sends it: with "Connection: close" last.
std::string closing(std::string request) {
  return request.insert(request.size() - 2, "Connection: close\r\n");
}

}  // namespace

TEST_F(OwnClient, EndsEveryHostileAnswerAsLibcurlDoes) {
  TestServer own_server{parse_script(kHostile)};
  TestServer curl_server{parse_script(kHostile)};
  ASSERT_EQ(run_with(false, "own.log", {own_server.url(), "0.2", "-c", "10", "-m", "1"}), 1)
      << err_;
  const std::string own_summary = out_;
  ASSERT_EQ(run_with(true, "libcurl.log", {curl_server.url(), "0.2", "-c", "10", "-m", "1"}), 1)
      << err_;
  EXPECT_EQ(own_server.requests(), 10U);
  EXPECT_EQ(curl_server.requests(), 10U);
  const auto own = records_of("own.log");
  const auto curl = records_of("libcurl.log");
  ASSERT_EQ(own.size(), 10U);
  ASSERT_EQ(curl.size(), 10U);
  const std::vector<std::string> expected{"200", "502", "reset",     "malformed", "empty",
                                          "502", "200", "malformed", "200",       "timeout"};
  for (std::size_t k = 0; k < own.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(format_as(own[k].outcome), expected[k]);
    EXPECT_EQ(own[k].outcome, curl[k].outcome);
    EXPECT_EQ(own[k].remote, "127.0.0.1:" + std::to_string(own_server.port()));
    EXPECT_TRUE(own[k].phases[static_cast<std::size_t>(upwatch::Phase::connect)].has_value());
    EXPECT_FALSE(own[k].phases[static_cast<std::size_t>(upwatch::Phase::dns)].has_value());
    auto own_lines = lines_but_date(own[k]);
    auto curl_lines = lines_but_date(curl[k]);
    if (k == 7) {
      // A header line of 200 KB: libcurl 7.88 words it as running out of memory.
      EXPECT_EQ(own_lines.back(), "curl: (8) Header line longer than 102400 bytes");
      EXPECT_EQ(curl_lines.back(), "curl: (27) Out of memory");
      own_lines.pop_back();
      curl_lines.pop_back();
    }
    if (k == 9) {
      EXPECT_TRUE(own_lines.back().starts_with("curl: (28) Operation timed out after "))
          << own_lines.back();
      own_lines.pop_back();
      curl_lines.pop_back();
    }
    EXPECT_EQ(own_lines, curl_lines);
  }
  // The flood's lines beyond the caps are counted alike.
  EXPECT_EQ(own[6].lines.back(), curl[6].lines.back());
  EXPECT_TRUE(own[6].lines.back().starts_with("upwatch: ")) << own[6].lines.back();
  EXPECT_NE(own_summary.find("PROBES: 10 sent, 3 up, 7 down, 0 unanswered; availability 30.000%"),
            std::string::npos)
      << own_summary;
}

TEST_F(OwnClient, SendsWhatLibcurlSendsAndSaysItWillClose) {
  const std::vector<std::vector<std::string>> option_sets{
      {},
      {"-A", ""},
      {"-A", "probe/1", "-H", "X-Trace: abc"},
      {"-H", "Accept: text/html", "-H", "X-Empty;", "-H", "User-Agent:"},
      {"-H", "Host: other.example"},
      {"-H", "Connection: keep-alive"},
  };
  for (const auto& options : option_sets) {
    SCOPED_TRACE(::testing::PrintToString(options));
    TestServer own_server{parse_script("ok")};
    TestServer curl_server{parse_script("ok")};
    auto with = [&](const TestServer& server) {
      auto args = options;
      args.insert(args.end(), {server.url() + "/../a/./b?x=1&y=%41#part", "-c", "1"});
      return args;
    };
    ASSERT_EQ(run_with(false, "own.log", with(own_server)), 0) << err_;
    ASSERT_EQ(run_with(true, "libcurl.log", with(curl_server)), 0) << err_;
    const auto own = own_server.last_request();
    const auto curl = curl_server.last_request();
    EXPECT_TRUE(own.starts_with("HEAD /a/b?x=1&y=%41 HTTP/1.1\r\n")) << own;
    const bool keep = options.size() == 2 && options[1].starts_with("Connection:");
    // Host names the server's own port, which differs between the two.
    const auto host_of = [](const TestServer& server) {
      return "Host: 127.0.0.1:" + std::to_string(server.port());
    };
    auto expected = keep ? curl : closing(curl);
    if (const auto at = expected.find(host_of(curl_server)); at != std::string::npos) {
      expected.replace(at, host_of(curl_server).size(), host_of(own_server));
    }
    EXPECT_EQ(own, expected);
  }
}

TEST_F(OwnClient, RefusedAndConnectTimedOutAsLibcurl) {
  // Refused: nothing listens.
  const auto port = upwatch::testing::refusing_port();
  const auto url = "http://127.0.0.1:" + std::to_string(port) + "/";
  ASSERT_EQ(run_with(false, "own.log", {url, "0.1", "-c", "2"}), 1) << err_;
  ASSERT_EQ(run_with(true, "libcurl.log", {url, "0.1", "-c", "2"}), 1) << err_;
  const auto own = records_of("own.log");
  const auto curl = records_of("libcurl.log");
  ASSERT_EQ(own.size(), 2U);
  ASSERT_EQ(curl.size(), 2U);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(format_as(own[k].outcome), "refused");
    EXPECT_EQ(own[k].remote, curl[k].remote);
    const auto words = "curl: (7) Failed to connect to 127.0.0.1 port " + std::to_string(port);
    EXPECT_TRUE(own[k].lines.back().starts_with(words)) << own[k].lines.back();
    EXPECT_TRUE(own[k].lines.back().ends_with(" ms: Couldn't connect to server"));
  }

  // Not connected within --connect-timeout: a listener whose queue of connections is full,
  // so that the kernel drops the next handshake.
  upwatch::UniqueFd listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_in address{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}};
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener.get(), 0), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  // A backlog of 0 queues one connection; a second waits for its handshake, never blocking.
  std::vector<upwatch::UniqueFd> queued;
  for (int i = 0; i < 2; ++i) {
    queued.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    ::connect(queued.back().get(), reinterpret_cast<sockaddr*>(&address), length);
  }
  const auto full = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
  ASSERT_EQ(run_with(false, "own-full.log", {full, "0.5", "-c", "1", "--connect-timeout", "0.3"}),
            1)
      << err_;
  ASSERT_EQ(
      run_with(true, "libcurl-full.log", {full, "0.5", "-c", "1", "--connect-timeout", "0.3"}), 1)
      << err_;
  const auto own_full = records_of("own-full.log");
  const auto curl_full = records_of("libcurl-full.log");
  ASSERT_EQ(own_full.size(), 1U);
  ASSERT_EQ(curl_full.size(), 1U);
  EXPECT_EQ(format_as(own_full[0].outcome), "timeout");
  EXPECT_EQ(own_full[0].outcome, curl_full[0].outcome);
  EXPECT_FALSE(own_full[0].phases[static_cast<std::size_t>(upwatch::Phase::connect)]);
  EXPECT_GE(own_full[0].total, std::chrono::milliseconds{300});
  EXPECT_TRUE(own_full[0].lines.back().starts_with("curl: (28) "));
  const auto words = [](const std::string& line) { return line.substr(0, line.find(" after ")); };
  EXPECT_EQ(words(own_full[0].lines.back()), words(curl_full[0].lines.back()))
      << own_full[0].lines.back() << "\n"
      << curl_full[0].lines.back();
}

TEST_F(OwnClient, AnUnknownClientIsAnError) {
  TestServer server{parse_script("ok")};
  EXPECT_EQ(run_under({"/usr/bin/env", "UPWATCH_CLIENT=wget"}, {server.url(), "-c", "1"}),
            upwatch::kExitUsage);
  EXPECT_EQ(err_, "upwatch: error: UPWATCH_CLIENT 'wget' is not 'libcurl' or 'upwatch'\n");
  EXPECT_EQ(server.requests(), 0U);
}

TEST_F(OwnClient, NamesAPinnedNodeThatRefusesAsLibcurlDoes) {
  // lb.test has two nodes; nothing listens on the second.
  TestServer server{parse_script("ok")};
  upwatch::testing::DnsServer dns{upwatch::testing::DnsServer::Mode::answer};
  dns.set_addresses({"127.0.0.1", "127.0.0.2"});
  const auto url = "http://lb.test:" + std::to_string(server.port()) + "/health";
  const std::vector<std::string> args{"--each-address",
                                      "--dns-servers",
                                      "127.0.0.1:" + std::to_string(dns.port()),
                                      url,
                                      "0.1",
                                      "-c",
                                      "2"};
  ASSERT_EQ(run_with(false, "own.log", args), 1) << err_;
  ASSERT_EQ(run_with(true, "libcurl.log", args), 1) << err_;
  EXPECT_EQ(server.requests(), 4U);
  const auto own = records_of("own.log");
  const auto curl = records_of("libcurl.log");
  ASSERT_EQ(own.size(), 4U);
  ASSERT_EQ(curl.size(), 4U);
  for (std::size_t k = 0; k < own.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(own[k].address, curl[k].address);
    EXPECT_EQ(own[k].outcome, curl[k].outcome);
    EXPECT_EQ(own[k].remote, own[k].address + ":" + std::to_string(server.port()));
    if (own[k].address == "127.0.0.2") {
      EXPECT_EQ(format_as(own[k].outcome), "refused");
      const auto words = [](const std::string& line) {
        return line.substr(0, line.find(" after "));
      };
      EXPECT_EQ(words(own[k].lines.back()), words(curl[k].lines.back()));
      EXPECT_EQ(words(own[k].lines.back()),
                "curl: (7) Failed to connect to 127.0.0.2 port " + std::to_string(server.port()));
    }
  }
}
