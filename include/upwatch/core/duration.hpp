#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace upwatch {

/// The longest interval, duration or timeout upwatch takes: a year.
inline constexpr std::chrono::hours kLongestDuration{24 * 365};

/// Parses a duration exactly (no floating point): "0.05", "2", "1.5s", "250ms", "10m", "1h".
/// A bare number is in seconds. Returns nullopt for anything else, a negative value, or one
/// beyond what 64 bits of nanoseconds hold (292 years).
[[nodiscard]] std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

/// Formats a duration as plain seconds with no trailing zeros: 50ms -> "0.05", 5s -> "5".
[[nodiscard]] std::string format_seconds(std::chrono::nanoseconds value);

/// Appends a non-negative time in milliseconds to the microsecond, exactly: 412us -> "0.412ms".
void append_millis(std::string& out, std::chrono::microseconds value);

/// Formats an elapsed time for people, to the millisecond: "0.250s", "2m05.000s", "1h00m00.000s".
[[nodiscard]] std::string format_elapsed(std::chrono::milliseconds value);

}  // namespace upwatch
