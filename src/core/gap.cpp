#include "upwatch/core/gap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "upwatch/core/duration.hpp"

namespace upwatch {

namespace {

constexpr std::array<std::pair<GapCause, std::string_view>, 6> kCauseNames{{
    {GapCause::stalled, "stalled"},
    {GapCause::suspended, "suspended"},
    {GapCause::clock, "clock"},
    {GapCause::overload, "overload"},
    {GapCause::missing, "missing"},
    {GapCause::exhausted, "exhausted"},
}};

}  // namespace

std::string_view format_as(GapCause cause) {
  for (const auto& [known, name] : kCauseNames) {
    if (known == cause) return name;
  }
  return "stalled";
}

std::optional<GapCause> parse_gap_cause(std::string_view text) {
  for (const auto& [cause, name] : kCauseNames) {
    if (name == text) return cause;
  }
  return std::nullopt;
}

std::string_view describe(GapCause cause) {
  switch (cause) {
    case GapCause::stalled:
      return "upwatch did not run (stopped, or starved of CPU)";
    case GapCause::suspended:
      return "the machine was suspended";
    case GapCause::clock:
      return "the wall clock was stepped; times after it follow the new clock";
    case GapCause::overload:
      return "not sent: --parallel-max probes were in flight (more than upwatch could keep)";
    case GapCause::missing:
      return "not in this log: records lost, or written to another file";
    case GapCause::exhausted:
      return "not sent: upwatch ran out of file descriptors, memory or local ports (its log "
             "says which)";
  }
  return "not observed";
}

std::chrono::milliseconds Gap::duration() const {
  return std::max(std::chrono::milliseconds{0}, end - start);
}

std::string describe(const Gap& gap) {
  if (gap.cause == GapCause::clock) {
    const auto step = gap.end - gap.start;
    return fmt::format("the wall clock stepped {} {}; times after it follow the new clock",
                       step.count() < 0 ? "back" : "forward",
                       format_elapsed(step.count() < 0 ? -step : step));
  }
  return fmt::format("{} tick{} not sent (#{}-#{}): {}", gap.ticks, gap.ticks == 1 ? "" : "s",
                     gap.first_tick, gap.first_tick + gap.ticks - 1, describe(gap.cause));
}

}  // namespace upwatch
