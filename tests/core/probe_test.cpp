#include "upwatch/core/probe.hpp"

#include <gtest/gtest.h>

using upwatch::Outcome;
using upwatch::StatusExpectation;
using upwatch::Transport;
using upwatch::Verdict;

TEST(Outcome, FormatsAndParses) {
  EXPECT_EQ(format_as(Outcome::http(200)), "200");
  EXPECT_EQ(format_as(Outcome::failure(Transport::refused)), "refused");
  for (const char* text :
       {"200", "502", "refused", "reset", "timeout", "dns", "tls", "empty", "malformed", "connect",
        "unreachable", "error", "skipped", "abandoned", "exhausted"}) {
    const auto outcome = upwatch::parse_outcome(text);
    ASSERT_TRUE(outcome) << text;
    EXPECT_EQ(format_as(*outcome), text);
  }
  for (const char* bad : {"", "20", "2000", "answered", "Refused", "-20"}) {
    EXPECT_EQ(upwatch::parse_outcome(bad), std::nullopt) << bad;
  }
}

TEST(Outcome, OrdersStatusesBeforeFailures) {
  EXPECT_LT(Outcome::http(200), Outcome::http(502));
  EXPECT_LT(Outcome::http(599), Outcome::failure(Transport::refused));
}

TEST(StatusExpectation, DefaultCountsOnly5xxAsDown) {
  const StatusExpectation expectation;
  EXPECT_EQ(expectation.spec(), "100-499");
  EXPECT_EQ(expectation.judge(Outcome::http(200)), Verdict::up);
  EXPECT_EQ(expectation.judge(Outcome::http(404)), Verdict::up);
  EXPECT_EQ(expectation.judge(Outcome::http(499)), Verdict::up);
  EXPECT_EQ(expectation.judge(Outcome::http(500)), Verdict::down);
  EXPECT_EQ(expectation.judge(Outcome::http(503)), Verdict::down);
  EXPECT_EQ(expectation.judge(Outcome::http(999)), Verdict::down);
  EXPECT_EQ(expectation.judge(Outcome::failure(Transport::reset)), Verdict::down);
  EXPECT_EQ(expectation.judge(Outcome::failure(Transport::skipped)), Verdict::unobserved);
  EXPECT_EQ(expectation.judge(Outcome::failure(Transport::abandoned)), Verdict::abandoned);
}

TEST(StatusExpectation, ParsesClassesStatusesAndRanges) {
  const auto classes = StatusExpectation::parse("2xx,3xx");
  ASSERT_TRUE(classes);
  EXPECT_EQ(classes->spec(), "2xx,3xx");
  EXPECT_EQ(classes->judge(Outcome::http(204)), Verdict::up);
  EXPECT_EQ(classes->judge(Outcome::http(302)), Verdict::up);
  EXPECT_EQ(classes->judge(Outcome::http(404)), Verdict::down);
  const auto exact = StatusExpectation::parse("200");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->judge(Outcome::http(200)), Verdict::up);
  EXPECT_EQ(exact->judge(Outcome::http(201)), Verdict::down);
  const auto range = StatusExpectation::parse("200-204,418");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->judge(Outcome::http(204)), Verdict::up);
  EXPECT_EQ(range->judge(Outcome::http(205)), Verdict::down);
  EXPECT_EQ(range->judge(Outcome::http(418)), Verdict::up);
}

TEST(StatusExpectation, RejectsBadSpecs) {
  for (const char* bad : {"", ",", "2xx,", "6xx", "0xx", "abc", "99", "600", "300-200", "2xx;3xx",
                          "200-", "-200", "2Xx"}) {
    EXPECT_FALSE(StatusExpectation::parse(bad)) << bad;
  }
}

TEST(DescribeFailure, SaysWhyInWordsAPersonActsOn) {
  using upwatch::describe_failure;
  using upwatch::Outcome;
  using upwatch::ProbeRecord;
  using upwatch::Transport;
  const auto failed = [](Outcome outcome, std::string remote, std::vector<std::string> lines) {
    return describe_failure(
        ProbeRecord{.outcome = outcome, .remote = std::move(remote), .lines = std::move(lines)});
  };
  EXPECT_EQ(failed(Outcome::failure(Transport::refused), "10.0.1.17:443",
                   {"curl: (7) Failed to connect to 10.0.1.17 port 443 after 0 ms: Couldn't "
                    "connect to server"}),
            "connection refused by 10.0.1.17:443");
  EXPECT_EQ(failed(Outcome::failure(Transport::reset), "[::1]:8443",
                   {"curl: (56) Recv failure: Connection reset by peer"}),
            "connection reset by [::1]:8443");
  EXPECT_EQ(failed(Outcome::failure(Transport::tls), "10.0.1.17:443",
                   {"curl: (60) SSL certificate problem: self-signed certificate"}),
            "certificate verify failed: self-signed certificate (10.0.1.17:443)");
  EXPECT_EQ(failed(Outcome::http(502), "127.0.0.1:8080", {"HTTP/1.1 502 Bad Gateway", "Server: x"}),
            "502 Bad Gateway from 127.0.0.1:8080");
  EXPECT_EQ(failed(Outcome::http(503), "127.0.0.1:8443", {"HTTP/2 503 ", "server: x"}),
            "503 from 127.0.0.1:8443");
  EXPECT_EQ(failed(Outcome::failure(Transport::empty), "127.0.0.1:8080",
                   {"curl: (52) Empty reply from server"}),
            "127.0.0.1:8080 closed the connection without answering");
  EXPECT_EQ(
      failed(Outcome::failure(Transport::timeout), "127.0.0.1:8080",
             {"curl: (28) Operation timed out after 2001 milliseconds with 0 bytes received"}),
      "Operation timed out after 2001 milliseconds with 0 bytes received (127.0.0.1:8080)");
  EXPECT_EQ(
      failed(Outcome::failure(Transport::dns), "-", {"curl: (6) Could not resolve host: lb.test"}),
      "Could not resolve host: lb.test");
  EXPECT_EQ(failed(Outcome::failure(Transport::exhausted), "-",
                   {"curl: (7) Couldn't connect to server",
                    "upwatch: not sent: out of file descriptors (Too many open files); not the "
                    "service's failure"}),
            "not sent: out of file descriptors (Too many open files); not the service's failure");
  // Without words from libcurl (a log of the bash loop), the class; never more than a line.
  EXPECT_EQ(failed(Outcome::failure(Transport::malformed), "-", {}), "malformed");
  const auto longest =
      failed(Outcome::failure(Transport::error), "-", {"curl: (99) " + std::string(300, 'x')});
  EXPECT_EQ(longest.size(), upwatch::kCauseLength);
  EXPECT_TRUE(longest.ends_with("xx...")) << longest;
}

TEST(TargetName, NamesAnAddressOrAKindOfConnection) {
  EXPECT_EQ(upwatch::target_name("http://h/", ""), "http://h/");
  EXPECT_EQ(upwatch::target_name("http://h/", "10.0.1.17"), "http://h/ at 10.0.1.17");
  EXPECT_EQ(upwatch::target_name("http://h/", upwatch::kKeptConnection),
            "http://h/ on kept-alive connections");
  EXPECT_EQ(upwatch::target_name("http://h/", upwatch::kFreshConnection),
            "http://h/ on fresh connections");
}
