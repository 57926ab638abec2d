#include "html_drawing.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "upwatch/analysis/versions.hpp"
#include "upwatch/core/duration.hpp"

namespace upwatch::html {

namespace {

std::string millis(std::chrono::microseconds value) {
  std::string text;
  append_millis(text, value);
  return text;
}

/// A mark from x0 to x1 (at least kThinnest wide), in SVG units.
void append_mark(std::string& out, std::string_view attributes, double x0, double x1, double y,
                 double height, std::string_view tip) {
  const double width = std::max(x1 - x0, kThinnest);
  x0 = std::min(x0, kWidth - width);
  append(out, R"(<rect {} x="{:.2f}" y="{:.1f}" width="{:.2f}" height="{:.1f}" data-tip="{}"/>)",
         attributes, x0, y, width, height, escape_html(tip));
  out += '\n';
}

std::string column_tip(const TimelineColumn& column) {
  const auto count = column.probes();
  std::string tip =
      count == 1
          ? fmt::format("#{} sent {}", column.first_sequence, format_iso_utc(column.first_sent))
          : fmt::format("#{}-#{}: {} probes sent {} to {}", column.first_sequence,
                        column.last_sequence, count, format_iso_utc(column.first_sent),
                        format_iso_utc(column.last_sent));
  append(tip, "\n{}", format_counts(column.outcomes));
  if (column.up == 1 && count == 1) {
    append(tip, " in {}", millis(column.good_total));
  } else if (column.up > 0) {
    append(tip, "\ngood probes: {} to {}, mean {}", millis(column.fastest), millis(column.slowest),
           millis(column.good_total / column.up));
  }
  return tip;
}

std::string_view column_class(const TimelineColumn& column) {
  if (column.down > 0) return "down";
  if (column.unanswered > 0) return "unanswered";
  return "up";
}

/// Where a column of probes is drawn, from x0 to x1.
struct ColumnExtent {
  const TimelineColumn* column;
  double x0;
  double x1;
};

/// Where each column with probes is drawn: from its first probe until the next column's, but
/// never more than an interval past its own time, so that where no probe was sent the
/// drawing stays empty; a little over, so that neighbours leave no seam between them.
std::vector<ColumnExtent> column_extents(const RunInfo& run, const Timeline& timeline,
                                         const TimeAxis& axis) {
  constexpr double kSeam = 0.25;
  const auto& columns = timeline.columns();
  const auto interval = std::chrono::ceil<std::chrono::milliseconds>(run.interval);
  std::vector<ColumnExtent> extents;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const auto& column = columns[k];
    if (column.probes() == 0) continue;
    const auto begins = timeline.start() + timeline.span() * static_cast<std::int64_t>(k);
    auto x1 = axis.x(std::max(begins + timeline.span(), column.last_sent + interval));
    for (auto next = k + 1; next < columns.size(); ++next) {
      if (columns[next].probes() == 0) continue;
      x1 = std::min(x1, axis.x(columns[next].first_sent) + kSeam);
      break;
    }
    extents.push_back({&column, axis.x(std::max(begins, column.first_sent)), x1});
  }
  return extents;
}

/// The colour of value `index` of a tracked name.
std::string_view value_colour(std::size_t index) {
  static constexpr std::array<std::string_view, 8> kPalette{
      "#3949ab", "#00acc1", "#7cb342", "#fdd835", "#8e24aa", "#f4511e", "#6d4c41", "#546e7a"};
  return kPalette[index % kPalette.size()];
}

}  // namespace

