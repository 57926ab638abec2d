#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace upwatch {

/// The most header lines kept per probe; the rest are counted, not kept.
inline constexpr std::size_t kMaxKeptLines = 100;
/// The most bytes of header lines kept per probe.
inline constexpr std::size_t kMaxKeptBytes = std::size_t{16} * 1024;
/// The longest header line kept whole; a longer one is cut there.
inline constexpr std::size_t kMaxKeptLine = std::size_t{8} * 1024;

/// The status line and headers of an answer as the log keeps them: at most kMaxKeptLines lines
/// and kMaxKeptBytes bytes, each cut at kMaxKeptLine; the lines beyond are counted.
struct HeadLines {
  std::vector<std::string> lines;
  std::size_t kept_bytes = 0;
  std::size_t dropped_lines = 0;
  std::size_t dropped_bytes = 0;  ///< as received, line ends included

  /// Keeps one line as received (its CR LF or LF may be there); a blank line is skipped.
  void keep(std::string_view line);
  /// Forgets every line, for the next probe.
  void clear();
};

}  // namespace upwatch
