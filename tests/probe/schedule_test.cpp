#include "upwatch/probe/schedule.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "upwatch/core/duration.hpp"

using namespace std::chrono_literals;
using upwatch::Schedule;

namespace {
const Schedule::Clock::time_point kStart{12345s};
}

TEST(Schedule, NoDriftOverAMillionTicks) {
  for (const char* interval_text : {"0.1", "0.05", "0.001", "0.3", "1", "0.007"}) {
    const auto interval = *upwatch::parse_duration(interval_text);
    const Schedule schedule{kStart, interval};
    for (std::uint64_t k = 0; k <= 1'000'000; k += 997) {
      ASSERT_EQ(schedule.tick(k) - kStart, interval * static_cast<std::int64_t>(k))
          << interval_text;
    }
    EXPECT_EQ(schedule.tick(1'000'000) - kStart, interval * 1'000'000) << interval_text;
  }
  // 0.1 s read as exact nanoseconds: a million ticks are exactly 100,000 s.
  EXPECT_EQ(Schedule(kStart, *upwatch::parse_duration("0.1")).tick(1'000'000), kStart + 100'000s);
}

TEST(Schedule, DueByCountsTicksAtOrBeforeNow) {
  const Schedule schedule{kStart, 100ms};
  EXPECT_EQ(schedule.due_by(kStart - 1ns), 0U);
  EXPECT_EQ(schedule.due_by(kStart), 1U);
  EXPECT_EQ(schedule.due_by(kStart + 99ms), 1U);
  EXPECT_EQ(schedule.due_by(kStart + 100ms), 2U);
  EXPECT_EQ(schedule.due_by(kStart + 1000s), 10'001U);
}

TEST(Schedule, LimitCapsTheTicks) {
  const Schedule schedule{kStart, 100ms, 5};
  EXPECT_EQ(schedule.due_by(kStart + 10s), 5U);
  EXPECT_TRUE(schedule.contains(4));
  EXPECT_FALSE(schedule.contains(5));
  EXPECT_TRUE(Schedule(kStart, 1s).contains(1'000'000'000));
}

TEST(Schedule, TickLimitFromCountAndDuration) {
  EXPECT_EQ(upwatch::tick_limit(std::nullopt, std::nullopt, 1s), std::nullopt);
  EXPECT_EQ(upwatch::tick_limit(7, std::nullopt, 1s), 7U);
  EXPECT_EQ(upwatch::tick_limit(std::nullopt, 1s, 250ms), 4U);  // 0, .25, .5, .75
  EXPECT_EQ(upwatch::tick_limit(std::nullopt, 1001ms, 250ms), 5U);
  EXPECT_EQ(upwatch::tick_limit(std::nullopt, 10s, 3s), 4U);  // 0, 3, 6, 9
  EXPECT_EQ(upwatch::tick_limit(3, 10s, 1s), 3U);
  EXPECT_EQ(upwatch::tick_limit(30, 10s, 1s), 10U);
  EXPECT_EQ(upwatch::tick_limit(std::nullopt, 1ms, 1s), 1U);
  // Several slots: the count and the duration are each URL's.
  EXPECT_EQ(upwatch::tick_limit(7, std::nullopt, 1s, 3), 21U);
  EXPECT_EQ(upwatch::tick_limit(std::nullopt, 10s, 3s, 1000), 4000U);
  EXPECT_EQ(upwatch::tick_limit(std::numeric_limits<std::uint64_t>::max() / 2, std::nullopt, 1s, 3),
            std::numeric_limits<std::uint64_t>::max());
}

namespace {

using upwatch::ClockReading;
using upwatch::Gap;
using upwatch::GapCause;
using upwatch::Timekeeper;
using upwatch::WallTime;

/// Fake clocks: the boot clock, the monotonic clock (behind it by what was suspended) and
/// the wall clock, moved by hand.
struct FakeClocks {
  std::chrono::nanoseconds boot = 1000s;
  std::chrono::nanoseconds suspended = 0s;
  std::chrono::nanoseconds wall_offset = 1'700'000'000s;

  [[nodiscard]] ClockReading read() const {
    return {
        upwatch::BootClock::time_point{boot},
        std::chrono::steady_clock::time_point{boot - suspended},
        std::chrono::system_clock::time_point{
            std::chrono::duration_cast<std::chrono::system_clock::duration>(boot + wall_offset)}};
  }
  /// The wall time the probe log would show for now.
  [[nodiscard]] WallTime wall() const {
    return std::chrono::floor<std::chrono::milliseconds>(read().wall);
  }
};

}  // namespace

TEST(Timekeeper, OnTimeTicksAreSentAndSmallDelaysCatchUp) {
  FakeClocks clocks;
  Timekeeper keeper{clocks.read(), 10ms, std::nullopt};
  auto due = keeper.due(clocks.read(), 0);
  EXPECT_EQ(due.first, 0U);
  EXPECT_EQ(due.end, 1U);
  EXPECT_TRUE(due.gaps.empty());
  // A loaded machine's hiccup of 200 ms at 10 ms: the late ticks are still sent.
  clocks.boot += 200ms;
  due = keeper.due(clocks.read(), 1);
  EXPECT_EQ(due.first, 1U);
  EXPECT_EQ(due.end, 21U);
  EXPECT_TRUE(due.gaps.empty());
}

TEST(Timekeeper, AStoppedLoopRecordsOneGapAndResumesOnTheGrid) {
  FakeClocks clocks;
  const auto start = clocks.wall();
  Timekeeper keeper{clocks.read(), 10ms, std::nullopt};
  static_cast<void>(keeper.due(clocks.read(), 0));
  clocks.boot += 2005ms;  // SIGSTOP, then SIGCONT 2 s later
  const auto due = keeper.due(clocks.read(), 1);
  // Ticks 1 .. 200 were due by now; none is sent late. Tick 201 is the next on the grid.
  EXPECT_EQ(due.first, 201U);
  EXPECT_EQ(due.end, 201U);
  ASSERT_EQ(due.gaps.size(), 1U);
  EXPECT_EQ(due.gaps[0], (Gap{.first_tick = 1,
                              .ticks = 200,
                              .start = start + 10ms,
                              .end = start + 2010ms,
                              .cause = GapCause::stalled}));
  EXPECT_EQ(due.gaps[0].duration(), 2s);
}

TEST(Timekeeper, TheThresholdGrowsWithTheInterval) {
  EXPECT_EQ(upwatch::gap_threshold(10ms), 250ms);
  EXPECT_EQ(upwatch::gap_threshold(1s), 2s);
  FakeClocks clocks;
  Timekeeper keeper{clocks.read(), 1s, std::nullopt};
  static_cast<void>(keeper.due(clocks.read(), 0));
  clocks.boot += 2500ms;  // tick 1 is 1.5 s late: within two intervals
  auto due = keeper.due(clocks.read(), 1);
  EXPECT_EQ(due.first, 1U);
  EXPECT_EQ(due.end, 3U);
  EXPECT_TRUE(due.gaps.empty());
  clocks.boot += 5s;  // tick 3 is 4.5 s late
  due = keeper.due(clocks.read(), 3);
  ASSERT_EQ(due.gaps.size(), 1U);
  EXPECT_EQ(due.gaps[0].ticks, 5U);  // 3 .. 7
  EXPECT_EQ(due.first, 8U);
}

TEST(Timekeeper, ASuspendIsAGapAndTimesStayTrue) {
  FakeClocks clocks;
  const auto start = clocks.wall();
  Timekeeper keeper{clocks.read(), 100ms, std::nullopt};
  static_cast<void>(keeper.due(clocks.read(), 0));
  // The lid is shut for an hour: the boot and wall clocks run on, the monotonic one stops.
  clocks.boot += 1h;
  clocks.suspended += 1h;
  const auto due = keeper.due(clocks.read(), 1);
  ASSERT_EQ(due.gaps.size(), 1U);
  EXPECT_EQ(due.gaps[0].cause, GapCause::suspended);
  EXPECT_EQ(due.gaps[0].start, start + 100ms);
  EXPECT_EQ(due.gaps[0].end, start + 1h + 100ms);
  EXPECT_EQ(due.first, 36001U);
  EXPECT_EQ(keeper.to_wall(clocks.read().boot), start + 1h);
}

TEST(Timekeeper, ASteppedWallClockIsFollowedAndALargeStepRecorded) {
  FakeClocks clocks;
  const auto start = clocks.wall();
  Timekeeper keeper{clocks.read(), 100ms, std::nullopt};
  static_cast<void>(keeper.due(clocks.read(), 0));
  // A small step (NTP) re-anchors quietly.
  clocks.boot += 100ms;
  clocks.wall_offset += 300ms;
  auto due = keeper.due(clocks.read(), 1);
  EXPECT_TRUE(due.gaps.empty());
  EXPECT_EQ(due.end, 2U);
  EXPECT_EQ(keeper.to_wall(clocks.read().boot), start + 400ms);
  // A step of an hour forward is a gap: the boot clock may not have counted a paused VM.
  clocks.boot += 100ms;
  clocks.wall_offset += 1h;
  due = keeper.due(clocks.read(), 2);
  ASSERT_EQ(due.gaps.size(), 1U);
  EXPECT_EQ(due.gaps[0], (Gap{.first_tick = 2,
                              .ticks = 0,
                              .start = start + 500ms,
                              .end = start + 1h + 500ms,
                              .cause = GapCause::clock}));
  EXPECT_EQ(due.first, 2U);
  EXPECT_EQ(due.end, 3U);  // the ticks go on: the boot clock saw no delay
  EXPECT_EQ(keeper.to_wall(clocks.read().boot), start + 1h + 500ms);
  // A step back is followed too, and recorded, though it hides nothing.
  clocks.boot += 100ms;
  clocks.wall_offset -= 2h;
  due = keeper.due(clocks.read(), 3);
  ASSERT_EQ(due.gaps.size(), 1U);
  EXPECT_EQ(due.gaps[0].duration(), 0ms);
  EXPECT_EQ(keeper.to_wall(clocks.read().boot), start - 1h + 600ms);
}

TEST(Timekeeper, ALimitCapsTheGap) {
  FakeClocks clocks;
  Timekeeper keeper{clocks.read(), 10ms, 50};
  static_cast<void>(keeper.due(clocks.read(), 0));
  clocks.boot += 10s;
  const auto due = keeper.due(clocks.read(), 1);
  ASSERT_EQ(due.gaps.size(), 1U);
  EXPECT_EQ(due.gaps[0].ticks, 49U);
  EXPECT_EQ(due.first, 50U);
  EXPECT_FALSE(keeper.schedule().contains(due.first));
}

TEST(Schedule, SlotsAreStaggeredEvenlyAcrossEachIntervalWithoutDrift) {
  // Three URLs at 1 s: slot 0 at 0, slot 1 at 1/3 s, slot 2 at 2/3 s of every interval.
  const Schedule schedule{kStart, 1s, std::nullopt, 3};
  EXPECT_EQ(schedule.tick(0), kStart);
  EXPECT_EQ(schedule.tick(1) - kStart, 333'333'333ns);
  EXPECT_EQ(schedule.tick(2) - kStart, 666'666'666ns);
  EXPECT_EQ(schedule.tick(3) - kStart, 1s);
  // Each slot keeps its own interval exactly, however far on: no rounding adds up.
  EXPECT_EQ(schedule.tick(3 * 1'000'000 + 1) - schedule.tick(1), 1'000'000s);
  // A thousand slots at a year's interval: no overflow.
  const Schedule long_one{kStart, std::chrono::hours{24 * 365}, std::nullopt, 1000};
  EXPECT_EQ(long_one.tick(999) - kStart,
            std::chrono::nanoseconds{std::chrono::hours{24 * 365}} / 1000 * 999);
}

TEST(Schedule, DueByCountsTheSlotsDueInTheRoundUnderWay) {
  const Schedule schedule{kStart, 1s, std::nullopt, 3};
  EXPECT_EQ(schedule.due_by(kStart - 1ns), 0U);
  EXPECT_EQ(schedule.due_by(kStart), 1U);
  EXPECT_EQ(schedule.due_by(kStart + 333'333'332ns), 1U);
  EXPECT_EQ(schedule.due_by(kStart + 333'333'333ns), 2U);
  EXPECT_EQ(schedule.due_by(kStart + 666'666'666ns), 3U);
  EXPECT_EQ(schedule.due_by(kStart + 999'999'999ns), 3U);
  EXPECT_EQ(schedule.due_by(kStart + 1s), 4U);
  for (std::uint64_t tick = 0; tick < 3000; tick += 7) {
    ASSERT_EQ(schedule.due_by(schedule.tick(tick)), tick + 1) << tick;
    ASSERT_EQ(schedule.due_by(schedule.tick(tick) - 1ns), tick) << tick;
  }
}
