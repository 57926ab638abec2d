#include "upwatch/core/head_lines.hpp"

namespace upwatch {

void HeadLines::keep(std::string_view line) {
  const auto received = line.size();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return;  // the blank line ends a header block
  // A hostile server may send hundreds of kilobytes of headers: the log keeps what fits.
  line = line.substr(0, kMaxKeptLine);
  if (lines.size() < kMaxKeptLines && kept_bytes + line.size() <= kMaxKeptBytes) {
    lines.emplace_back(line);
    kept_bytes += line.size();
  } else {
    ++dropped_lines;
    dropped_bytes += received;
  }
}

void HeadLines::clear() {
  lines.clear();
  kept_bytes = dropped_lines = dropped_bytes = 0;
}

}  // namespace upwatch
