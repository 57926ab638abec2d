#include "upwatch/merge.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "upwatch/duration.hpp"
#include "upwatch/error.hpp"
#include "upwatch/html_report.hpp"
#include "upwatch/probe_log.hpp"

namespace upwatch {
namespace {

/// What the runs of several machines can say about when, by their own clocks.
constexpr std::string_view kClocksNote =
    "each time is its prober's own clock: the clocks of different machines differ (by tens of "
    "milliseconds under NTP, by far more without it), so a window seen from one vantage point "
    "may start or end that much earlier or later than from another, and one shorter than that "
    "difference may be counted as seen from some where all saw it, or the reverse";

/// A span of time [start, end).
struct Span {
  WallTime start;
  WallTime end;
};

/// The spans a vantage point saw a URL down in, and did not observe it in, within the period.
struct Seen {
  std::vector<Span> down;
  std::vector<Span> unobserved;
};

/// `span` cut to [start, end); nothing if it lies outside.
void add_clipped(std::vector<Span>& spans, Span span, WallTime start, WallTime end) {
  span.start = std::max(span.start, start);
  span.end = std::min(span.end, end);
  if (span.start < span.end) spans.push_back(span);
}

/// Whether a span of `spans` holds the instant `at`.
bool holds(const std::vector<Span>& spans, WallTime at) {
  return std::ranges::any_of(spans,
                             [&](const Span& span) { return span.start <= at && at < span.end; });
}

/// What `run` saw of `url` within [start, end).
Seen seen_by(const VantageRun& run, const std::string& url, WallTime start, WallTime end) {
  Seen seen;
  for (const auto& target : run.results.targets) {
    if (target.url != url || !target.address.empty()) continue;
    for (const auto& window : target.analysis.windows) {
      if (window.prober_network) continue;
      add_clipped(seen.down, {window.start, window.end.value_or(run.info.end)}, start, end);
    }
    for (const auto& gap : target.analysis.gaps) {
      add_clipped(seen.unobserved, {gap.start, gap.end}, start, end);
    }
  }
  return seen;
}

/// The stretches of [start, end) in which the same vantage points saw `url` down.
std::vector<MergedWindow> merge_url(const std::vector<VantageRun>& runs, const std::string& url,
                                    WallTime start, WallTime end, bool& unobserved) {
  std::vector<Seen> seen;
  std::set<WallTime> bounds{start, end};
  for (const auto& run : runs) {
    seen.push_back(seen_by(run, url, start, end));
    for (const auto* spans : {&seen.back().down, &seen.back().unobserved}) {
      for (const auto& span : *spans) bounds.insert({span.start, span.end});
    }
    unobserved = unobserved || !seen.back().unobserved.empty();
  }
  std::vector<MergedWindow> windows;
  for (auto at = bounds.begin(); std::next(at) != bounds.end(); ++at) {
    MergedWindow window{.start = *at, .end = *std::next(at)};
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (holds(seen[i].down, window.start)) window.down.push_back(runs[i].name);
      if (holds(seen[i].unobserved, window.start)) window.unobserved.push_back(runs[i].name);
    }
    if (window.down.empty()) continue;
    window.everywhere = window.down.size() == runs.size();
    if (!windows.empty() && windows.back().end == window.start &&
        windows.back().down == window.down && windows.back().unobserved == window.unobserved) {
      windows.back().end = window.end;
    } else {
      windows.push_back(std::move(window));
    }
  }
  return windows;
}

/// Every URL of a run, in order.
std::vector<std::string> urls_of(const RunInfo& info) { return all_urls(info.url, info.more_urls); }

/// "0.400s: office, eu-west-1a (not observed from: lab)".
std::string describe(const MergedWindow& window) {
  std::string text =
      fmt::format("{} to {} ({}): {}", format_iso_utc(window.start), format_iso_utc(window.end),
                  format_elapsed(window.duration()), fmt::join(window.down, ", "));
  if (!window.unobserved.empty()) {
    text += fmt::format(" (not observed from {})", fmt::join(window.unobserved, ", "));
  }
  return text;
}

/// "1 window, 0.400s".
std::string tally(const MergedUrl& url, bool everywhere) {
  const auto count = std::ranges::count(url.windows, everywhere, &MergedWindow::everywhere);
  return fmt::format("{} window{}, {}", count, count == 1 ? "" : "s",
                     format_elapsed(url.downtime(everywhere)));
}

/// The VERDICT line's reason.
std::string reason(const MergedReport& merged, std::size_t vantages) {
  std::chrono::milliseconds everywhere{0};
  std::chrono::milliseconds some{0};
  for (const auto& url : merged.urls) {
    everywhere += url.downtime(true);
    some += url.downtime(false);
  }
  if (everywhere.count() > 0) {
    return fmt::format(
        "all {} vantage points saw downtime at once for {}{}", vantages, format_elapsed(everywhere),
        some.count() > 0 ? fmt::format(", some of them for {} more", format_elapsed(some)) : "");
  }
  if (some.count() > 0) {
    return fmt::format("some vantage points saw downtime for {}, never all of them at once",
                       format_elapsed(some));
  }
  return merged.unobserved ? "no vantage point saw downtime, but part of the period was not "
                             "observed from one of them"
                           : "no vantage point saw downtime";
}

}  // namespace

