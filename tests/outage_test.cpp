#include "upwatch/outage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

using namespace std::chrono_literals;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::RunAnalysis;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};

/// Probe k sent at start + k x 100 ms with the given outcome, 1 ms + k us long.
ProbeRecord probe(std::uint64_t k, Outcome outcome) {
  return {.sequence = k,
          .sent = kStart + 100ms * static_cast<int>(k),
          .outcome = outcome,
          .total = std::chrono::microseconds{1000 + static_cast<int>(k)}};
}

const Outcome kOk = Outcome::http(200);
const Outcome k502 = Outcome::http(502);
const Outcome kRefused = Outcome::failure(Transport::refused);
const Outcome kAbandoned = Outcome::failure(Transport::abandoned);

/// Analyses a run whose probe k had outcomes[k], fed in the given order.
RunAnalysis analyse(const std::vector<Outcome>& outcomes, std::vector<std::size_t> order = {}) {
  if (order.empty()) {
    for (std::size_t k = 0; k < outcomes.size(); ++k) order.push_back(k);
  }
  OutageAnalysis analysis{upwatch::StatusExpectation{}};
  for (const auto k : order) analysis.add(probe(k, outcomes[k]));
  return std::move(analysis).finish();
}

}  // namespace

TEST(OutageAnalysis, NoFailuresNoWindows) {
  const auto result = analyse({kOk, kOk, kOk});
  EXPECT_EQ(result.up, 3U);
  EXPECT_EQ(result.down, 0U);
  EXPECT_TRUE(result.windows.empty());
  EXPECT_DOUBLE_EQ(result.availability(), 100.0);
  EXPECT_EQ(result.latency.count(), 3U);
  EXPECT_EQ(result.latency.min(), 1000us);
  EXPECT_EQ(result.latency.max(), 1002us);
}

TEST(OutageAnalysis, FirstProbeFails) {
  const auto result = analyse({kRefused, kRefused, kOk, kOk});
  ASSERT_EQ(result.windows.size(), 1U);
  const auto& window = result.windows[0];
  EXPECT_EQ(window.first_sequence, 0U);
  EXPECT_EQ(window.last_sequence, 1U);
  EXPECT_EQ(window.start, kStart);
  EXPECT_EQ(window.end, kStart + 200ms);
  EXPECT_EQ(window.duration(kStart + 10s), 200ms);
  EXPECT_EQ(window.failed, 2U);
  EXPECT_EQ(window.outcomes, (upwatch::OutcomeCounts{{kRefused, 2}}));
}

TEST(OutageAnalysis, StillDownAtTheEnd) {
  const auto result = analyse({kOk, kOk, k502, kRefused});
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].end, std::nullopt);
  EXPECT_EQ(result.windows[0].duration(kStart + 450ms), 250ms);
  EXPECT_EQ(result.downtime(kStart + 450ms), 250ms);
  EXPECT_EQ(result.windows[0].outcomes, (upwatch::OutcomeCounts{{k502, 1}, {kRefused, 1}}));
}

TEST(OutageAnalysis, OneLoneFailure) {
  const auto result = analyse({kOk, kOk, k502, kOk, kOk});
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].first_sequence, 2U);
  EXPECT_EQ(result.windows[0].last_sequence, 2U);
  EXPECT_EQ(result.windows[0].duration(kStart), 100ms);
  EXPECT_EQ(result.up, 4U);
  EXPECT_EQ(result.down, 1U);
  EXPECT_DOUBLE_EQ(result.availability(), 80.0);
}

TEST(OutageAnalysis, AlternatingUpAndDown) {
  const auto result = analyse({kOk, k502, kOk, k502, kOk, k502});
  ASSERT_EQ(result.windows.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(result.windows[i].first_sequence, 2 * i + 1);
    EXPECT_EQ(result.windows[i].failed, 1U);
  }
  EXPECT_EQ(result.windows[2].end, std::nullopt);
  EXPECT_EQ(result.downtime(kStart + 600ms), 100ms + 100ms + 100ms);
  EXPECT_EQ(result.outcomes, (upwatch::OutcomeCounts{{kOk, 3}, {k502, 3}}));
}

TEST(OutageAnalysis, AbandonedProbesAreNeitherUpNorDown) {
  // An abandoned probe inside a window neither ends it nor counts as failed.
  const auto result = analyse({kOk, k502, kAbandoned, k502, kOk, kAbandoned});
  EXPECT_EQ(result.up, 2U);
  EXPECT_EQ(result.down, 2U);
  EXPECT_EQ(result.abandoned, 2U);
  EXPECT_EQ(result.probes(), 6U);
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].failed, 2U);
  EXPECT_EQ(result.windows[0].end, kStart + 400ms);
  EXPECT_DOUBLE_EQ(result.availability(), 50.0);
  EXPECT_EQ(result.latency.count(), 2U);
}

TEST(OutageAnalysis, OnlyAbandonedMeansNoDowntime) {
  const auto result = analyse({kAbandoned, kAbandoned});
  EXPECT_TRUE(result.windows.empty());
  EXPECT_DOUBLE_EQ(result.availability(), 100.0);
}

TEST(OutageAnalysis, OrderOfArrivalDoesNotMatter) {
  std::vector<Outcome> outcomes;
  for (int k = 0; k < 200; ++k) outcomes.push_back((k / 7) % 3 == 1 ? k502 : kOk);
  const auto in_order = analyse(outcomes);
  std::vector<std::size_t> order(outcomes.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::mt19937 random{7};
  std::shuffle(order.begin(), order.end(), random);
  const auto shuffled = analyse(outcomes, order);
  EXPECT_EQ(shuffled.windows, in_order.windows);
  EXPECT_EQ(shuffled.outcomes, in_order.outcomes);
  EXPECT_EQ(shuffled.up, in_order.up);
  EXPECT_GT(in_order.windows.size(), 5U);
}

TEST(OutageAnalysis, GapsOfALogCutShortAreSkipped) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}};
  analysis.add(probe(0, kOk));
  analysis.add(probe(2, k502));  // probe 1 never finished before the process died
  analysis.add(probe(3, kOk));
  const auto result = std::move(analysis).finish();
  EXPECT_EQ(result.probes(), 3U);
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].first_sequence, 2U);
  EXPECT_EQ(result.windows[0].end, kStart + 300ms);
}

TEST(OutageAnalysis, ExpectationDecidesWhatIsDown) {
  OutageAnalysis analysis{*upwatch::StatusExpectation::parse("2xx")};
  analysis.add(probe(0, kOk));
  analysis.add(probe(1, Outcome::http(404)));
  analysis.add(probe(2, Outcome::http(301)));
  analysis.add(probe(3, kOk));
  const auto result = std::move(analysis).finish();
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].failed, 2U);
}
