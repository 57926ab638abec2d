#include "upwatch/report.hpp"

#include <fmt/format.h>

#include <iterator>

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
  return fmt::format("{:.3f}ms", static_cast<double>(value.count()) / 1000.0);
}

std::string plural(std::uint64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

}  // namespace

std::string render_summary(const RunInfo& run, const RunAnalysis& analysis) {
  std::string out;
  auto line = [&out](fmt::string_view format, auto&&... args) {
    fmt::format_to(std::back_inserter(out), fmt::runtime(format), args...);
    out += '\n';
  };
  line("START: {}", format_date_local(run.start));
  line("END: {}", format_date_local(run.end));
  line("URL: {}", run.url);
  line("INT: {}", format_seconds(run.interval));
  line("PROBES: {} sent, {} up, {} down, {} abandoned; availability {:.3f}%", analysis.probes(),
       analysis.up, analysis.down, analysis.abandoned, analysis.availability());
  line("OUTCOMES: {}", analysis.outcomes.empty() ? "none" : format_counts(analysis.outcomes));
  if (analysis.windows.empty()) {
    line("DOWNTIME: no downtime: every probe succeeded{}",
         analysis.abandoned == 0 ? "" : " (abandoned probes were not judged)");
  } else {
    line("DOWNTIME: {}, {} in total", plural(analysis.windows.size(), "window"),
         format_elapsed(analysis.downtime(run.end)));
    for (const auto& window : analysis.windows) {
      line("  {} -> {}  {}  {} (#{}-#{}): {}", format_iso_utc(window.start),
           window.end ? format_iso_utc(*window.end) : "still down at END",
           format_elapsed(window.duration(run.end)), plural(window.failed, "failed probe"),
           window.first_sequence, window.last_sequence, format_counts(window.outcomes));
    }
  }
  const auto& latency = analysis.latency;
  if (latency.count() == 0) {
    line("LATENCY: no good probes");
  } else {
    line("LATENCY: min {} p50 {} p90 {} p99 {} max {} ({} good probes)",
         format_latency(latency.min()), format_latency(latency.percentile(50)),
         format_latency(latency.percentile(90)), format_latency(latency.percentile(99)),
         format_latency(latency.max()), latency.count());
  }
  return out;
}

int exit_status(const RunAnalysis& analysis) { return analysis.down == 0 ? 0 : 1; }

}  // namespace upwatch