/// The strip of probes, and under it the lanes of windows and gaps.
std::string render_strip(const RunInfo& run, const RunAnalysis& analysis, const Timeline& timeline,
                         const TimeAxis& axis) {
  const bool marked = !run.marks.empty();
  std::string out = R"(<div class="chart"><div class="lanes"><div style="height:48px">probes</div>)"
                    R"(<div>windows</div><div>gaps</div>)";
  if (marked) out += "<div>marks</div>";
  // Each lane is 16 units high, drawn 24 pixels high.
  append(
      out,
      R"(</div><svg id="timeline" viewBox="0 0 1000 {}" preserveAspectRatio="none" height="{}">)",
      marked ? 80 : 64, marked ? 120 : 96);
  out += "\n<g id=\"probes\">\n";
  for (const auto& [column, x0, x1] : column_extents(run, timeline, axis)) {
    append_mark(out, fmt::format(R"(class="{}")", column_class(*column)), x0, x1, 0, 30,
                column_tip(*column));
  }
  out += "</g>\n<g id=\"windows\">\n";
  std::size_t number = 0;
  for (const auto& window : analysis.windows) {
    ++number;
    const auto end = window.end.value_or(run.end);
    auto tip =
        fmt::format("window {}: {} to {}, {}\n{} failed probes (#{}-#{}): {}", number,
                    format_iso_utc(window.start),
                    window.end ? format_iso_utc(*window.end) : "still down at END",
                    format_elapsed(window.duration(run.end)), window.failed, window.first_sequence,
                    window.last_sequence, format_counts(window.outcomes));
    if (window.prober_network) tip += "\nthe control failed too: probably the prober's network";
    append_mark(out, fmt::format(R"(class="window" data-window="{}")", number),
                axis.x(window.start), std::max(axis.x(end), axis.x(window.start) + 2 * kThinnest),
                34, 12, tip);
  }
  out += "</g>\n<g id=\"gaps\">\n";
  for (const auto& gap : analysis.gaps) {
    append_mark(out, R"(class="gap")", axis.x(gap.start), axis.x(gap.end), 50, 12,
                fmt::format("{} to {}, {}\n{}", format_iso_utc(gap.start), format_iso_utc(gap.end),
                            format_elapsed(gap.duration()), describe(gap)));
  }
  if (marked) {
    out += "</g>\n<g id=\"marks\">\n";
    for (const auto& mark : run.marks) {
      const auto x = axis.x(mark.time);
      append_mark(out, R"(class="mark")", x, x, 66, 12,
                  fmt::format("{}\n{}", mark.text, format_iso_utc(mark.time)));
    }
  }
  out += "</g>\n</svg><div></div>" + axis.labels() + "</div>\n";
  return out;
}

/// A logarithmic scale of latency over whole decades, at least one, in the latency chart's
/// height.
struct LogScale {
  double low;   ///< the lowest decade, in microseconds
  double high;  ///< the highest decade, in microseconds

  /// The height of `micros` from the chart's top.
  [[nodiscard]] double y(double micros) const {
    const double share = (std::log10(std::max(micros, low)) - std::log10(low)) /
                         (std::log10(high) - std::log10(low));
    return kLatencyHeight * (1.0 - share);
  }
};

/// The scale that holds every good probe's latency and phase means of `timeline`; none if
/// there was no good probe.
std::optional<LogScale> latency_scale(const Timeline& timeline) {
  double low = INFINITY;
  double high = 0;
  for (const auto& column : timeline.columns()) {
    if (column.up == 0) continue;
    low = std::min(low, static_cast<double>(std::max<std::int64_t>(column.fastest.count(), 1)));
    high = std::max(high, static_cast<double>(column.slowest.count()));
    for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
      if (column.phase_count[phase] == 0) continue;
      const auto mean = static_cast<double>(column.phase_total[phase].count()) /
                        static_cast<double>(column.phase_count[phase]);
      low = std::min(low, std::max(mean, 1.0));
    }
  }
  if (high == 0) return std::nullopt;
  low = std::pow(10.0, std::floor(std::log10(low)));
  high = std::pow(10.0, std::max(std::ceil(std::log10(high)), std::log10(low) + 1));
  return LogScale{low, high};
}

/// Appends to `out` the line of each phase's mean per column, and its entry to `legend`.
void append_phase_lines(std::string& out, std::string& legend, const RunInfo& run,
                        const Timeline& timeline, const TimeAxis& axis, const LogScale& scale) {
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    std::string path;
    bool going = false;
    for (const auto& [column, x0, x1] : column_extents(run, timeline, axis)) {
      const auto count = column->phase_count[phase];
      if (count == 0) {
        going = false;
        continue;
      }
      const double mean =
          static_cast<double>(column->phase_total[phase].count()) / static_cast<double>(count);
      append(path, "{}{:.2f},{:.2f}", going ? " L" : " M", (x0 + x1) / 2, scale.y(mean));
      going = true;
    }
    if (path.empty()) continue;
    const auto name = format_as(static_cast<Phase>(phase));
    append(out, R"(<path class="phase" data-phase="{}" style="stroke:{}" d="{}"/>)", name,
           kPhaseColours[phase], path);
    append(legend,
           R"(<span><i class="chip" style="background:{}"></i>{} (mean, from sending)</span>)",
           kPhaseColours[phase], name);
  }
}

