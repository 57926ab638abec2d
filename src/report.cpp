#include "upwatch/report.hpp"

#include <fmt/format.h>

#include <iterator>
#include <nlohmann/json.hpp>

#include "upwatch/duration.hpp"

namespace upwatch {

namespace {

std::string format_counts(const OutcomeCounts& counts) {
  std::string text;
  for (const auto& [outcome, count] : counts) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} x {}", format_as(outcome), count);
  }
  return text;
}

std::string format_latency(std::chrono::microseconds value) {
  std::string text;
  append_millis(text, value);
  return text;
}

std::string plural(std::uint64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

/// Appends one formatted line to `out`, checked at compile time.
template <typename... Args>
void append_line(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
  out += '\n';
}

}  // namespace

std::string render_summary(const RunInfo& run, const RunAnalysis& analysis) {
  std::string out;
  append_line(out, "START: {}", format_date_local(run.start));
  append_line(out, "END: {}", format_date_local(run.end));
  append_line(out, "URL: {}", run.url);
  append_line(out, "INT: {}", format_seconds(run.interval));
  append_line(out, "PROBES: {} sent, {} up, {} down, {} abandoned; availability {:.3f}%",
              analysis.probes(), analysis.up, analysis.down, analysis.abandoned,
              analysis.availability());
  append_line(out, "OUTCOMES: {}",
              analysis.outcomes.empty() ? "none" : format_counts(analysis.outcomes));
  if (analysis.windows.empty()) {
    append_line(out, "DOWNTIME: no downtime: every probe succeeded{}",
                analysis.abandoned == 0 ? "" : " (abandoned probes were not judged)");
  } else {
    append_line(out, "DOWNTIME: {}, {} in total", plural(analysis.windows.size(), "window"),
                format_elapsed(analysis.downtime(run.end)));
    for (const auto& window : analysis.windows) {
      append_line(out, "  {} -> {}  {}  {} (#{}-#{}): {}", format_iso_utc(window.start),
                  window.end ? format_iso_utc(*window.end) : "still down at END",
                  format_elapsed(window.duration(run.end)), plural(window.failed, "failed probe"),
                  window.first_sequence, window.last_sequence, format_counts(window.outcomes));
    }
  }
  const auto& latency = analysis.latency;
  if (!run.latency_recorded) {
    append_line(out, "LATENCY: not recorded in this log");
  } else if (latency.count() == 0) {
    append_line(out, "LATENCY: no good probes");
  } else {
    append_line(out, "LATENCY: min {} p50 {} p90 {} p99 {} max {} ({} good probes)",
                format_latency(latency.min()), format_latency(latency.percentile(50)),
                format_latency(latency.percentile(90)), format_latency(latency.percentile(99)),
                format_latency(latency.max()), latency.count());
  }
  for (const auto& note : run.notes) append_line(out, "NOTE: {}", note);
  return out;
}

std::string render_json(const RunInfo& run, const RunAnalysis& analysis) {
  using json = nlohmann::ordered_json;
  const auto counts = [](const OutcomeCounts& outcomes) {
    json object = json::object();
    for (const auto& [outcome, count] : outcomes) object[format_as(outcome)] = count;
    return object;
  };
  const auto millis = [](std::chrono::microseconds value) {
    return static_cast<double>(value.count()) / 1000.0;
  };
  json windows = json::array();
  for (const auto& window : analysis.windows) {
    windows.push_back({{"start", format_iso_utc(window.start)},
                       {"end", window.end ? json(format_iso_utc(*window.end)) : json(nullptr)},
                       {"still_down_at_end", !window.end.has_value()},
                       {"duration_ms", window.duration(run.end).count()},
                       {"failed_probes", window.failed},
                       {"first_probe", window.first_sequence},
                       {"last_probe", window.last_sequence},
                       {"outcomes", counts(window.outcomes)}});
  }
  const auto& latency = analysis.latency;
  json latency_ms = nullptr;
  if (run.latency_recorded && latency.count() > 0) {
    latency_ms = {{"count", latency.count()},
                  {"min", millis(latency.min())},
                  {"p50", millis(latency.percentile(50))},
                  {"p90", millis(latency.percentile(90))},
                  {"p99", millis(latency.percentile(99))},
                  {"max", millis(latency.max())}};
  }
  const json document{
      {"url", run.url},
      {"interval_s", static_cast<double>(run.interval.count()) / 1e9},
      {"start", format_iso_utc(run.start)},
      {"end", format_iso_utc(run.end)},
      {"probes",
       {{"sent", analysis.probes()},
        {"up", analysis.up},
        {"down", analysis.down},
        {"abandoned", analysis.abandoned}}},
      {"availability_percent", analysis.availability()},
      {"outcomes", counts(analysis.outcomes)},
      {"downtime_ms", analysis.downtime(run.end).count()},
      {"windows", windows},
      {"latency_ms", latency_ms},
      {"notes", run.notes},
      {"exit_status", exit_status(analysis)},
  };
  return document.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

int exit_status(const RunAnalysis& analysis) { return analysis.down == 0 ? 0 : 1; }

}  // namespace upwatch
