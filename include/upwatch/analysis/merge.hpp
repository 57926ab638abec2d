#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/run_info.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// One vantage point's run of the URLs, as a merged report takes it.
struct VantageRun {
  std::string name;  ///< its vantage point: the run's --vantage, else its log's path
  std::string log;   ///< the path of the log it was read from
  RunInfo info;
  RunResults results;
};

/// A stretch of the period every run watched in which the same vantage points saw a URL down.
struct MergedWindow {
  WallTime start;
  WallTime end;
  std::vector<std::string> down;        ///< the vantage points that saw it down, in run order
  std::vector<std::string> unobserved;  ///< those that did not observe it (a gap)
  bool everywhere = false;              ///< every vantage point saw it down

  /// end - start.
  [[nodiscard]] std::chrono::milliseconds duration() const;
  bool operator==(const MergedWindow&) const = default;
};

/// What several vantage points saw of one URL together.
struct MergedUrl {
  std::string url;
  std::vector<MergedWindow> windows;  ///< in time order
  /// Downtime seen from every vantage point at once, and seen from some only.
  [[nodiscard]] std::chrono::milliseconds downtime(bool everywhere) const;
};

/// The runs of several vantage points merged over the period every one of them watched.
struct MergedReport {
  WallTime start;  ///< the latest start of the runs
  WallTime end;    ///< the earliest end
  std::vector<MergedUrl> urls;
  bool unobserved = false;  ///< some vantage point did not observe part of the period
  /// Windows a vantage point saw wholly or partly outside the period all watched (their runs
  /// began or ended apart, or their clocks disagree), each named: left out of the merge.
  std::vector<std::string> outside;

  /// down if any vantage point saw a URL down; else inconclusive if part of the period was not
  /// observed from one of them, or one saw a window outside it; else up.
  [[nodiscard]] RunVerdict verdict() const;
};

/// Merges `runs` (two or more, each of a different vantage point): each URL's windows as users
/// saw them (a window of the prober's own network left out) and its gaps, over the period all
/// watched. Throws UsageError if the runs are of different URLs or did not overlap in time.
[[nodiscard]] MergedReport merge_runs(const std::vector<VantageRun>& runs);

/// What the runs of several machines can say about when, by their own clocks.
inline constexpr std::string_view kClocksNote =
    "each time is its prober's own clock: the clocks of different machines differ (by tens of "
    "milliseconds under NTP, by far more without it), so a window seen from one vantage point "
    "may start or end that much earlier or later than from another, and one shorter than that "
    "difference may be counted as seen from some where all saw it, or the reverse";

/// A window for people: "START to END (0.400s): office, eu-west-1a (not observed from lab)".
[[nodiscard]] std::string describe(const MergedWindow& window);

/// Why the merged report of `vantages` vantage points has its verdict, as its VERDICT line says.
[[nodiscard]] std::string merged_reason(const MergedReport& merged, std::size_t vantages);

}  // namespace upwatch
