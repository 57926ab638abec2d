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
