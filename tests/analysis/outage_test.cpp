#include "upwatch/analysis/outage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "records.hpp"

using namespace std::chrono_literals;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::RunAnalysis;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart = upwatch::testing::kSampleStart;

/// Probe k sent at start + k x 100 ms with the given outcome, 1 ms + k us long.
ProbeRecord probe(std::uint64_t k, Outcome outcome) {
  return upwatch::testing::Probe{
      .k = k, .outcome = outcome, .total = std::chrono::microseconds{1000 + k}}
      .record();
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
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  for (const auto k : order) analysis.add(probe(k, outcomes[k]));
  return std::move(analysis).finish();
}

}  // namespace

TEST(OutageAnalysis, NoFailuresNoWindows) {
  const auto result = analyse({kOk, kOk, kOk});
  EXPECT_EQ(result.up, 3U);
  EXPECT_EQ(result.down, 0U);
  EXPECT_TRUE(result.windows.empty());
  EXPECT_DOUBLE_EQ(*result.availability(), 100.0);
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
  EXPECT_DOUBLE_EQ(*result.availability(), 80.0);
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
  EXPECT_DOUBLE_EQ(*result.availability(), 50.0);
  EXPECT_EQ(result.latency.count(), 2U);
}

TEST(OutageAnalysis, OnlyAbandonedIsNotSuccess) {
  const auto result = analyse({kAbandoned, kAbandoned});
  EXPECT_TRUE(result.windows.empty());
  EXPECT_EQ(result.availability(), std::nullopt);
  EXPECT_EQ(result.verdict(), upwatch::RunVerdict::inconclusive);
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

TEST(OutageAnalysis, ExpectationDecidesWhatIsDown) {
  OutageAnalysis analysis{*upwatch::StatusExpectation::parse("2xx"), 100ms};
  analysis.add(probe(0, kOk));
  analysis.add(probe(1, Outcome::http(404)));
  analysis.add(probe(2, Outcome::http(301)));
  analysis.add(probe(3, kOk));
  const auto result = std::move(analysis).finish();
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].failed, 2U);
}

namespace {

using upwatch::Gap;
using upwatch::GapCause;
using upwatch::RunVerdict;

const Outcome k404 = Outcome::http(404);
const Outcome kSkipped = Outcome::failure(Transport::skipped);

/// Ticks first .. first + ticks - 1 not sent, on the 100 ms grid of probe().
Gap gap(std::uint64_t first, std::uint64_t ticks, GapCause cause = GapCause::stalled) {
  return {.first_tick = first,
          .ticks = ticks,
          .start = kStart + 100ms * static_cast<int>(first),
          .end = kStart + 100ms * static_cast<int>(first + ticks),
          .cause = cause};
}

ProbeRecord abandoned(std::uint64_t k, std::chrono::microseconds waited) {
  auto record = probe(k, kAbandoned);
  record.total = waited;
  return record;
}

ProbeRecord control(std::uint64_t k, Outcome outcome) {
  auto record = probe(k, outcome);
  record.role = upwatch::Role::control;
  return record;
}

/// Feeds probes `outcomes` from tick `first` on.
void add_probes(OutageAnalysis& analysis, std::uint64_t first,
                const std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < outcomes.size(); ++i) analysis.add(probe(first + i, outcomes[i]));
}

}  // namespace

TEST(OutageAnalysis, AGapIsNotObservedAndNeverDown) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  add_probes(analysis, 0, {kOk, kOk});
  analysis.add(probe(22, kOk));  // answered before the gap was handed over
  analysis.add_gap(gap(2, 20));
  add_probes(analysis, 23, {kOk});
  const auto result = std::move(analysis).finish();
  EXPECT_EQ(result.up, 4U);
  EXPECT_EQ(result.down, 0U);
  EXPECT_TRUE(result.windows.empty());
  ASSERT_EQ(result.gaps.size(), 1U);
  EXPECT_EQ(result.gaps[0], gap(2, 20));
  EXPECT_EQ(result.unobserved(), 2s);
  EXPECT_EQ(result.ticks_not_sent(), 20U);
  EXPECT_DOUBLE_EQ(*result.availability(), 100.0);
  EXPECT_EQ(result.verdict(), RunVerdict::inconclusive);
}

