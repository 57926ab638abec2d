#include "upwatch/report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "upwatch/analysis/versions.hpp"
#include "upwatch/core/duration.hpp"

namespace upwatch {

namespace {

/// The width of the drawings in SVG units; they are scaled to the page's width.
constexpr double kWidth = 1000.0;
/// The thinnest mark drawn, in SVG units, so that one failure among a million shows.
constexpr double kThinnest = 1.0;
/// The colours of the phases' lines, in the order of Phase.
constexpr std::array<std::string_view, kPhaseCount> kPhaseColours{"#8e24aa", "#00897b", "#f4511e",
                                                                  "#6d4c41"};
/// The height of the latency drawing, in SVG units.
constexpr double kLatencyHeight = 100.0;

}  // namespace

constexpr std::string_view kHtmlStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{margin:0;font-size:28px;text-transform:uppercase}h2{font-size:17px;margin:28px 0 8px}
.verdict{padding:12px 16px;border-radius:6px;color:#fff}
.verdict.up{background:#2e7d32}.verdict.down{background:#c62828}.verdict.inconclusive{background:#b26a00}
.verdict p{margin:4px 0 0}
dl.seed{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-family:monospace}
dl.seed dt{font-weight:bold}dl.seed dd{margin:0}
.chart{display:grid;grid-template-columns:90px 1fr;gap:4px 8px;align-items:center}
.lanes{text-align:right;color:#555;font-size:12px}.lanes div{height:24px;line-height:24px}
svg{width:100%;display:block;background:#fafafa;border:1px solid #ddd}
svg rect{shape-rendering:crispEdges}
.up{fill:#43a047}.down{fill:#e53935}.unanswered{fill:#fb8c00}
.window{fill:#c62828}.gap{fill:#9e9e9e}.mark{fill:#6a1b9a}.band{fill:#90caf9}
.mean{fill:none;stroke:#1565c0;stroke-width:1.5px;vector-effect:non-scaling-stroke}
.phase{fill:none;stroke-width:1px;vector-effect:non-scaling-stroke;stroke-dasharray:4 2}
.legend{font-size:12px;color:#555;margin:4px 0 0 98px}.legend span{margin-right:14px;white-space:nowrap}
.chip{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.axis{position:relative;height:18px;font-size:11px;color:#555}
.axis span{position:absolute;transform:translateX(-50%);white-space:nowrap}
.yaxis{position:relative;height:160px;font-size:11px;color:#555}
.yaxis span{position:absolute;right:0;transform:translateY(50%)}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
tr.highlight td{background:#ffebee}rect.highlight{stroke:#000;stroke-width:2px;vector-effect:non-scaling-stroke}
pre{background:#f5f5f5;padding:12px;overflow-x:auto}
#tip{position:fixed;pointer-events:none;background:#263238;color:#fff;padding:6px 8px;border-radius:4px;
font:12px/1.4 monospace;white-space:pre;max-width:700px;z-index:9}
)";

constexpr std::string_view kHtmlScript = R"(
(function () {
  const tip = document.getElementById('tip');
  function rowOf(mark) {
    return mark.dataset.window ? document.getElementById('window-' + mark.dataset.window) : null;
  }
  let lit = [];
  function light(marks) {
    lit.forEach(function (each) { each.classList.remove('highlight'); });
    lit = marks;
    lit.forEach(function (each) { each.classList.add('highlight'); });
  }
  document.addEventListener('mousemove', function (event) {
    const mark = event.target.closest('[data-tip]');
    if (!mark) { tip.hidden = true; light([]); return; }
    tip.textContent = mark.dataset.tip;
    tip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
    tip.style.left = Math.max(4, x) + 'px';
    tip.style.top = (event.clientY + 16) + 'px';
    const marks = [mark];
    if (mark.dataset.window) {
      document.querySelectorAll('[data-window="' + mark.dataset.window + '"]')
          .forEach(function (each) { if (each !== mark) marks.push(each); });
      const row = rowOf(mark);
      if (row && marks.indexOf(row) < 0) marks.push(row);
    }
    light(marks);
  });
  document.body.dataset.ready = 'yes';
})();
)";

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

template <typename... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

std::string millis(std::chrono::microseconds value) {
  std::string text;
  append_millis(text, value);
  return text;
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
  /// About six labelled times, evenly spaced, as "HH:MM:SS" in UTC.
  [[nodiscard]] std::string labels() const {
    std::string out = R"(<div class="axis">)";
    constexpr int kLabels = 6;
    for (int k = 0; k <= kLabels; ++k) {
      const auto time = start_ + length_ * k / kLabels;
      const auto iso = format_iso_utc(time);
      // Tenths of a second where the labels are less than a second apart.
      const auto label = iso.substr(11, length_ < std::chrono::seconds{kLabels} ? 10 : 8);
      append(out, R"(<span style="left:{:.2f}%">{}</span>)", 100.0 * k / kLabels,
             k == kLabels ? label + " UTC" : label);
    }
    return out + "</div>";
  }

 private:
  WallTime start_;
  std::chrono::milliseconds length_;
};

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

/// The latency of good probes per column: the range as a band, the mean as a line, on a
/// logarithmic scale.
std::string render_latency(const RunInfo& run, const Timeline& timeline, const TimeAxis& axis) {
  if (!run.latency_recorded) return "<p>Latency is not recorded in this log.</p>\n";
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
  if (high == 0) return "<p>No good probes: no latency to show.</p>\n";
  // Whole decades, at least one.
  low = std::pow(10.0, std::floor(std::log10(low)));
  high = std::pow(10.0, std::max(std::ceil(std::log10(high)), std::log10(low) + 1));
  const auto y = [&](double micros) {
    const double share = (std::log10(std::max(micros, low)) - std::log10(low)) /
                         (std::log10(high) - std::log10(low));
    return kLatencyHeight * (1.0 - share);
  };
  std::string out = R"(<div class="chart"><div class="yaxis">)";
  for (double decade = low; decade <= high * 1.001; decade *= 10) {
    append(out, R"(<span style="bottom:{:.1f}%">{:g}ms</span>)",
           100.0 - y(decade) / kLatencyHeight * 100.0, decade / 1000.0);
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
    const auto fastest = y(static_cast<double>(column->fastest.count()));
    const auto slowest = y(static_cast<double>(column->slowest.count()));
    append_mark(out, R"(class="band")", x0, x1, slowest, std::max(1.0, fastest - slowest),
                column_tip(*column));
    const double mean =
        static_cast<double>(column->good_total.count()) / static_cast<double>(column->up);
    append(line, "{}{:.2f},{:.2f}", drawing ? " L" : " M", (x0 + x1) / 2, y(mean));
    drawing = true;
  }
  append(out, R"(<path class="mean" d="{}"/>)", line);
  std::string legend =
      R"(<div class="legend"><span><i class="chip" style="background:#1565c0"></i>total (mean; band: range)</span>)";
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
      append(path, "{}{:.2f},{:.2f}", going ? " L" : " M", (x0 + x1) / 2, y(mean));
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
  out += "\n</svg><div></div>" + axis.labels() + "</div>\n" + legend + "</div>\n";
  return out;
}

/// The colour of value `index` of a tracked name.
std::string_view value_colour(std::size_t index) {
  static constexpr std::array<std::string_view, 8> kPalette{
      "#3949ab", "#00acc1", "#7cb342", "#fdd835", "#8e24aa", "#f4511e", "#6d4c41", "#546e7a"};
  return kPalette[index % kPalette.size()];
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

std::string render_window_list(const RunInfo& run, const RunAnalysis& analysis) {
  if (analysis.windows.empty()) return "<p>No downtime window.</p>\n";
  std::string out = R"(<table id="window-list"><tr><th>#</th><th>start</th><th>end</th>)"
                    R"(<th>duration</th><th>failed probes</th><th>outcomes</th><th>note</th></tr>)";
  out += '\n';
  std::size_t number = 0;
  for (const auto& window : analysis.windows) {
    ++number;
    std::string note;
    if (window.prober_network) note += "prober's network (the control failed too); ";
    if (window.began_in_gap) note += "began in a gap: its true start is unknown; ";
    if (window.ended_in_gap) note += "ended by a gap: its true end is unknown; ";
    append(out,
           R"(<tr class="window-row" id="window-{0}" data-window="{0}"><td>{0}</td><td>{1}</td>)"
           R"(<td>{2}</td><td>{3}</td><td>{4} (#{5}-#{6})</td><td>{7}</td><td>{8}</td></tr>)",
           number, format_iso_utc(window.start),
           window.end ? format_iso_utc(*window.end) : "still down at END",
           format_elapsed(window.duration(run.end)), window.failed, window.first_sequence,
           window.last_sequence, escape_html(format_counts(window.outcomes)), escape_html(note));
    out += '\n';
  }
  out += "</table>\n";
  if (analysis.unlisted_windows.count > 0) {
    const auto& more = analysis.unlisted_windows;
    append(out, "<p>... and {} more window{} ({} failed probe{}, {} of downtime) not listed.</p>\n",
           more.count, more.count == 1 ? "" : "s", more.probes, more.probes == 1 ? "" : "s",
           format_elapsed(more.time));
  }
  return out;
}

/// The marks people made in the run's log, in the order written.
std::string render_mark_list(const RunInfo& run) {
  if (run.marks.empty()) return {};
  std::string out = "<h2>Marks</h2>\n<table id=\"mark-list\"><tr><th>time</th><th>mark</th></tr>\n";
  for (const auto& mark : run.marks) {
    append(out, "<tr><td>{}</td><td>{}</td></tr>\n", format_iso_utc(mark.time),
           escape_html(mark.text));
  }
  out += "</table>\n";
  if (run.marks_unlisted > 0)
    append(out, "<p>... and {} more not listed.</p>\n", run.marks_unlisted);
  return out;
}

}  // namespace

std::string render_html(const RunInfo& run, const RunAnalysis& analysis, const Timeline& timeline) {
  const auto verdict = analysis.verdict();
  std::string reasons;
  for (const auto& reason : verdict_reasons(run, analysis)) {
    reasons += (reasons.empty() ? "" : "; ") + reason;
  }
  const TimeAxis axis{run};
  std::string out;
  append(out,
         "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width\">\n"
         "<title>upwatch: {}</title>\n<style>{}</style></head>\n<body data-verdict=\"{}\">\n",
         escape_html(run.url), kHtmlStyle, format_as(verdict));
  append(out,
         "<header class=\"verdict {0}\"><h1 id=\"verdict\">{0}</h1><p id=\"reasons\">{1}</p>"
         "</header>\n",
         format_as(verdict), escape_html(reasons));
  append(out,
         "<dl class=\"seed\"><dt>START:</dt><dd>{}</dd><dt>END:</dt><dd>{}</dd><dt>URL:</dt>"
         "<dd>{}</dd><dt>INT:</dt><dd>{}</dd></dl>\n",
         format_date_local(run.start), format_date_local(run.end), escape_html(run.url),
         format_seconds(run.interval));
  out += "<h2>Every probe</h2>\n" + render_strip(run, analysis, timeline, axis);
  out += render_versions(run, analysis, timeline, axis);
  out += "<h2>Latency of good probes</h2>\n" + render_latency(run, timeline, axis);
  out += "<h2>Downtime windows</h2>\n" + render_window_list(run, analysis);
  out += render_mark_list(run);
  append(out, "<h2>Summary</h2>\n<pre id=\"summary\">{}</pre>\n",
         escape_html(render_summary(run, analysis)));
  append(out, "<div id=\"tip\" hidden></div>\n<script>{}</script>\n</body></html>\n", kHtmlScript);
  return out;
}

std::string render_merged_html(const std::vector<VantageRun>& runs, const MergedReport& merged) {
  const auto verdict = merged.verdict();
  const double span = std::chrono::duration<double>(merged.end - merged.start).count();
  // The place of `time` across the drawing, 0 to 1000.
  const auto x = [&](WallTime time) {
    return 1000.0 * std::chrono::duration<double>(time - merged.start).count() / span;
  };
  auto out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width\">\n"
      "<title>upwatch: {} vantage points</title>\n<style>{}</style></head>\n"
      "<body data-verdict=\"{}\">\n<header class=\"verdict {}\"><h1 id=\"verdict\">{}</h1>"
      "<p id=\"reasons\">{}</p></header>\n<dl class=\"seed\"><dt>START:</dt><dd>{}</dd>"
      "<dt>END:</dt><dd>{}</dd></dl>\n",
      runs.size(), kHtmlStyle, format_as(verdict), format_as(verdict), format_as(verdict),
      escape_html(merged_reason(merged, runs.size())), format_date_local(merged.start),
      format_date_local(merged.end));
  std::size_t number = 0;
  for (const auto& url : merged.urls) {
    // A lane for the windows all saw, then one for each vantage point.
    out +=
        fmt::format("<h2>{}</h2>\n<div class=\"chart\"><div class=\"lanes\"><div>everywhere</div>",
                    escape_html(url.url));
    for (const auto& run : runs) out += fmt::format("<div>{}</div>", escape_html(run.name));
    out += fmt::format(
        "</div><svg viewBox=\"0 0 1000 {}\" preserveAspectRatio=\"none\" "
        "style=\"height:{}px\">",
        24 * (runs.size() + 1), 24 * (runs.size() + 1));
    std::string rows;
    for (const auto& window : url.windows) {
      ++number;
      const auto tip = escape_html(describe(window));
      const double left = x(window.start);
      const double width = std::max(1.0, x(window.end) - left);
      const auto mark = [&](std::size_t lane, std::string_view kind) {
        out += fmt::format(
            "<rect class=\"{}\" x=\"{:.3f}\" y=\"{}\" width=\"{:.3f}\" height=\"16\" "
            "data-window=\"{}\" data-tip=\"{}\"/>",
            kind, left, 24 * lane + 4, width, number, tip);
      };
      if (window.everywhere) mark(0, "window");
      for (std::size_t i = 0; i < runs.size(); ++i) {
        if (std::ranges::find(window.down, runs[i].name) != window.down.end()) mark(i + 1, "down");
        if (std::ranges::find(window.unobserved, runs[i].name) != window.unobserved.end()) {
          mark(i + 1, "gap");
        }
      }
      rows += fmt::format(
          "<tr id=\"window-{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td></tr>\n",
          number, format_iso_utc(window.start), format_iso_utc(window.end),
          format_elapsed(window.duration()), window.everywhere ? "everywhere" : "some",
          escape_html(fmt::format("{}", fmt::join(window.down, ", "))),
          escape_html(fmt::format("{}", fmt::join(window.unobserved, ", "))));
    }
    out += fmt::format(
        "</svg></div>\n<table><tr><th>start</th><th>end</th><th>lasted</th><th>down</th>"
        "<th>seen by</th><th>not observed from</th></tr>\n{}</table>\n",
        rows);
  }
  out += fmt::format(
      "<h2>Summary</h2>\n<pre id=\"summary\">{}</pre>\n<div id=\"tip\" hidden></div>\n"
      "<script>{}</script>\n</body></html>\n",
      escape_html(render_merged(runs, merged)), kHtmlScript);
  return out;
}

}  // namespace upwatch
