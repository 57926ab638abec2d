#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// Why part of a run was not observed.
enum class GapCause : std::uint8_t {
  stalled,    ///< upwatch did not run: stopped (Ctrl-Z, SIGSTOP) or starved of CPU
  suspended,  ///< the machine was suspended (or the VM paused)
  clock,      ///< the wall clock was stepped; times after it follow the new clock
  overload,   ///< --parallel-max probes were already in flight: the rate was more than upwatch held
  missing,    ///< probes the log does not hold (records lost, or written to another file)
  exhausted,  ///< upwatch ran out of file descriptors, memory or local ports
};

/// The log's name of a cause: "stalled", "suspended", "clock", "overload".
[[nodiscard]] std::string_view format_as(GapCause cause);
/// Parses what format_as writes.
[[nodiscard]] std::optional<GapCause> parse_gap_cause(std::string_view text);
/// What a cause means, for people.
[[nodiscard]] std::string_view describe(GapCause cause);

/// A stretch of a run that upwatch did not observe: ticks of the schedule it did not send.
struct Gap {
  std::uint64_t first_tick = 0;  ///< the first tick not sent; with no tick, the next one sent
  std::uint64_t ticks = 0;       ///< ticks not sent (0 for a step of the wall clock)
  WallTime start;                ///< when the first tick not sent was due (or the clock stepped)
  WallTime end;                  ///< when the first tick sent again was due (or the new time)
  GapCause cause = GapCause::stalled;

  /// The time not observed: end - start, never negative (a clock stepped back loses nothing).
  [[nodiscard]] std::chrono::milliseconds duration() const;

  bool operator==(const Gap&) const = default;
};

/// What a gap was, for people: "3 ticks not sent (#4-#6): the machine was suspended", or
/// "the wall clock stepped back 2.000s; ...".
[[nodiscard]] std::string describe(const Gap& gap);

}  // namespace upwatch