TEST(OutageAnalysis, AWindowThatTouchesAGapSaysSo) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  add_probes(analysis, 0, {kOk, k502});
  analysis.add_gap(gap(2, 4));
  add_probes(analysis, 6, {k502, kOk});
  const auto result = std::move(analysis).finish();
  ASSERT_EQ(result.windows.size(), 2U);
  // Down before and after the gap: what happened inside it was not seen.
  EXPECT_EQ(result.windows[0].first_sequence, 1U);
  EXPECT_EQ(result.windows[0].end, kStart + 200ms);  // when the gap began
  EXPECT_TRUE(result.windows[0].ended_in_gap);
  EXPECT_FALSE(result.windows[0].began_in_gap);
  EXPECT_EQ(result.windows[1].first_sequence, 6U);
  EXPECT_TRUE(result.windows[1].began_in_gap);
  EXPECT_FALSE(result.windows[1].ended_in_gap);
  EXPECT_EQ(result.downtime(kStart + 1s), 200ms);
  EXPECT_EQ(result.verdict(), RunVerdict::down);
}

TEST(OutageAnalysis, AdjacentGapsOfOneCauseAreOne) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  add_probes(analysis, 0, {kOk});
  analysis.add_gap(gap(1, 2, GapCause::overload));
  analysis.add_gap(gap(3, 3, GapCause::overload));
  analysis.add_gap(gap(6, 1, GapCause::stalled));
  add_probes(analysis, 7, {kOk});
  const auto result = std::move(analysis).finish();
  ASSERT_EQ(result.gaps.size(), 2U);
  EXPECT_EQ(result.gaps[0], gap(1, 5, GapCause::overload));
  EXPECT_EQ(result.gaps[1], gap(6, 1, GapCause::stalled));
}

TEST(OutageAnalysis, SkippedTicksOfOldLogsAreAGapNotDowntime) {
  const auto result = analyse({kOk, kSkipped, kSkipped, kSkipped, kOk});
  EXPECT_EQ(result.down, 0U);
  EXPECT_TRUE(result.windows.empty());
  ASSERT_EQ(result.gaps.size(), 1U);
  EXPECT_EQ(result.gaps[0], gap(1, 3, GapCause::overload));
  EXPECT_EQ(result.probes(), 2U);
  EXPECT_EQ(result.verdict(), RunVerdict::inconclusive);
}

TEST(OutageAnalysis, UnansweredProbesWithinTheSlowestAnswerOrAnIntervalAreBenign) {
  OutageAnalysis benign{upwatch::StatusExpectation{}, 100ms};
  add_probes(benign, 0, {kOk, kOk});
  benign.add(abandoned(2, 99ms));
  const auto up = std::move(benign).finish();
  EXPECT_EQ(up.unanswered_limit, 100ms);  // one interval: longer than the slowest answer
  EXPECT_EQ(up.overdue(), 0U);
  EXPECT_EQ(up.verdict(), RunVerdict::up);
  ASSERT_EQ(up.unanswered.size(), 1U);
  EXPECT_EQ(up.unanswered[0], (upwatch::Unanswered{2, kStart + 200ms, 99ms}));

  OutageAnalysis overdue{upwatch::StatusExpectation{}, 100ms};
  add_probes(overdue, 0, {kOk, kOk});
  overdue.add(abandoned(2, 101ms));
  overdue.add(abandoned(3, 5ms));
  const auto inconclusive = std::move(overdue).finish();
  EXPECT_EQ(inconclusive.overdue(), 1U);
  EXPECT_EQ(inconclusive.verdict(), RunVerdict::inconclusive);
}

TEST(OutageAnalysis, TheSlowestAnswerRaisesTheLimitForUnansweredProbes) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  auto slow = probe(0, k502);  // answered, though down: an answer all the same
  slow.total = 700ms;
  analysis.add(slow);
  add_probes(analysis, 1, {kOk});
  analysis.add(abandoned(2, 600ms));
  const auto result = std::move(analysis).finish();
  EXPECT_EQ(result.unanswered_limit, 700ms);
  EXPECT_EQ(result.overdue(), 0U);
  EXPECT_EQ(result.verdict(), RunVerdict::down);  // the 502
}

