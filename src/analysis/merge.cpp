#include "upwatch/analysis/merge.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "upwatch/core/duration.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {
namespace {

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
  if (down) return RunVerdict::down;
  return unobserved || !outside.empty() ? RunVerdict::inconclusive : RunVerdict::up;
}

namespace {

/// Each window of `runs` that reaches outside [start, end), in words.
std::vector<std::string> windows_outside(const std::vector<VantageRun>& runs, WallTime start,
                                         WallTime end) {
  std::vector<std::string> outside;
  for (const auto& run : runs) {
    for (const auto& target : run.results.targets) {
      if (!target.address.empty()) continue;
      for (const auto& window : target.analysis.windows) {
        const auto window_end = window.end.value_or(run.info.end);
        if (window.prober_network || (window.start >= start && window_end <= end)) continue;
        outside.push_back(fmt::format(
            "{} saw {} down from {} to {}, {} the time all watched: not merged (their runs "
            "began or ended apart, or their clocks disagree)",
            run.name, target.url, format_iso_utc(window.start), format_iso_utc(window_end),
            window_end <= start || window.start >= end ? "outside" : "partly outside"));
      }
    }
  }
  return outside;
}

}  // namespace

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
    periods.reserve(runs.size());
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
  merged.outside = windows_outside(runs, merged.start, merged.end);
  return merged;
}

std::string describe(const MergedWindow& window) {
  std::string text =
      fmt::format("{} to {} ({}): {}", format_iso_utc(window.start), format_iso_utc(window.end),
                  format_elapsed(window.duration()), fmt::join(window.down, ", "));
  if (!window.unobserved.empty()) {
    text += fmt::format(" (not observed from {})", fmt::join(window.unobserved, ", "));
  }
  return text;
}

std::string merged_reason(const MergedReport& merged, std::size_t vantages) {
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
  if (!merged.outside.empty()) {
    return "no vantage point saw downtime in the time all watched, but one saw some outside it "
           "(see OUTSIDE)";
  }
  return merged.unobserved ? "no vantage point saw downtime, but part of the period was not "
                             "observed from one of them"
                           : "no vantage point saw downtime";
}

}  // namespace upwatch
