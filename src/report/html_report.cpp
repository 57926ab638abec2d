#include "upwatch/report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "html_drawing.hpp"
#include "summary_words.hpp"
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

/// The windows of target number `target` (from 1) as a table, each row lit with its mark.
std::string render_window_list(const RunInfo& run, const RunAnalysis& analysis,
                               std::size_t target) {
  if (analysis.windows.empty()) return "<p>No downtime window.</p>\n";
  std::string out = R"(<table class="window-list"><tr><th>#</th><th>start</th><th>end</th>)"
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
           R"(<tr class="window-row" id="window-{0}-{1}" data-window="{0}-{1}"><td>{1}</td>)"
           R"(<td>{2}</td><td>{3}</td><td>{4}</td><td>{5} (#{6}-#{7})</td><td>{8}</td>)"
           R"(<td>{9}</td></tr>)",
           target, number, format_iso_utc(window.start),
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

/// The marks people made in the run's log and the windows of its targets, in time order.
std::string render_events(const RunInfo& run, const RunResults& results) {
  summary::NamedAnalyses targets;
  for (const auto& target : results.targets) {
    targets.emplace_back(results.single() ? "" : summary::target_name(target), &target.analysis);
  }
  const auto events = summary::run_events(run, targets);
  if (events.empty()) return {};
  std::string out = "<h2>Events</h2>\n<table id=\"events\"><tr><th>time</th><th>event</th></tr>\n";
  for (const auto& event : events) {
    append(out, "<tr class=\"{}\"><td>{}</td><td>{}</td></tr>\n", event.mark ? "mark" : "window",
           format_iso_utc(event.time), escape_html(event.text));
  }
  out += "</table>\n";
  if (run.marks_unlisted > 0) {
    append(out, "<p>... and {} more mark{} not listed.</p>\n", run.marks_unlisted,
           run.marks_unlisted == 1 ? "" : "s");
  }
  return out;
}

/// The section of target number `number` (from 1): its probes, versions, latency and windows,
/// under its name if the run has several.
std::string render_target(const RunInfo& run, const RunResults& results, std::size_t number,
                          const Timeline& timeline, const TimeAxis& axis) {
  const auto& target = results.targets[number - 1];
  const bool several = !results.single();
  const auto* heading = several ? "h3" : "h2";
  std::string out;
  append(out, R"(<section class="target" data-target="{}">)",
         escape_html(summary::target_name(target)));
  if (several) append(out, "\n<h2>{}</h2>\n", escape_html(summary::target_name(target)));
  if (results.both_connections && target.address.empty()) {
    out +=
        "<p>As users saw it: a tick failed if its probe on either kind of connection "
        "failed.</p>\n";
  }
  if (results.each_address && target.address.empty()) {
    out += "<p>As users saw it: a tick failed if any of its addresses failed.</p>\n<ul>";
    const std::vector<std::string>* before = nullptr;
    for (const auto& set : target.sets) {
      append(out, "<li>{} from #{}: {}</li>", format_iso_utc(set.time), set.first_tick,
             escape_html(describe(set, before)));
      before = &set.addresses;
    }
    out += "</ul>\n";
  }
  append(out, "<{0}>Every probe</{0}>\n", heading);
  out += html::render_strip(run, target.analysis, timeline, axis, number);
  out += html::render_versions(run, target.analysis, timeline, axis);
  append(out, "<{0}>Latency of good probes</{0}>\n", heading);
  out += html::render_latency(run, timeline, axis);
  append(out, "<{0}>Downtime windows</{0}>\n", heading);
  return out + render_window_list(run, target.analysis, number) + "</section>\n";
}

}  // namespace

std::string render_html(const RunInfo& run, const RunResults& results,
                        const std::vector<Timeline>& timelines) {
  const auto verdict = results.verdict();
  std::string reasons;
  if (results.single()) {
    for (const auto& reason : verdict_reasons(run, results.targets.front().analysis)) {
      reasons += (reasons.empty() ? "" : "; ") + reason;
    }
  } else {
    reasons = describe_verdict(results);
  }
  std::string urls = escape_html(run.url);
  for (const auto& more : run.more_urls) urls += "<br>" + escape_html(more);
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
         format_date_local(run.start), format_date_local(run.end), urls,
         format_seconds(run.interval));
  if (!results.single()) {
    out += "<h2>Every target</h2>\n" + html::render_lanes(run, results, timelines, axis);
  }
  const Timeline none{run.start};
  for (std::size_t k = 0; k < results.targets.size(); ++k) {
    out += render_target(run, results, k + 1, k < timelines.size() ? timelines[k] : none, axis);
  }
  out += render_events(run, results);
  append(out, "<h2>Summary</h2>\n<pre id=\"summary\">{}</pre>\n",
         escape_html(render_report(run, results)));
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