/// The latency of good probes per column: the range as a band, the mean as a line, on a
/// logarithmic scale.
std::string render_latency(const RunInfo& run, const Timeline& timeline, const TimeAxis& axis) {
  if (!run.latency_recorded) return "<p>Latency is not recorded in this log.</p>\n";
  const auto scale = latency_scale(timeline);
  if (!scale) return "<p>No good probes: no latency to show.</p>\n";
  std::string out = R"(<div class="chart"><div class="yaxis">)";
  for (double decade = scale->low; decade <= scale->high * 1.001; decade *= 10) {
    append(out, R"(<span style="bottom:{:.1f}%">{:g}ms</span>)",
           100.0 - scale->y(decade) / kLatencyHeight * 100.0, decade / 1000.0);
  }
  out +=
      R"(</div><svg id="latency" viewBox="0 0 1000 100" preserveAspectRatio="none" height="160">)";
  out += '\n';
  std::string line;
  bool drawing = false;
  for (const auto& [column, x0, x1] : column_extents(run, timeline, axis)) {
    if (column->up == 0) {
      drawing = false;  // no good probe here: the line breaks
      continue;
    }
    const auto fastest = scale->y(static_cast<double>(column->fastest.count()));
    const auto slowest = scale->y(static_cast<double>(column->slowest.count()));
    append_mark(out, R"(class="band")", x0, x1, slowest, std::max(1.0, fastest - slowest),
                column_tip(*column));
    const double mean =
        static_cast<double>(column->good_total.count()) / static_cast<double>(column->up);
    append(line, "{}{:.2f},{:.2f}", drawing ? " L" : " M", (x0 + x1) / 2, scale->y(mean));
    drawing = true;
  }
  append(out, R"(<path class="mean" d="{}"/>)", line);
  std::string legend =
      R"(<div class="legend"><span><i class="chip" style="background:#1565c0"></i>total (mean; band: range)</span>)";
  append_phase_lines(out, legend, run, timeline, axis, *scale);
  out += "\n</svg><div></div>" + axis.labels() + "</div>\n" + legend + "</div>\n";
  return out;
}

/// A lane per tracked name: in each column, the values of its good answers, stacked by share,
/// and under the lanes the switches and comebacks of the summary.
std::string render_versions(const RunInfo& run, const RunAnalysis& analysis,
                            const Timeline& timeline, const TimeAxis& axis) {
  if (analysis.versions.empty()) return {};
  std::string out = "<h2>Versions</h2>\n";
  const auto& names = timeline.tracked_names();
  for (const auto& tracked : analysis.versions) {
    const auto found = std::ranges::find(names, tracked.name);
    append(out, R"(<div class="chart"><div class="lanes"><div>{}</div></div>)",
           escape_html(tracked.name));
    append(
        out,
        R"(<svg class="versions" data-name="{}" viewBox="0 0 1000 20" preserveAspectRatio="none" height="24">)",
        escape_html(tracked.name));
    out += '\n';
    if (found != names.end()) {
      const auto name = static_cast<std::size_t>(found - names.begin());
      const auto& values = timeline.values(name);
      for (const auto& [column, x0, x1] : column_extents(run, timeline, axis)) {
        const auto counts = column->versions.find(name);
        if (counts == column->versions.end()) continue;
        std::uint64_t answers = 0;
        std::string tip = tracked.name + ":";
        for (const auto& [value, count] : counts->second) {
          answers += count;
          append(tip, " {} x {},", values[value], count);
        }
        tip.pop_back();
        double y = 0;
        for (const auto& [value, count] : counts->second) {
          const double height = 20.0 * static_cast<double>(count) / static_cast<double>(answers);
          append_mark(out, fmt::format(R"(class="version" style="fill:{}")", value_colour(value)),
                      x0, x1, y, height, tip);
          y += height;
        }
      }
    }
    out += "</svg><div></div></div>\n<div class=\"legend\">";
    if (found != names.end()) {
      const auto& values = timeline.values(static_cast<std::size_t>(found - names.begin()));
      for (std::size_t value = 0; value < values.size(); ++value) {
        append(out, R"(<span><i class="chip" style="background:{}"></i>{}</span>)",
               value_colour(value), escape_html(values[value]));
      }
    }
    out += "</div>\n<ul class=\"switches\">";
    for (const auto& change : tracked.switches) {
      append(out, "<li>{}</li>", escape_html(describe(change)));
    }
    for (const auto& back : tracked.comebacks)
      append(out, "<li>{}</li>", escape_html(describe(back)));
    out += "</ul>\n";
  }
  return out;
}

}  // namespace upwatch::html
