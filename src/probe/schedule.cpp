#include "upwatch/probe/schedule.hpp"

#include <algorithm>
#include <limits>

namespace upwatch {

namespace {

/// Wide enough for a slot number times an interval in nanoseconds.
__extension__ using Wide = __int128;

}  // namespace

Schedule::Schedule(Clock::time_point start, std::chrono::nanoseconds interval,
                   std::optional<std::uint64_t> limit, std::uint64_t slots)
    : start_(start), interval_(interval), limit_(limit), slots_(slots) {}

Schedule::Clock::time_point Schedule::tick(std::uint64_t sequence) const {
  const auto round = static_cast<std::int64_t>(sequence / slots_);
  const auto slot = static_cast<Wide>(sequence % slots_);
  const auto offset = std::chrono::nanoseconds{
      static_cast<std::int64_t>(slot * interval_.count() / static_cast<Wide>(slots_))};
  return start_ + std::chrono::duration_cast<Clock::duration>(interval_ * round + offset);
}

bool Schedule::contains(std::uint64_t sequence) const { return !limit_ || sequence < *limit_; }

std::uint64_t Schedule::due_by(Clock::time_point now) const {
  if (now < start_) return 0;
  const auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_);
  const auto rounds = static_cast<std::uint64_t>(since / interval_);
  // Slot s of a round is due at floor(s x interval / slots) into it: those due by `rest` are
  // the s < (rest + 1) x slots / interval.
  const auto rest = static_cast<Wide>((since % interval_).count());
  const auto interval = static_cast<Wide>(interval_.count());
  const auto in_round =
      std::min<Wide>(static_cast<Wide>(slots_),
                     ((rest + 1) * static_cast<Wide>(slots_) + interval - 1) / interval);
  const auto due = rounds * slots_ + static_cast<std::uint64_t>(in_round);
  return limit_ ? std::min(due, *limit_) : due;
}

std::optional<std::uint64_t> tick_limit(std::optional<std::uint64_t> count,
                                        std::optional<std::chrono::nanoseconds> duration,
                                        std::chrono::nanoseconds interval, std::uint64_t slots) {
  std::optional<std::uint64_t> limit = count;
  if (duration) {
    // Ticks at 0, interval, 2 x interval, ... strictly before the duration: ceil(d / i).
    const auto ticks =
        static_cast<std::uint64_t>((*duration + interval - std::chrono::nanoseconds{1}) / interval);
    limit = limit ? std::min(*limit, ticks) : ticks;
  }
  if (!limit) return limit;
  return *limit > std::numeric_limits<std::uint64_t>::max() / slots
             ? std::numeric_limits<std::uint64_t>::max()
             : *limit * slots;
}

std::chrono::nanoseconds gap_threshold(std::chrono::nanoseconds interval) {
  return std::max<std::chrono::nanoseconds>(std::chrono::milliseconds{250}, 2 * interval);
}

ClockReading ClockReading::now() {
  return {BootClock::now(), std::chrono::steady_clock::now(), std::chrono::system_clock::now()};
}

namespace {

std::chrono::nanoseconds boot_minus_monotonic(const ClockReading& reading) {
  return reading.boot.time_since_epoch() - reading.monotonic.time_since_epoch();
}

}  // namespace

Timekeeper::Timekeeper(const ClockReading& start, std::chrono::nanoseconds interval,
                       std::optional<std::uint64_t> limit, std::uint64_t slots)
    : schedule_(start.boot, interval, limit, slots),
      interval_(interval),
      origin_{start.boot, start.wall},
      suspended_(boot_minus_monotonic(start)) {}

DueTicks Timekeeper::due(const ClockReading& now, std::uint64_t next) {
  DueTicks result{.first = next, .end = next};
  const auto suspended_for = boot_minus_monotonic(now) - suspended_;
  suspended_ = boot_minus_monotonic(now);

  // The boot clock never jumps; the wall clock may be stepped (NTP, by hand). Re-anchor to it
  // so that the times stamped from now on are true, and record a large step.
  const auto expected_wall =
      origin_.wall +
      std::chrono::duration_cast<std::chrono::system_clock::duration>(now.boot - origin_.boot);
  const auto step = std::chrono::abs(now.wall - expected_wall);
  if (step > kReanchorThreshold) {
    if (step >= kClockStepThreshold) {
      result.gaps.push_back({.first_tick = next,
                             .start = std::chrono::floor<std::chrono::milliseconds>(expected_wall),
                             .end = std::chrono::floor<std::chrono::milliseconds>(now.wall),
                             .cause = GapCause::clock});
    }
    origin_ = {now.boot, now.wall};
  }

  const auto due = schedule_.due_by(now.boot);
  if (due <= next) return result;
  const auto late = now.boot - schedule_.tick(next);
  if (late <= gap_threshold(interval_)) {
    result.end = due;
    return result;
  }
  // Too late to send: the ticks missed are a gap, and the loop resumes on the grid.
  origin_ = {now.boot, now.wall};
  result.gaps.push_back(
      {.first_tick = next,
       .ticks = due - next,
       .start = to_wall(schedule_.tick(next)),
       .end = to_wall(schedule_.tick(due)),
       .cause = suspended_for > late / 2 ? GapCause::suspended : GapCause::stalled});
  result.first = result.end = due;
  return result;
}

}  // namespace upwatch