std::chrono::milliseconds MergedWindow::duration() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(end - start);
}

std::chrono::milliseconds MergedUrl::downtime(bool everywhere) const {
  std::chrono::milliseconds total{0};
  for (const auto& window : windows) {
    if (window.everywhere == everywhere) total += window.duration();
  }
  return total;
}

RunVerdict MergedReport::verdict() const {
  const bool down =
      std::ranges::any_of(urls, [](const MergedUrl& url) { return !url.windows.empty(); });
  return down ? RunVerdict::down : unobserved ? RunVerdict::inconclusive : RunVerdict::up;
}

MergedReport merge_runs(const std::vector<VantageRun>& runs) {
  if (runs.size() < 2) throw UsageError("--merge needs the logs of two vantage points or more");
  auto urls = urls_of(runs.front().info);
  std::ranges::sort(urls);
  MergedReport merged{.start = runs.front().info.start, .end = runs.front().info.end};
  for (const auto& run : runs) {
    auto these = urls_of(run.info);
    std::ranges::sort(these);
    if (these != urls) {
      throw UsageError(fmt::format("--merge: '{}' watched {}, '{}' watched {}: not the same URLs",
                                   runs.front().log, fmt::join(urls, " "), run.log,
                                   fmt::join(these, " ")));
    }
    merged.start = std::max(merged.start, run.info.start);
    merged.end = std::min(merged.end, run.info.end);
  }
  if (merged.start >= merged.end) {
    std::vector<std::string> periods;
    for (const auto& run : runs) {
      periods.push_back(fmt::format("'{}' {} to {}", run.log, format_iso_utc(run.info.start),
                                    format_iso_utc(run.info.end)));
    }
    throw UsageError(fmt::format("--merge: the runs did not watch at the same time: {}",
                                 fmt::join(periods, ", ")));
  }
  for (const auto& url : urls_of(runs.front().info)) {
    merged.urls.push_back(
        {.url = url, .windows = merge_url(runs, url, merged.start, merged.end, merged.unobserved)});
  }
  return merged;
}

std::string render_merged(const std::vector<VantageRun>& runs, const MergedReport& merged) {
  auto out =
      fmt::format("MERGED: {} vantage points, over the time all of them watched\n", runs.size());
  out += fmt::format("START: {}\nEND: {}\n", format_date_local(merged.start),
                     format_date_local(merged.end));
  for (const auto& url : merged.urls) out += fmt::format("URL: {}\n", url.url);
  for (const auto& run : runs) {
    std::uint64_t probes = 0;
    std::uint64_t windows = 0;
    for (const auto& target : run.results.targets) {
      if (!target.address.empty()) continue;
      probes += target.analysis.probes();
      windows += target.analysis.windows.size();
    }
    out += fmt::format("VANTAGE: {}: log {}, {} to {}, {} probes, {} window{}\n", run.name, run.log,
                       format_iso_utc(run.info.start), format_iso_utc(run.info.end), probes,
                       windows, windows == 1 ? "" : "s");
  }
  const auto verdict = merged.verdict();
  out += fmt::format("VERDICT: {} (exit {}): {}\n", format_as(verdict), exit_status(verdict),
                     reason(merged, runs.size()));
  for (const auto& url : merged.urls) {
    if (merged.urls.size() > 1) out += fmt::format("\nTARGET: {}\n", url.url);
    for (const bool everywhere : {true, false}) {
      out += fmt::format("{}: {}\n", everywhere ? "DOWN EVERYWHERE" : "DOWN FROM SOME",
                         tally(url, everywhere));
      for (const auto& window : url.windows) {
        if (window.everywhere == everywhere) out += "  " + describe(window) + "\n";
      }
    }
  }
  out += fmt::format("CLOCKS: {}\n", kClocksNote);
  return out;
}

std::string render_merged_json(const std::vector<VantageRun>& runs, const MergedReport& merged) {
  using nlohmann::json;
  json vantages = json::array();
  for (const auto& run : runs) {
    vantages.push_back({{"name", run.name},
                        {"log", run.log},
                        {"start", format_iso_utc(run.info.start)},
                        {"end", format_iso_utc(run.info.end)}});
  }
  json urls = json::array();
  for (const auto& url : merged.urls) {
    json windows = json::array();
    for (const auto& window : url.windows) {
      windows.push_back({{"start", format_iso_utc(window.start)},
                         {"end", format_iso_utc(window.end)},
                         {"duration_ms", window.duration().count()},
                         {"everywhere", window.everywhere},
                         {"down_from", window.down},
                         {"not_observed_from", window.unobserved}});
    }
    urls.push_back({{"url", url.url},
                    {"downtime_everywhere_ms", url.downtime(true).count()},
                    {"downtime_from_some_ms", url.downtime(false).count()},
                    {"windows", std::move(windows)}});
  }
  const json document{{"merged", true},
                      {"start", format_iso_utc(merged.start)},
                      {"end", format_iso_utc(merged.end)},
                      {"verdict", format_as(merged.verdict())},
                      {"vantages", std::move(vantages)},
                      {"urls", std::move(urls)},
                      {"clocks", kClocksNote}};
  return document.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
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
      escape_html(reason(merged, runs.size())), format_date_local(merged.start),
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
