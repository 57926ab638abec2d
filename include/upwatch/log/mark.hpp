#pragma once

#include <string>
#include <string_view>

#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// An event a person noted in a run's log with `upwatch mark` ("drained s1"), to be told in
/// time order with what the probes saw.
struct Mark {
  WallTime time;     ///< when it was marked
  std::string text;  ///< one line, as given

  bool operator==(const Mark&) const = default;
};

/// The longest text a mark takes, in bytes.
inline constexpr std::size_t kMarkLongest = 1000;

/// Throws UsageError unless `text` can be a mark: 1 to kMarkLongest bytes, no control
/// characters (it is one line of the log).
void check_mark_text(std::string_view text);

/// Appends `mark` to the existing log at `path` in one write(2), even while a run holds the
/// log: the line lands whole between two of its records. Throws UsageError if there is no
/// such log, it is a JSON Lines log, or it cannot be written.
void write_mark(const std::string& path, const Mark& mark);

}  // namespace upwatch
