#include "upwatch/core/wall_time.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <ctime>

namespace upwatch {

void append_iso_utc(std::string& out, WallTime time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  // Digit by digit into a fixed buffer: this runs for every probe logged.
  std::array<char, 24> text{'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                            '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
  const auto put = [&text](std::size_t end, long long value, std::size_t digits) {
    for (std::size_t i = 0; i < digits; ++i, value /= 10) {
      text[end - 1 - i] = static_cast<char>('0' + value % 10);
    }
  };
  put(4, int{date.year()}, 4);
  put(7, unsigned{date.month()}, 2);
  put(10, unsigned{date.day()}, 2);
  put(13, clock.hours().count(), 2);
  put(16, clock.minutes().count(), 2);
  put(19, clock.seconds().count(), 2);
  put(23, clock.subseconds().count(), 3);
  out.append(text.data(), text.size());
}

std::string format_iso_utc(WallTime time) {
  std::string out;
  append_iso_utc(out, time);
  return out;
}

std::optional<WallTime> parse_iso_utc(std::string_view text) {
  // 2026-11-26T10:00:00.123Z
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  const auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int value = 0;
    const char* first = text.data() + pos;
    const auto [end, error] = std::from_chars(first, first + len, value);
    if (error != std::errc{} || end != first + len || *first == '-' || *first == '+') {
      return std::nullopt;
    }
    return value;
  };
  const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const auto hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  const auto millis = number(20, 3);
  if (!year || !month || !day || !hour || !minute || !second || !millis) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return WallTime{std::chrono::sys_days{date}} + std::chrono::hours{*hour} +
         std::chrono::minutes{*minute} + std::chrono::seconds{*second} +
         std::chrono::milliseconds{*millis};
}

std::string format_date_local(WallTime time) {
  // Not system_clock::to_time_t: its nanoseconds overflow for times past 2262.
  const auto seconds = static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(time).time_since_epoch().count());
  std::tm local{};
  localtime_r(&seconds, &local);
  std::array<char, 64> buffer{};
  const std::size_t length =
      std::strftime(buffer.data(), buffer.size(), "%a %b %e %H:%M:%S %Z %Y", &local);
  return {buffer.data(), length};
}

BootClock::time_point BootClock::now() noexcept {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return time_point{std::chrono::seconds{now.tv_sec} + std::chrono::nanoseconds{now.tv_nsec}};
}

timespec to_timespec(std::chrono::nanoseconds span) noexcept {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(span);
  return {.tv_sec = seconds.count(), .tv_nsec = (span - seconds).count()};
}

ClockOrigin ClockOrigin::now() { return {BootClock::now(), std::chrono::system_clock::now()}; }

WallTime ClockOrigin::to_wall(BootClock::time_point instant) const {
  return std::chrono::floor<std::chrono::milliseconds>(
      wall + std::chrono::duration_cast<std::chrono::system_clock::duration>(instant - boot));
}

}  // namespace upwatch
