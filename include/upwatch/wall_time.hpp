#pragma once

#include <chrono>
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

/// Pairs the monotonic clock with the wall clock at one instant, so that monotonic times
/// (which never jump) can be stamped with the wall-clock time they correspond to.
struct ClockOrigin {
  std::chrono::steady_clock::time_point steady;
  std::chrono::system_clock::time_point wall;

  /// Reads both clocks now.
  [[nodiscard]] static ClockOrigin now();
  /// The wall-clock time of a monotonic instant, truncated to milliseconds.
  [[nodiscard]] WallTime to_wall(std::chrono::steady_clock::time_point instant) const;
};

}  // namespace upwatch
