#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace upwatch {

/// A wall-clock instant at the log's resolution, one millisecond.
using WallTime = std::chrono::sys_time<std::chrono::milliseconds>;

/// Formats as ISO 8601 in UTC with milliseconds: "2026-11-26T10:00:00.123Z".
[[nodiscard]] std::string format_iso_utc(WallTime time);

/// Appends format_iso_utc(time) to `out`.
void append_iso_utc(std::string& out, WallTime time);

/// Parses exactly what format_iso_utc writes; nullopt otherwise.
[[nodiscard]] std::optional<WallTime> parse_iso_utc(std::string_view text);

/// Formats in local time as date(1) prints by default: "Thu Nov 26 10:00:00 UTC 2026".
[[nodiscard]] std::string format_date_local(WallTime time);

/// CLOCK_BOOTTIME: a monotonic clock that, unlike steady_clock, keeps counting while the
/// machine is suspended, so a schedule on it sees a suspend as time that passed.
struct BootClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<BootClock>;
  static constexpr bool is_steady = true;

  /// Reads CLOCK_BOOTTIME.
  [[nodiscard]] static time_point now() noexcept;
};

/// `span` (not negative) as the system calls take it: seconds and nanoseconds.
[[nodiscard]] timespec to_timespec(std::chrono::nanoseconds span) noexcept;

/// Pairs the boot clock with the wall clock at one instant, so that boot-clock times (which
/// never jump) can be stamped with the wall-clock time they correspond to.
struct ClockOrigin {
  BootClock::time_point boot;
  std::chrono::system_clock::time_point wall;

  /// Reads both clocks now.
  [[nodiscard]] static ClockOrigin now();
  /// The wall-clock time of a boot-clock instant, truncated to milliseconds.
  [[nodiscard]] WallTime to_wall(BootClock::time_point instant) const;
};

}  // namespace upwatch
