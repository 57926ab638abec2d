#include "upwatch/schedule.hpp"

#include <gtest/gtest.h>

#include "upwatch/duration.hpp"

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
}