TEST(OutageAnalysis, AWindowWhenTheControlFailedTooIsTheProbersNetwork) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  add_probes(analysis, 0, {kOk, kRefused, kRefused, kOk});
  // The control's failures arrive out of order, and a control answer (even a 503) is no failure.
  for (const auto k : {2, 1}) analysis.add(control(k, kRefused));
  analysis.add(control(0, Outcome::http(503)));
  const auto result = std::move(analysis).finish();
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_TRUE(result.windows[0].prober_network);
  EXPECT_TRUE(result.control);
  EXPECT_EQ(result.downtime(kStart + 1s), 0ms);
  EXPECT_DOUBLE_EQ(*result.availability(), 100.0);  // its failures were not the service's
  EXPECT_EQ(result.verdict(), RunVerdict::inconclusive);
}

TEST(OutageAnalysis, AWindowIsTheServicesWhenTheControlWasFineOnceOrTheTargetAnswered) {
  OutageAnalysis partly{upwatch::StatusExpectation{}, 100ms};
  add_probes(partly, 0, {kOk, kRefused, kRefused, kRefused, kOk});
  for (const auto k : {1, 3}) partly.add(control(k, kRefused));  // fine at tick 2
  const auto seen = std::move(partly).finish();
  ASSERT_EQ(seen.windows.size(), 1U);
  EXPECT_FALSE(seen.windows[0].prober_network);
  EXPECT_EQ(seen.verdict(), RunVerdict::down);

  OutageAnalysis answered{upwatch::StatusExpectation{}, 100ms};
  add_probes(answered, 0, {kOk, k502, kOk});
  answered.add(control(1, kRefused));  // a 502 came through the network all the same
  const auto bad_gateway = std::move(answered).finish();
  ASSERT_EQ(bad_gateway.windows.size(), 1U);
  EXPECT_FALSE(bad_gateway.windows[0].prober_network);
  EXPECT_EQ(bad_gateway.verdict(), RunVerdict::down);
}

TEST(OutageAnalysis, AnswersCountedUpThatAreNot2xxAreCounted) {
  const auto result = analyse({k404, k404, kOk});
  EXPECT_EQ(result.up, 3U);
  EXPECT_EQ(result.up_not_2xx, (upwatch::OutcomeCounts{{k404, 2}}));
  EXPECT_EQ(result.verdict(), RunVerdict::up);
}

TEST(OutageAnalysis, AClockStepIsNotedNeverTimeUnobserved) {
  const auto step = [](std::chrono::milliseconds by) {
    OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
    add_probes(analysis, 0, {kOk, kOk});
    analysis.add_gap({.first_tick = 2,
                      .start = kStart + 250ms,
                      .end = kStart + 250ms + by,
                      .cause = GapCause::clock});
    add_probes(analysis, 2, {kOk});
    return std::move(analysis).finish();
  };
  // The schedule keeps to the boot clock: no tick was missed, whichever way the wall clock
  // went.
  for (const auto by : std::vector<std::chrono::milliseconds>{1h, -1h, 2s}) {
    const auto result = step(by);
    SCOPED_TRACE(by.count());
    EXPECT_TRUE(result.gaps.empty());
    ASSERT_EQ(result.clock_steps.size(), 1U);
    EXPECT_EQ(result.clock_steps[0].end - result.clock_steps[0].start, by);
    EXPECT_EQ(result.unobserved(), 0ms);
    EXPECT_EQ(result.up, 3U);
    EXPECT_EQ(result.verdict(), RunVerdict::up);
  }
}

TEST(OutageAnalysis, HolesInALogAreMissingNeverUp) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  analysis.add(probe(0, kOk));
  analysis.add(probe(2, k502));  // probe 1 never reached the log
  analysis.add(probe(3, kOk));
  analysis.add(probe(7, kOk));  // nor did 4 to 6
  const auto result = std::move(analysis).finish();
  EXPECT_EQ(result.probes(), 4U);
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].first_sequence, 2U);
  EXPECT_TRUE(result.windows[0].began_in_gap);
  EXPECT_EQ(result.windows[0].end, kStart + 300ms);
  ASSERT_EQ(result.gaps.size(), 2U);
  EXPECT_EQ(result.gaps[0], gap(1, 1, upwatch::GapCause::missing));
  EXPECT_EQ(result.gaps[1], gap(4, 3, upwatch::GapCause::missing));
  EXPECT_EQ(result.verdict(), upwatch::RunVerdict::down);
}

