#include "upwatch/analysis/targets.hpp"

#include <gtest/gtest.h>

#include "records.hpp"

using namespace std::chrono_literals;
using upwatch::AddressSet;
using upwatch::Gap;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::RunResults;
using upwatch::TargetsAnalysis;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart = upwatch::testing::kSampleStart;
const std::string kUrl = "http://lb.test/";

/// Tick k of the URL, sent at start + k x 100 ms, at `address` ("" for the URL itself).
ProbeRecord probe(std::uint64_t k, Outcome outcome, std::string address) {
  return upwatch::testing::Probe{.k = k, .outcome = outcome, .address = std::move(address)}
      .record();
}

AddressSet set_at(std::uint64_t tick, std::vector<std::string> addresses) {
  return {.url = kUrl,
          .first_tick = tick,
          .time = kStart + 100ms * static_cast<int>(tick),
          .addresses = std::move(addresses)};
}

TargetsAnalysis each_address() {
  return TargetsAnalysis{upwatch::StatusExpectation{}, 100ms, {}, {kUrl}, true};
}

const upwatch::TargetResult& target(const RunResults& results, const std::string& address) {
  for (const auto& each : results.targets) {
    if (each.address == address) return each;
  }
  throw std::out_of_range("no target at " + address);
}

const Outcome kOk = Outcome::http(200);
const Outcome k502 = Outcome::http(502);

}  // namespace

TEST(GapOfSlot, EachSlotGetsTheTicksOfItsOwnThatTheGapTook) {
  // Ticks 4..10 of three slots: slot 0 has 6 and 9 (its #2, #3), slot 1 has 4, 7, 10 (#1-#3),
  // slot 2 has 5, 8 (#1, #2).
  const Gap gap{.first_tick = 4, .ticks = 7, .start = kStart, .end = kStart + 1s};
  const auto zero = upwatch::gap_of_slot(gap, 0, 3);
  const auto one = upwatch::gap_of_slot(gap, 1, 3);
  const auto two = upwatch::gap_of_slot(gap, 2, 3);
  ASSERT_TRUE(zero && one && two);
  EXPECT_EQ(std::pair(zero->first_tick, zero->ticks), std::pair(2UL, 2UL));
  EXPECT_EQ(std::pair(one->first_tick, one->ticks), std::pair(1UL, 3UL));
  EXPECT_EQ(std::pair(two->first_tick, two->ticks), std::pair(1UL, 2UL));
  EXPECT_EQ(one->start, gap.start);
  EXPECT_EQ(one->end, gap.end);
  // One tick not sent is one slot's; a step of the clock is everyone's.
  const Gap one_tick{.first_tick = 5, .ticks = 1};
  EXPECT_FALSE(upwatch::gap_of_slot(one_tick, 0, 3));
  EXPECT_EQ(upwatch::gap_of_slot(one_tick, 2, 3)->first_tick, 1U);
  const Gap clock{.first_tick = 5, .ticks = 0, .cause = upwatch::GapCause::clock};
  EXPECT_EQ(upwatch::gap_of_slot(clock, 0, 3)->first_tick, 2U);
  EXPECT_EQ(upwatch::gap_of_slot(clock, 2, 3)->first_tick, 1U);
  // A single slot keeps the gap as it is.
  EXPECT_EQ(*upwatch::gap_of_slot(gap, 0, 1), gap);
}

TEST(TargetsAnalysis, SeveralUrlsAreAnalysedApartAndTheWorstGivesTheVerdict) {
  TargetsAnalysis analysis{
      upwatch::StatusExpectation{}, 100ms, {}, {"http://a/", "http://b/"}, false};
  for (std::uint64_t k = 0; k < 10; ++k) {
    auto a = probe(k, k == 4 ? k502 : kOk, "");
    a.url = "http://a/";
    auto b = probe(k, kOk, "");
    b.url = "http://b/";
    analysis.add(b);
    analysis.add(a);
  }
  auto stray = probe(3, k502, "");
  stray.url = "http://not-in-the-run/";
  analysis.add(stray);
  // A step of the wall clock is every URL's.
  analysis.add_gap({.first_tick = 20,
                    .ticks = 0,
                    .start = kStart + 2s,
                    .end = kStart + 3s,
                    .cause = upwatch::GapCause::clock});
  const auto results = std::move(analysis).finish();
  ASSERT_EQ(results.targets.size(), 2U);
  EXPECT_FALSE(results.single());
  EXPECT_EQ(results.targets[0].analysis.windows.size(), 1U);
  EXPECT_EQ(results.targets[0].analysis.probes(), 10U);
  EXPECT_EQ(results.targets[1].analysis.windows.size(), 0U);
  EXPECT_EQ(results.targets[0].analysis.clock_steps.size(), 1U);
  EXPECT_EQ(results.targets[1].analysis.clock_steps.size(), 1U);
  EXPECT_EQ(results.verdict(), upwatch::RunVerdict::down);
}

