#pragma once

#include <string>
#include <string_view>

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

/// Renders a run as one self-contained HTML page (inline CSS, SVG and script; nothing fetched,
/// so it opens offline): the verdict, the START/END/URL/INT lines, a strip of every probe
/// coloured by outcome with the downtime windows and gaps marked under it, the latency of good
/// probes over time, the windows listed with their outcomes, and the text summary. Hovering a
/// column, window or gap shows its details. Its size is bounded by Timeline::kMaxColumns and
/// kMaxListed, whatever the number of probes.
[[nodiscard]] std::string render_html(const RunInfo& run, const RunAnalysis& analysis,
                                      const Timeline& timeline);

/// The merged report (render_merged) as one self-contained HTML page: a lane of the windows every
/// vantage point saw and one for each vantage point's (a gap where it did not observe one), each
/// window's table row.
[[nodiscard]] std::string render_merged_html(const std::vector<VantageRun>& runs,
                                             const MergedReport& merged);

}  // namespace upwatch
