#include "html_drawing.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "summary_words.hpp"
#include "upwatch/analysis/versions.hpp"
#include "upwatch/core/duration.hpp"

namespace upwatch {

std::vector<AxisTick> axis_ticks(WallTime start, WallTime end) {
  using std::chrono::milliseconds;
  using namespace std::chrono_literals;
  static constexpr std::array<milliseconds, 24> kSteps{
      10ms, 20ms, 50ms, 100ms, 200ms, 500ms, 1s, 2s, 5s, 10s, 15s, 30s,
      1min, 2min, 5min, 10min, 15min, 30min, 1h, 2h, 3h, 6h,  12h, 24h};
  constexpr std::int64_t kMost = 8;
  const auto length = std::max<milliseconds>(end - start, 1ms);
  const auto found =
      std::ranges::find_if(kSteps, [&](milliseconds step) { return length / step < kMost; });
  // Beyond 8 days: whole days.
  const auto step = found != kSteps.end() ? *found : 24h * (length / 24h / (kMost - 1) + 1);
  std::size_t decimals = 0;  // of the seconds in a label
  for (auto unit = 1000ms; step % unit != 0ms; unit /= 10) ++decimals;
  const auto since_epoch = start.time_since_epoch();
  std::vector<AxisTick> ticks;
  for (auto at = WallTime{(since_epoch + step - 1ms) / step * step}; at <= end; at += step) {
    const auto iso = format_iso_utc(at);  // "2026-11-26T12:00:05.500Z"
    std::string label;
    if (length >= 24h) {
      label = iso.substr(5, 5) + " " + iso.substr(11, 5);
    } else if (step % 1min == 0ms) {
      label = iso.substr(11, 5);
    } else {
      label = iso.substr(11, decimals == 0 ? 8 : 9 + decimals);
    }
    ticks.push_back({at, std::move(label)});
  }
  return ticks;
}

}  // namespace upwatch

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

/// Where each column with probes is drawn: from its first probe until the next column's,
/// if that was sent within one and a half intervals of its last (a tick later, give or take
/// the sending's jitter), so that neighbours leave no seam between them; else until an
/// interval past its last probe, so that where no probe was sent the drawing stays empty.
std::vector<ColumnExtent> column_extents(const RunInfo& run, const Timeline& timeline,
                                         const TimeAxis& axis) {
  constexpr double kOverlap = 0.25;
  const auto& columns = timeline.columns();
  const auto interval = std::chrono::ceil<std::chrono::milliseconds>(run.interval);
  std::vector<ColumnExtent> extents;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const auto& column = columns[k];
    if (column.probes() == 0) continue;
    const auto begins = timeline.start() + timeline.span() * static_cast<std::int64_t>(k);
    const auto ends = std::max(begins + timeline.span(), column.last_sent + interval);
    auto x1 = axis.x(ends);
    for (auto next = k + 1; next < columns.size(); ++next) {
      if (columns[next].probes() == 0) continue;
      const auto next_sent = columns[next].first_sent;
      if (next_sent <= column.last_sent + interval * 3 / 2 || next_sent < ends) {
        x1 = axis.x(next_sent) + kOverlap;
      }
      break;
    }
    extents.push_back({&column, axis.x(std::max(begins, column.first_sent)), x1});
  }
  return extents;
}

/// `text` cut to at most `longest` bytes, at a character's start, with "…" if it was cut.
std::string shortened(std::string_view text, std::size_t longest) {
  if (text.size() <= longest) return std::string{text};
  auto cut = longest;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return std::string{text.substr(0, cut)} + "…";
}

std::string mark_tip(const Mark& mark) {
  return fmt::format("{}\n{}", mark.text, format_iso_utc(mark.time));
}

/// "example.com/health" for a URL, "at 10.0.0.1" for one of its addresses.
std::string lane_name(const TargetResult& target) {
  if (target.address == kFreshConnection || target.address == kKeptConnection) {
    return fmt::format("on {} connections", target.address);
  }
  if (!target.address.empty()) return "at " + target.address;
  const auto scheme = target.url.find("://");
  return scheme == std::string::npos ? target.url : target.url.substr(scheme + 3);
}

/// The colour of value `index` of a tracked name.
std::string_view value_colour(std::size_t index) {
  static constexpr std::array<std::string_view, 8> kPalette{
      "#3949ab", "#00acc1", "#7cb342", "#fdd835", "#8e24aa", "#f4511e", "#6d4c41", "#546e7a"};
  return kPalette[index % kPalette.size()];
}

}  // namespace

std::string TimeAxis::labels() const {
  std::string out = R"(<div class="axis-name">UTC</div><div class="axis">)";
  for (const auto& tick : axis_ticks(start_, start_ + length_)) {
    append(out, R"(<span style="left:{:.2f}%">{}</span>)", x(tick.time) / kWidth * 100.0,
           tick.label);
  }
  return out + "</div>";
}