TEST(TargetsAnalysis, AUrlsTickFailsAsUsersSawItIfAnyAddressFailed) {
  auto analysis = each_address();
  analysis.add_addresses(set_at(0, {"10.0.0.2", "10.0.0.1"}));
  // Finishing out of order: the tick is whole once both addresses are in.
  for (std::uint64_t k = 0; k < 10; ++k) {
    auto at_second = probe(k, k >= 3 && k < 6 ? k502 : kOk, "10.0.0.2");
    if (k == 8) at_second.total = 5ms;  // a user sent there waited that long
    analysis.add(at_second);
  }
  for (std::uint64_t k = 0; k < 10; ++k) analysis.add(probe(k, kOk, "10.0.0.1"));
  const auto results = std::move(analysis).finish();
  ASSERT_EQ(results.targets.size(), 3U);
  const auto& users = target(results, "");
  EXPECT_EQ(users.analysis.probes(), 10U);
  ASSERT_EQ(users.analysis.windows.size(), 1U);
  const auto& window = users.analysis.windows[0];
  EXPECT_EQ(window.first_sequence, 3U);
  EXPECT_EQ(window.last_sequence, 5U);
  EXPECT_EQ(window.most_failed, 1U);
  EXPECT_EQ(window.addresses, 2U);
  EXPECT_EQ(users.sets.size(), 1U);
  EXPECT_EQ(users.analysis.latency.max(), 5ms);
  EXPECT_EQ(target(results, "10.0.0.1").analysis.windows.size(), 0U);
  EXPECT_EQ(target(results, "10.0.0.2").analysis.windows.size(), 1U);
  EXPECT_EQ(target(results, "10.0.0.2").analysis.windows[0].end, kStart + 600ms);
}

TEST(TargetsAnalysis, AnAddressThatLeftTheNameIsAbsentNotDown) {
  auto analysis = each_address();
  analysis.add_addresses(set_at(0, {"10.0.0.1", "10.0.0.2"}));
  analysis.add_addresses(set_at(4, {"10.0.0.1"}));
  analysis.add_addresses(set_at(8, {"10.0.0.1", "10.0.0.3"}));
  for (std::uint64_t k = 0; k < 12; ++k) {
    if (k == 6) {
      analysis.add(probe(k, Outcome::failure(Transport::dns), ""));  // the name did not resolve
      continue;
    }
    analysis.add(probe(k, kOk, "10.0.0.1"));
    if (k < 4) analysis.add(probe(k, k == 3 ? k502 : kOk, "10.0.0.2"));
    if (k >= 8) analysis.add(probe(k, kOk, "10.0.0.3"));
  }
  const auto results = std::move(analysis).finish();
  const auto& users = target(results, "");
  EXPECT_EQ(users.analysis.probes(), 12U);
  ASSERT_EQ(users.analysis.windows.size(), 2U);
  EXPECT_EQ(users.analysis.windows[1].outcomes.begin()->first, Outcome::failure(Transport::dns));
  EXPECT_EQ(users.analysis.windows[1].addresses, 0U);  // no address was probed then
  // The second address failed at #3 and then left the name: its window ends there, and the
  // ticks it was not probed at are neither up, down, nor a gap.
  const auto& gone = target(results, "10.0.0.2").analysis;
  EXPECT_EQ(gone.probes(), 4U);
  ASSERT_EQ(gone.windows.size(), 1U);
  EXPECT_EQ(gone.windows[0].end, kStart + 400ms);
  EXPECT_TRUE(gone.gaps.empty());
  const auto& came = target(results, "10.0.0.3").analysis;
  EXPECT_EQ(came.probes(), 4U);
  EXPECT_EQ(came.verdict(), upwatch::RunVerdict::up);
  EXPECT_EQ(target(results, "10.0.0.1").analysis.probes(), 11U);
  EXPECT_EQ(results.verdict(), upwatch::RunVerdict::down);
}

TEST(TargetsAnalysis, AGapReachesTheUrlAndEachAddressInTickOrder) {
  auto analysis = each_address();
  analysis.add_addresses(set_at(0, {"10.0.0.1", "10.0.0.2"}));
  for (std::uint64_t k = 0; k < 3; ++k) {
    analysis.add(probe(k, kOk, "10.0.0.1"));
    analysis.add(probe(k, kOk, "10.0.0.2"));
  }
  // The gap (#3-#5) comes before the probes after it, which came in first.
  for (std::uint64_t k = 6; k < 8; ++k) {
    analysis.add(probe(k, kOk, "10.0.0.2"));
    analysis.add(probe(k, kOk, "10.0.0.1"));
  }
  analysis.add_gap({.first_tick = 3, .ticks = 3, .start = kStart + 300ms, .end = kStart + 600ms});
  const auto interim = analysis.so_far();
  EXPECT_EQ(target(interim, "").analysis.probes(), 5U);
  const auto results = std::move(analysis).finish();
  for (const auto& each : results.targets) {
    EXPECT_EQ(each.analysis.probes(), 5U) << each.address;
    ASSERT_EQ(each.analysis.gaps.size(), 1U) << each.address;
    EXPECT_EQ(each.analysis.gaps[0].ticks, 3U);
    EXPECT_EQ(each.analysis.verdict(), upwatch::RunVerdict::inconclusive);
  }
}
