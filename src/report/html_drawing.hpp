#pragma once

// The drawings of the HTML page of one run: private to report/.

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/run_info.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/analysis/timeline.hpp"
#include "upwatch/core/wall_time.hpp"
#include "upwatch/report/html_report.hpp"

namespace upwatch::html {

/// The width of the drawings in SVG units; they are scaled to the page's width.
constexpr double kWidth = 1000.0;
/// The thinnest mark drawn, in SVG units, so that one failure among a million shows.
constexpr double kThinnest = 1.0;
/// The colours of the phases' lines, in the order of Phase.
constexpr std::array<std::string_view, kPhaseCount> kPhaseColours{"#8e24aa", "#00897b", "#f4511e",
                                                                  "#6d4c41"};
/// The height of the latency drawing, in SVG units.
constexpr double kLatencyHeight = 100.0;

/// Appends the formatted text to `out`.
template <typename... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

/// Maps the run's time onto the drawings' x axis.
class TimeAxis {
 public:
  explicit TimeAxis(const RunInfo& run)
      : start_(run.start),
        length_(std::max<std::chrono::milliseconds>(run.end - run.start,
                                                    std::chrono::milliseconds{1})) {}
  [[nodiscard]] double x(WallTime time) const {
    const auto offset = static_cast<double>((time - start_).count());
    return std::clamp(offset / static_cast<double>(length_.count()) * kWidth, 0.0, kWidth);
  }
  /// The axis under a drawing, a row of its chart: "UTC", then axis_ticks' labels, each
  /// centred on its instant.
  [[nodiscard]] std::string labels() const;

 private:
  WallTime start_;
  std::chrono::milliseconds length_;
};

/// The row of a chart above its drawing that labels the run's marks with their text, each
/// at its line; "" if the run has none.
[[nodiscard]] std::string render_mark_labels(const RunInfo& run, const TimeAxis& axis);
/// The marks of the run as lines across a drawing `height` units high.
[[nodiscard]] std::string render_mark_lines(const RunInfo& run, const TimeAxis& axis,
                                            double height);

/// A lane per target of a run of several, with its probes, under the marks' labels.
[[nodiscard]] std::string render_lanes(const RunInfo& run, const RunResults& results,
                                       const std::vector<Timeline>& timelines,
                                       const TimeAxis& axis);
/// The strip of every probe of a target (number `target`, from 1, in the page), coloured by
/// outcome, with its windows and gaps under it and the marks across it.
[[nodiscard]] std::string render_strip(const RunInfo& run, const RunAnalysis& analysis,
                                       const Timeline& timeline, const TimeAxis& axis,
                                       std::size_t target);
/// The latency of good probes over time: each column's band, mean and phases.
[[nodiscard]] std::string render_latency(const RunInfo& run, const Timeline& timeline,
                                         const TimeAxis& axis);
/// A lane per tracked name with the values its good answers held; "" if nothing was tracked.
[[nodiscard]] std::string render_versions(const RunInfo& run, const RunAnalysis& analysis,
                                          const Timeline& timeline, const TimeAxis& axis);

}  // namespace upwatch::html
