#pragma once

#include "upwatch/core/unique_fd.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// A descriptor that becomes readable at an instant of the boot clock, so that a wait on
/// sockets (poll) ends at the next tick however far off it is. The one place that knows how
/// the OS sets such a timer (Linux: timerfd on CLOCK_BOOTTIME).
class TickTimer {
 public:
  /// A timer not yet armed; throws std::system_error if the OS has none to give.
  TickTimer();

  /// Makes the descriptor readable at `when` (and not before); throws std::system_error.
  void arm(BootClock::time_point when);

  /// The descriptor to watch for reading.
  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  BootClock::time_point armed_at_{};  ///< when it was last set to be readable
};

}  // namespace upwatch
