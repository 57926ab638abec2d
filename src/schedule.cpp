#include "upwatch/schedule.hpp"

#include <algorithm>

namespace upwatch {

Schedule::Schedule(Clock::time_point start, std::chrono::nanoseconds interval,
                   std::optional<std::uint64_t> limit)
    : start_(start), interval_(interval), limit_(limit) {}

Schedule::Clock::time_point Schedule::tick(std::uint64_t sequence) const {
  return start_ + std::chrono::duration_cast<Clock::duration>(interval_ *
                                                              static_cast<std::int64_t>(sequence));
}

bool Schedule::contains(std::uint64_t sequence) const { return !limit_ || sequence < *limit_; }

std::uint64_t Schedule::due_by(Clock::time_point now) const {
  if (now < start_) return 0;
  const auto due = static_cast<std::uint64_t>((now - start_) / interval_) + 1;
  return limit_ ? std::min(due, *limit_) : due;
}

std::optional<std::uint64_t> tick_limit(std::optional<std::uint64_t> count,
                                        std::optional<std::chrono::nanoseconds> duration,
                                        std::chrono::nanoseconds interval) {
  std::optional<std::uint64_t> limit = count;
  if (duration) {
    // Ticks at 0, interval, 2 x interval, ... strictly before the duration: ceil(d / i).
    const auto ticks =
        static_cast<std::uint64_t>((*duration + interval - std::chrono::nanoseconds{1}) / interval);
    limit = limit ? std::min(*limit, ticks) : ticks;
  }
  return limit;
}

}  // namespace upwatch
