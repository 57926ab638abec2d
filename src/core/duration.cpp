#include "upwatch/core/duration.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <limits>

namespace upwatch {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

/// Nanoseconds per unit for the suffixes we accept, or 0 for an unknown suffix.
std::int64_t unit_nanos(std::string_view suffix) {
  if (suffix.empty() || suffix == "s") return kNanosPerSecond;
  if (suffix == "ms") return 1'000'000;
  if (suffix == "us") return 1'000;
  if (suffix == "m") return 60 * kNanosPerSecond;
  if (suffix == "h") return 3600 * kNanosPerSecond;
  return 0;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  std::size_t pos = 0;
  std::int64_t whole = 0;
  bool any_digit = false;
  // Whole part, bounded so that it fits; whole * unit is checked below.
  for (; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos) {
    if (whole > 100'000'000'000'000) return std::nullopt;
    whole = whole * 10 + (text[pos] - '0');
    any_digit = true;
  }
  std::int64_t fraction = 0;  // in units of 10^-18 of the unit
  std::int64_t scale = 1'000'000'000'000'000'000;
  if (pos < text.size() && text[pos] == '.') {
    for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos) {
      scale /= 10;
      fraction += (text[pos] - '0') * scale;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  const std::int64_t unit = unit_nanos(text.substr(pos));
  if (unit == 0) return std::nullopt;
  // fraction (10^-18 units) * unit (ns) / 10^18 needs up to 82 bits on the way, and
  // whole * unit may not fit in 64 bits at all: computed wide, then checked.
  __extension__ using Wide = __int128;
  const Wide nanos = Wide{whole} * unit + Wide{fraction} * unit / Wide{1'000'000'000'000'000'000};
  if (nanos > Wide{std::numeric_limits<std::int64_t>::max()}) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(nanos));
}

std::string format_seconds(std::chrono::nanoseconds value) {
  const auto count = value.count();
  std::string text = fmt::format("{}", count / kNanosPerSecond);
  std::int64_t rest = count % kNanosPerSecond;
  if (rest != 0) {
    std::string digits = fmt::format("{:09}", rest);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += '.' + digits;
  }
  return text;
}

void append_millis(std::string& out, std::chrono::microseconds value) {
  // Integer digits, not "{:.3f}" of a double: exact, and cheap enough for every probe logged.
  const auto micros = value.count();
  out += fmt::format_int(micros / 1000).c_str();
  out += '.';
  const auto fraction = fmt::format_int(1000 + micros % 1000);  // "1xyz" keeps leading zeros
  out.append(fraction.data() + 1, 3);
  out += "ms";
}

std::string format_elapsed(std::chrono::milliseconds value) {
  const auto total_ms = value.count();
  const auto hours = total_ms / 3'600'000;
  const auto minutes = total_ms / 60'000 % 60;
  const auto seconds = total_ms / 1000 % 60;
  const auto millis = total_ms % 1000;
  if (hours > 0) return fmt::format("{}h{:02}m{:02}.{:03}s", hours, minutes, seconds, millis);
  if (minutes > 0) return fmt::format("{}m{:02}.{:03}s", minutes, seconds, millis);
  return fmt::format("{}.{:03}s", seconds, millis);
}

}  // namespace upwatch