std::string render_mark_labels(const RunInfo& run, const TimeAxis& axis) {
  if (run.marks.empty()) return {};
  // A label's width, guessed from its length: a character is about 0.6% of a drawing 1,100
  // pixels wide; labels that would overlap go on rows below each other.
  constexpr double kCharacter = 0.62;
  constexpr std::size_t kLongest = 48;
  constexpr std::size_t kMostRows = 8;
  constexpr int kRowHeight = 16;
  std::vector<std::vector<std::pair<double, double>>> rows;
  std::string labels;
  for (const auto& mark : run.marks) {
    const auto text = shortened(mark.text, kLongest);
    const double at = axis.x(mark.time) / kWidth * 100.0;
    const double width = kCharacter * static_cast<double>(text.size()) + 1.0;
    const bool leftwards = at + width > 100.0;  // ends at its line rather than beginning there
    const std::pair extent{leftwards ? at - width : at, leftwards ? at : at + width};
    std::size_t row = 0;
    while (row < rows.size() && std::ranges::any_of(rows[row], [&](const auto& taken) {
             return extent.first < taken.second && taken.first < extent.second;
           })) {
      ++row;
    }
    if (row == kMostRows) row = kMostRows - 1;  // overlapping: its line and tip still tell it
    if (row == rows.size()) rows.emplace_back();
    rows[row].push_back(extent);
    append(labels,
           R"(<span class="mark-label{}" style="{}:{:.2f}%;top:{}px" data-tip="{}">{}</span>)",
           leftwards ? " leftwards" : "", leftwards ? "right" : "left", leftwards ? 100.0 - at : at,
           kRowHeight * static_cast<int>(row), escape_html(mark_tip(mark)), escape_html(text));
  }
  return fmt::format(R"(<div></div><div class="mark-labels" style="height:{}px">{}</div>)",
                     kRowHeight * static_cast<int>(rows.size()) + 2, labels);
}

std::string render_mark_lines(const RunInfo& run, const TimeAxis& axis, double height) {
  if (run.marks.empty()) return {};
  std::string out = "<g class=\"marks\">\n";
  for (const auto& mark : run.marks) {
    const auto x = axis.x(mark.time);
    append_mark(out, R"(class="mark")", x - kThinnest / 2, x + kThinnest / 2, 0, height,
                mark_tip(mark));
  }
  return out + "</g>\n";
}

std::string render_lanes(const RunInfo& run, const RunResults& results,
                         const std::vector<Timeline>& timelines, const TimeAxis& axis) {
  constexpr double kLane = 24.0;
  const auto height = kLane * static_cast<double>(results.targets.size());
  std::string out = R"(<div class="chart" id="lanes">)" + render_mark_labels(run, axis) +
                    R"(<div class="lanes">)";
  for (const auto& target : results.targets) {
    append(out, R"(<div class="{}" title="{}">{}</div>)",
           target.address.empty() ? "url" : "address", escape_html(summary::target_name(target)),
           escape_html(lane_name(target)));
  }
  append(out, R"(</div><svg viewBox="0 0 1000 {0}" preserveAspectRatio="none" height="{0}">)",
         height);
  out += '\n';
  for (std::size_t k = 0; k < results.targets.size() && k < timelines.size(); ++k) {
    const auto name = summary::target_name(results.targets[k]);
    for (const auto& [column, x0, x1] : column_extents(run, timelines[k], axis)) {
      append_mark(out, fmt::format(R"(class="{}")", column_class(*column)), x0, x1,
                  kLane * static_cast<double>(k) + 4, kLane - 8, name + "\n" + column_tip(*column));
    }
  }
  out += render_mark_lines(run, axis, height);
  return out + "</svg>" + axis.labels() + "</div>\n";
}

std::string render_strip(const RunInfo& run, const RunAnalysis& analysis, const Timeline& timeline,
                         const TimeAxis& axis, std::size_t target) {
  std::string out = R"(<div class="chart">)" + render_mark_labels(run, axis) +
                    R"(<div class="lanes"><div style="height:48px">probes</div>)"
                    R"(<div>windows</div><div>gaps</div>)";
  // Each lane is 16 units high, drawn 24 pixels high.
  out +=
      R"(</div><svg class="timeline" viewBox="0 0 1000 64" preserveAspectRatio="none" height="96">)";
  // The marks' lines under the probes, so that a column a line crosses still shows its tip.
  out += "\n" + render_mark_lines(run, axis, 64) + "<g class=\"probes\">\n";
  for (const auto& [column, x0, x1] : column_extents(run, timeline, axis)) {
    append_mark(out, fmt::format(R"(class="{}")", column_class(*column)), x0, x1, 0, 30,
                column_tip(*column));
  }
  out += "</g>\n<g class=\"windows\">\n";
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
    append_mark(out, fmt::format(R"(class="window" data-window="{}-{}")", target, number),
                axis.x(window.start), std::max(axis.x(end), axis.x(window.start) + 2 * kThinnest),
                34, 12, tip);
  }
  out += "</g>\n<g class=\"gaps\">\n";
  for (const auto& gap : analysis.gaps) {
    append_mark(out, R"(class="gap")", axis.x(gap.start), axis.x(gap.end), 50, 12,
                fmt::format("{} to {}, {}\n{}", format_iso_utc(gap.start), format_iso_utc(gap.end),
                            format_elapsed(gap.duration()), describe(gap)));
  }
  return out + "</g>\n</svg>" + axis.labels() + "</div>\n";
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
  std::string out =
      R"(<div class="chart">)" + render_mark_labels(run, axis) + R"(<div class="yaxis">)";
  for (double decade = scale->low; decade <= scale->high * 1.001; decade *= 10) {
    append(out, R"(<span style="bottom:{:.1f}%">{:g}ms</span>)",
           100.0 - scale->y(decade) / kLatencyHeight * 100.0, decade / 1000.0);
  }
  out +=
      R"(</div><svg class="latency" viewBox="0 0 1000 100" preserveAspectRatio="none" height="160">)";
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
  out += "\n" + render_mark_lines(run, axis, kLatencyHeight) + "</svg>" + axis.labels() +
         "</div>\n" + legend + "</div>\n";
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
