#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/probe.hpp"
#include "upwatch/core/run.hpp"
#include "upwatch/core/wall_time.hpp"
#include "upwatch/log/mark.hpp"

namespace upwatch {

/// What a summary says about a run besides its probes.
struct RunInfo {
  std::string id;                       ///< the run's identifier; "" for a log without one
  WallTime start{};                     ///< when the run started
  WallTime end{};                       ///< when it ended
  std::string url;                      ///< the probed URL, credentials already redacted
  std::vector<std::string> more_urls;   ///< the other URLs of a run of several, redacted
  std::string proxy;                    ///< the proxy probed through, redacted; "" if none
  std::string control;                  ///< the control URL, redacted; "" if none
  std::string vantage;                  ///< where the run watched from; "" if not known
  std::chrono::nanoseconds interval{};  ///< the schedule's interval
  std::optional<std::chrono::microseconds> slow;  ///< --slow: a longer answer failed
  bool latency_recorded = true;                   ///< false for a log that holds no latencies
  std::vector<std::string> notes;    ///< what the reader should know about where this came from
  std::vector<Mark> marks;           ///< what people marked in its log (upwatch mark), in
                                     ///< the order written, at most kMarksListed
  std::uint64_t marks_unlisted = 0;  ///< marks beyond kMarksListed
  bool log_incomplete = false;       ///< records could not be written to its log: exit 3, whatever
                                     ///< the verdict
  DowntimeBudget budget;             ///< the deploy gate's (--max-downtime, --max-window)
};

/// The most marks a run keeps and its summary lists.
inline constexpr std::size_t kMarksListed = 1000;

/// What the summary of the run that `header` opens says of it, the run having ended at `end`
/// (no notes, no marks).
[[nodiscard]] RunInfo run_info_of(const RunHeader& header, WallTime end);

}  // namespace upwatch