TEST(OutageAnalysis, AFlappingServiceIsCountedInBoundedMemory) {
  // 1,500 windows of one failed probe each, and 1,500 gaps of one tick.
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  std::uint64_t k = 0;
  for (int i = 0; i < 1500; ++i) {
    analysis.add(probe(k++, kOk));
    analysis.add(probe(k++, k502));
    analysis.add_gap(gap(k++, 1));
  }
  analysis.add(probe(k++, kOk));
  const auto result = std::move(analysis).finish();
  EXPECT_EQ(result.windows.size(), upwatch::kMaxListed);
  EXPECT_EQ(result.unlisted_windows, (upwatch::Unlisted{500, 500, 500 * 100ms}));
  EXPECT_EQ(result.gaps.size(), upwatch::kMaxListed);
  EXPECT_EQ(result.unlisted_gaps, (upwatch::Unlisted{500, 500, 500 * 100ms}));
  EXPECT_EQ(result.downtime(kStart), 1500 * 100ms);
  EXPECT_EQ(result.unobserved(), 1500 * 100ms);
  EXPECT_EQ(result.ticks_not_sent(), 1500U);
  EXPECT_EQ(result.down, 1500U);
  EXPECT_EQ(result.verdict(), upwatch::RunVerdict::down);
}

TEST(OutageAnalysis, AnAnswerSlowerThanTheLimitIsAFailureOfItsOwnClass) {
  const auto expectation = upwatch::StatusExpectation{}.slower_than(2ms);
  EXPECT_EQ(expectation.classify(kOk, 2ms), kOk);
  EXPECT_EQ(expectation.classify(kOk, 2001us), Outcome::failure(Transport::slow));
  EXPECT_EQ(expectation.classify(k404, 5ms), Outcome::failure(Transport::slow));
  // What failed already stays what it was, however long it took.
  EXPECT_EQ(expectation.classify(k502, 5ms), k502);
  EXPECT_EQ(expectation.classify(kRefused, 5ms), kRefused);
  EXPECT_EQ(upwatch::StatusExpectation{}.classify(kOk, 1h), kOk);  // no limit
  OutageAnalysis analysis{expectation, 100ms};
  for (std::uint64_t k = 0; k < 6; ++k) {
    auto record = probe(k, kOk);
    if (k == 2 || k == 3) record.total = 4ms;
    analysis.add(record);
  }
  const auto result = std::move(analysis).finish();
  ASSERT_EQ(result.windows.size(), 1U);
  EXPECT_EQ(result.windows[0].first_sequence, 2U);
  EXPECT_EQ(result.windows[0].failed, 2U);
  EXPECT_EQ(result.outcomes.at(Outcome::failure(Transport::slow)), 2U);
  EXPECT_EQ(result.outcomes.at(kOk), 4U);
  EXPECT_EQ(format_as(Outcome::failure(Transport::slow)), "slow");
}

TEST(OutageAnalysis, ABudgetLetsDowntimeWithinItPassButNeverWhatWasNotObserved) {
  using upwatch::DowntimeBudget;
  // One window of probes #2-#4: 300 ms, from 200 ms to 500 ms.
  const auto down = analyse({kOk, kOk, k502, k502, k502, kOk});
  const auto end = kStart + 600ms;
  ASSERT_EQ(down.verdict(), RunVerdict::down);
  EXPECT_EQ(down.gated({}, end), RunVerdict::down);
  EXPECT_FALSE(down.within({}, end));
  EXPECT_EQ(down.gated({.total = 300ms}, end), RunVerdict::up);
  EXPECT_EQ(down.gated({.total = 299ms}, end), RunVerdict::down);
  EXPECT_EQ(down.gated({.window = 300ms}, end), RunVerdict::up);
  EXPECT_EQ(down.gated({.total = 1s, .window = 100ms}, end), RunVerdict::down);
  // Still down at the end: no budget lets it pass.
  const auto still = analyse({kOk, kOk, k502});
  EXPECT_EQ(still.gated({.total = 1h}, kStart + 300ms), RunVerdict::down);
  // Within the budget, but a gap besides: inconclusive stays inconclusive.
  OutageAnalysis gapped{upwatch::StatusExpectation{}, 100ms};
  add_probes(gapped, 0, {kOk, k502, kOk});
  gapped.add_gap(gap(3, 5));
  add_probes(gapped, 8, {kOk});
  const auto result = std::move(gapped).finish();
  ASSERT_EQ(result.verdict(), RunVerdict::down);
  EXPECT_EQ(result.gated({.total = 1s}, kStart + 900ms), RunVerdict::inconclusive);
}
