#include "upwatch/net/tick_timer.hpp"

#include <sys/timerfd.h>

#include <cerrno>
#include <system_error>

namespace upwatch {

TickTimer::TickTimer() : fd_(timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK)) {
  if (!fd_) throw std::system_error(errno, std::generic_category(), "timerfd_create");
}

void TickTimer::arm(BootClock::time_point when) {
  if (when == armed_at_) return;
  armed_at_ = when;
  const itimerspec at{.it_interval = {}, .it_value = to_timespec(when.time_since_epoch())};
  if (timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &at, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "timerfd_settime");
  }
}

}  // namespace upwatch
