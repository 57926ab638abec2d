#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "upwatch/outage.hpp"
#include "upwatch/report.hpp"
#include "upwatch/targets.hpp"
#include "upwatch/wall_time.hpp"

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

  /// down if any vantage point saw a URL down; else inconclusive if part of the period was not
  /// observed from one of them; else up.
  [[nodiscard]] RunVerdict verdict() const;
};

/// Merges `runs` (two or more, each of a different vantage point): each URL's windows as users
/// saw them (a window of the prober's own network left out) and its gaps, over the period all
/// watched. Throws UsageError if the runs are of different URLs or did not overlap in time.
[[nodiscard]] MergedReport merge_runs(const std::vector<VantageRun>& runs);

/// The merged report for people: the period, the URLs, each vantage point, the verdict, then
/// each URL's windows seen from every vantage point apart from those seen from some, and what
/// the clocks of several machines allow. Ends with a newline.
[[nodiscard]] std::string render_merged(const std::vector<VantageRun>& runs,
                                        const MergedReport& merged);

/// The same as one JSON document.
[[nodiscard]] std::string render_merged_json(const std::vector<VantageRun>& runs,
                                             const MergedReport& merged);

/// The same as one self-contained HTML page: a lane of the windows every vantage point saw and
/// one for each vantage point's (a gap where it did not observe one), each window's table row.
[[nodiscard]] std::string render_merged_html(const std::vector<VantageRun>& runs,
                                             const MergedReport& merged);

}  // namespace upwatch
