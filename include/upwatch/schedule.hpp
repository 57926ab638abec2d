#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace upwatch {

/// The absolute schedule of a run: probe k is due at start + k x interval, computed from the
/// start each time (never by adding to the previous tick), so it cannot drift.
class Schedule {
 public:
  using Clock = std::chrono::steady_clock;

  /// A schedule of at most `limit` ticks (unbounded if nullopt); `interval` must be positive.
  Schedule(Clock::time_point start, std::chrono::nanoseconds interval,
           std::optional<std::uint64_t> limit = std::nullopt);

  /// When probe `sequence` is due.
  [[nodiscard]] Clock::time_point tick(std::uint64_t sequence) const;
  /// True if probe `sequence` is part of the schedule (below the limit).
  [[nodiscard]] bool contains(std::uint64_t sequence) const;
  /// How many ticks are due at or before `now`, capped by the limit.
  [[nodiscard]] std::uint64_t due_by(Clock::time_point now) const;

 private:
  Clock::time_point start_;
  std::chrono::nanoseconds interval_;
  std::optional<std::uint64_t> limit_;
};

/// The number of ticks in a run limited by a count and/or a duration: the ticks that fall
/// strictly before `duration`, and no more than `count`. nullopt if neither is given.
[[nodiscard]] std::optional<std::uint64_t> tick_limit(
    std::optional<std::uint64_t> count, std::optional<std::chrono::nanoseconds> duration,
    std::chrono::nanoseconds interval);

}  // namespace upwatch
