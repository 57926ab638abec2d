#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "upwatch/analysis/targets.hpp"
#include "upwatch/analysis/timeline.hpp"
#include "upwatch/report/report.hpp"

namespace upwatch {

/// The style sheet of upwatch's HTML pages.
extern const std::string_view kHtmlStyle;
/// The script of upwatch's HTML pages: a mark's `data-tip` shown as the pointer is on it, and
/// the marks and table row of its `data-window` lit with it.
extern const std::string_view kHtmlScript;

/// `text` with &, <, > and " escaped, for HTML text and attribute values.
[[nodiscard]] std::string escape_html(std::string_view text);

/// A labelled instant of a page's time axis.
struct AxisTick {
  WallTime time;
  std::string label;  ///< in UTC, to the step's precision: "12:00:05", "12:00:05.5", "12:05"
};

/// The instants to label on an axis from `start` to `end`: the multiples of the roundest step
/// (100 ms, 200 ms, 500 ms, 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 min ... 1 day) of which there
/// are at most 8 in it.
[[nodiscard]] std::vector<AxisTick> axis_ticks(WallTime start, WallTime end);

/// Renders a run as one self-contained HTML page (inline CSS, SVG and script; nothing fetched,
/// so it opens offline): the verdict, the START/END/URL/INT lines; for several targets, a lane
/// of each target's probes; for each target (the users' view of a URL before its addresses), a
/// strip of every probe coloured by outcome with the downtime windows and gaps marked under
/// it, the latency of good probes over time and its windows listed with their outcomes; the
/// marks and windows in time order; and the text summary. Marks are labelled lines across each
/// drawing. Hovering a column, window, gap or mark shows its details. `timelines` are the
/// targets', in the order of `results`. Its size is bounded by Timeline::kMaxColumns and
/// kMaxListed a target, whatever the number of probes.
[[nodiscard]] std::string render_html(const RunInfo& run, const RunResults& results,
                                      const std::vector<Timeline>& timelines);

/// The merged report (render_merged) as one self-contained HTML page: a lane of the windows every
/// vantage point saw and one for each vantage point's (a gap where it did not observe one), each
/// window's table row.
[[nodiscard]] std::string render_merged_html(const std::vector<VantageRun>& runs,
                                             const MergedReport& merged);

}  // namespace upwatch
