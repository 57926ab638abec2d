#include "upwatch/report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "html_drawing.hpp"
#include "upwatch/analysis/versions.hpp"
#include "upwatch/core/duration.hpp"

namespace upwatch {

using html::append;
using html::TimeAxis;

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
  out += "<h2>Every probe</h2>\n" + html::render_strip(run, analysis, timeline, axis);
  out += html::render_versions(run, analysis, timeline, axis);
  out += "<h2>Latency of good probes</h2>\n" + html::render_latency(run, timeline, axis);
  out += "<h2>Downtime windows</h2>\n" + render_window_list(run, analysis);
  out += render_mark_list(run);
  append(out, "<h2>Summary</h2>\n<pre id=\"summary\">{}</pre>\n",
         escape_html(render_summary(run, analysis)));
  append(out, "<div id=\"tip\" hidden></div>\n<script>{}</script>\n</body></html>\n", kHtmlScript);
  return out;
}

namespace {

/// The lanes of one URL of a merged report (everywhere, then each vantage point) with its
/// windows, and their table; windows are numbered on from `number`.
std::string render_merged_url(const MergedUrl& url, const std::vector<VantageRun>& runs,
                              const MergedReport& merged, std::size_t& number) {
  const double span = std::chrono::duration<double>(merged.end - merged.start).count();
  // The place of `time` across the drawing, 0 to 1000.
  const auto x = [&](WallTime time) {
    return 1000.0 * std::chrono::duration<double>(time - merged.start).count() / span;
  };
  auto out =
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
  return out;
}

}  // namespace

std::string render_merged_html(const std::vector<VantageRun>& runs, const MergedReport& merged) {
  const auto verdict = merged.verdict();
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
  for (const auto& url : merged.urls) out += render_merged_url(url, runs, merged, number);
  out += fmt::format(
      "<h2>Summary</h2>\n<pre id=\"summary\">{}</pre>\n<div id=\"tip\" hidden></div>\n"
      "<script>{}</script>\n</body></html>\n",
      escape_html(render_merged(runs, merged)), kHtmlScript);
  return out;
}

}  // namespace upwatch
