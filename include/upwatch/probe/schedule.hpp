#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "upwatch/core/gap.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// The absolute schedule of a run: probe k is due at start + k x interval, computed from the
/// start each time (never by adding to the previous tick), so it cannot drift. It runs on the
/// boot clock, so that a suspend of the machine makes ticks late rather than vanish.
///
/// A run of several targets has a slot per target in each interval, staggered evenly: tick t is
/// target t mod slots's probe t / slots, due at start + (t / slots) x interval
/// + (t mod slots) x interval / slots.
class Schedule {
 public:
  using Clock = BootClock;

  /// A schedule of at most `limit` ticks (unbounded if nullopt) in `slots` slots an interval;
  /// `interval` and `slots` must be positive.
  Schedule(Clock::time_point start, std::chrono::nanoseconds interval,
           std::optional<std::uint64_t> limit = std::nullopt, std::uint64_t slots = 1);

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
  std::uint64_t slots_;
};

/// The number of ticks in a run of `slots` slots an interval limited by a count and/or a
/// duration: for each slot, the ticks of the intervals that begin strictly before `duration`,
/// and no more than `count`. nullopt if neither is given.
[[nodiscard]] std::optional<std::uint64_t> tick_limit(
    std::optional<std::uint64_t> count, std::optional<std::chrono::nanoseconds> duration,
    std::chrono::nanoseconds interval, std::uint64_t slots = 1);

/// How late a tick may be and still be sent: max(250 ms, 2 intervals). Later ticks are not
/// sent but recorded as a gap, so that a loop that was stopped never sends a burst.
[[nodiscard]] std::chrono::nanoseconds gap_threshold(std::chrono::nanoseconds interval);

/// How far the wall clock may move away from the boot clock before the times stamped on
/// probes are re-anchored to it.
inline constexpr std::chrono::milliseconds kReanchorThreshold{100};
/// How far the wall clock must step for the step to be recorded as a gap (`clock`).
inline constexpr std::chrono::seconds kClockStepThreshold{1};

/// The clocks, read at one instant.
struct ClockReading {
  BootClock::time_point boot;                       ///< runs through a suspend
  std::chrono::steady_clock::time_point monotonic;  ///< stops during a suspend
  std::chrono::system_clock::time_point wall;       ///< may be stepped

  /// Reads the three clocks now.
  [[nodiscard]] static ClockReading now();
};

/// The ticks the loop is to send now, and what it did not observe.
struct DueTicks {
  std::uint64_t first = 0;  ///< send ticks first .. end - 1
  std::uint64_t end = 0;
  std::vector<Gap> gaps;  ///< a step of the wall clock, then ticks too late to send
};

/// Keeps a run's schedule against the clocks: decides, each time the loop wakes, which ticks
/// to send and which were missed (a stopped or starved process, a suspended machine), and
/// stamps boot-clock instants with wall-clock times that stay true across a stepped clock.
class Timekeeper {
 public:
  /// The keeper of a run that starts at `start`, of `limit` ticks in `slots` slots an interval.
  Timekeeper(const ClockReading& start, std::chrono::nanoseconds interval,
             std::optional<std::uint64_t> limit, std::uint64_t slots = 1);

  /// The ticks to send at `now`, when those before `next` were sent or skipped.
  [[nodiscard]] DueTicks due(const ClockReading& now, std::uint64_t next);
  /// True if tick `next`, not yet sent, is late enough at `now` to be part of a gap: upwatch
  /// did not run, and what timed out meanwhile is not the service's.
  [[nodiscard]] bool stalled_at(BootClock::time_point now, std::uint64_t next) const {
    return schedule_.contains(next) && now - schedule_.tick(next) > gap_threshold(interval_);
  }

  /// The schedule kept.
  [[nodiscard]] const Schedule& schedule() const { return schedule_; }
  /// The wall-clock time of a boot-clock instant, by the latest anchor.
  [[nodiscard]] WallTime to_wall(BootClock::time_point instant) const {
    return origin_.to_wall(instant);
  }

 private:
  Schedule schedule_;
  std::chrono::nanoseconds interval_;
  ClockOrigin origin_;
  std::chrono::nanoseconds suspended_{};  ///< boot clock minus monotonic clock, last read
};

}  // namespace upwatch
