#include "upwatch/core/wall_time.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

using namespace std::chrono_literals;
using upwatch::WallTime;

namespace {
WallTime at(int year, unsigned month, unsigned day, int hours, int minutes, int seconds,
            int millis) {
  return WallTime{std::chrono::sys_days{std::chrono::year{year} / month / day}} +
         std::chrono::hours{hours} + std::chrono::minutes{minutes} + std::chrono::seconds{seconds} +
         std::chrono::milliseconds{millis};
}
}  // namespace

TEST(WallTime, FormatsIsoUtcWithMilliseconds) {
  EXPECT_EQ(upwatch::format_iso_utc(at(2026, 11, 26, 10, 0, 0, 123)), "2026-11-26T10:00:00.123Z");
  EXPECT_EQ(upwatch::format_iso_utc(at(2023, 1, 2, 3, 4, 5, 6)), "2023-01-02T03:04:05.006Z");
}

TEST(WallTime, IsoRoundTrips) {
  for (const auto time : {at(2026, 11, 26, 10, 0, 0, 123), at(2000, 2, 29, 23, 59, 59, 999),
                          at(1970, 1, 1, 0, 0, 0, 0)}) {
    EXPECT_EQ(upwatch::parse_iso_utc(upwatch::format_iso_utc(time)), time);
  }
}

TEST(WallTime, RejectsBadIso) {
  for (const char* bad :
       {"", "2026-11-26T10:00:00Z", "2026-11-26 10:00:00.123Z", "2026-13-26T10:00:00.123Z",
        "2026-02-30T10:00:00.123Z", "2026-11-26T25:00:00.123Z", "2026-11-26T10:00:00.12xZ",
        "2026-11-26T10:00:00.123+"}) {
    EXPECT_EQ(upwatch::parse_iso_utc(bad), std::nullopt) << bad;
  }
}

TEST(WallTime, FormatsLocalDateLikeDate) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(upwatch::format_date_local(at(2023, 11, 17, 0, 9, 31, 500)),
            "Fri Nov 17 00:09:31 UTC 2023");
  EXPECT_EQ(upwatch::format_date_local(at(2026, 11, 6, 9, 5, 1, 0)),
            "Fri Nov  6 09:05:01 UTC 2026");
  ::setenv("TZ", "PST8PDT", 1);
  ::tzset();
  EXPECT_EQ(upwatch::format_date_local(at(2023, 11, 17, 0, 9, 31, 0)),
            "Thu Nov 16 16:09:31 PST 2023");
  ::unsetenv("TZ");
  ::tzset();
}

TEST(WallTime, OriginMapsTheBootClockToWall) {
  const upwatch::ClockOrigin origin{upwatch::BootClock::time_point{10s},
                                    std::chrono::system_clock::time_point{1000s}};
  EXPECT_EQ(origin.to_wall(upwatch::BootClock::time_point{12500ms}), WallTime{1002500ms});
}

TEST(WallTime, TheBootClockIsNoEarlierThanTheMonotonicClock) {
  // CLOCK_BOOTTIME is CLOCK_MONOTONIC plus the time the machine spent suspended.
  const auto monotonic = std::chrono::steady_clock::now().time_since_epoch();
  EXPECT_GE(upwatch::BootClock::now().time_since_epoch(), monotonic);
}

TEST(ToTimespec, SplitsSecondsFromNanoseconds) {
  const auto split = upwatch::to_timespec(std::chrono::nanoseconds{3'000'000'042});
  EXPECT_EQ(split.tv_sec, 3);
  EXPECT_EQ(split.tv_nsec, 42);
  const auto zero = upwatch::to_timespec(std::chrono::nanoseconds{0});
  EXPECT_EQ(zero.tv_sec, 0);
  EXPECT_EQ(zero.tv_nsec, 0);
}
