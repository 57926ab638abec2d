#include "upwatch/report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "summary_words.hpp"
#include "upwatch/core/duration.hpp"

namespace upwatch {

using namespace summary;  // the words the summary's parts share

namespace {

/// Unanswered probes listed one by one in the summary; the JSON lists them all.
constexpr std::size_t kUnansweredListed = 10;

std::string format_latency(std::chrono::microseconds value) {
  std::string text;
  append_millis(text, value);
  return text;
}

/// "min 0.4ms p50 0.5ms p90 0.6ms p99 0.9ms max 1.2ms (20 good probes)".
std::string describe(const LatencyHistogram& latency) {
  return fmt::format("min {} p50 {} p90 {} p99 {} max {} ({} good probes)",
                     format_latency(latency.min()), format_latency(latency.percentile(50)),
                     format_latency(latency.percentile(90)), format_latency(latency.percentile(99)),
                     format_latency(latency.max()), latency.count());
}

/// Appends one formatted line to `out`, checked at compile time.
template <typename... Args>
void append_line(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
  out += '\n';
}

/// The line that stands for windows or gaps not listed, if there are any.
void append_unlisted(std::string& out, const Unlisted& more, std::string_view noun,
                     std::string_view probes, std::string_view time) {
  if (more.count == 0) return;
  append_line(out, "  ... and {} more {}{} ({} {}, {} {}) not listed", more.count, noun,
              more.count == 1 ? "" : "s", more.probes, probes, format_elapsed(more.time), time);
}

/// "exit 1", with why the exit status is not the verdict's if it is not, or what the deploy
/// gate made of a downtime: "exit 0, within --max-downtime 1s".
std::string exit_words(const RunInfo& run, RunVerdict verdict, int status, bool within) {
  if (run.log_incomplete) {
    return fmt::format("exit {}, as records could not be written to the log", status);
  }
  const auto gate = gate_words(run, verdict, within);
  return gate.empty() ? fmt::format("exit {}", status) : fmt::format("exit {}, {}", status, gate);
}

/// The share of the run, in percent, that `part` is.
double percent_of_run(const RunInfo& run, std::chrono::milliseconds part) {
  const auto length = run.end - run.start;
  return length.count() <= 0
             ? 0.0
             : 100.0 * static_cast<double>(part.count()) / static_cast<double>(length.count());
}

}  // namespace

void summary::append_windows(std::string& out, const RunInfo& run, const RunAnalysis& analysis,
                             bool prober_network) {
  for (const auto& window : analysis.windows) {
    if (window.prober_network != prober_network) continue;
    std::string flags;
    if (window.began_in_gap) flags += "; began in a gap: its true start is unknown";
    if (window.ended_in_gap) flags += "; ended by a gap: its true end is unknown";
    if (window.addresses > 0) {
      flags += fmt::format("; at worst {} of {} addresses failed at once", window.most_failed,
                           window.addresses);
    }
    append_line(out, "  {} -> {}  {}  {} (#{}-#{}): {}{}", format_iso_utc(window.start),
                window.end ? format_iso_utc(*window.end) : "still down at END",
                format_elapsed(window.duration(run.end)), plural(window.failed, "failed probe"),
                window.first_sequence, window.last_sequence, format_counts(window.outcomes), flags);
  }
}

namespace {

void append_versions(std::string& out, const TrackedName& tracked) {
  append_line(out, "VERSIONS: {}: {}, {}", tracked.name,
              plural(tracked.values.size() + (tracked.unlisted > 0 ? 1 : 0), "value"),
              tracked.switches.size() == 1 ? std::string{"1 switch"}
                                           : fmt::format("{} switches", tracked.switches.size()));
  for (const auto& seen : tracked.values) {
    append_line(out, "  {}: {}, first {}, last {}", seen.value, plural(seen.answers, "answer"),
                format_iso_utc(seen.first), format_iso_utc(seen.last));
  }
  if (tracked.unlisted > 0) {
    append_line(out, "  (other values): {}, beyond the {} listed",
                plural(tracked.unlisted, "answer"), kMaxValues);
  }
  if (tracked.none > 0) append_line(out, "  (none): {}", plural(tracked.none, "answer"));
  for (const auto& change : tracked.switches) append_line(out, "  {}", describe(change));
  for (const auto& back : tracked.comebacks) append_line(out, "  {}", describe(back));
}

/// The bash script's START/END/URL/INT lines, a URL line for each URL, and the proxy and
/// control.
void append_seed(std::string& out, const RunInfo& run) {
  append_line(out, "START: {}", format_date_local(run.start));
  append_line(out, "END: {}", format_date_local(run.end));
  append_line(out, "URL: {}", run.url);
  for (const auto& url : run.more_urls) append_line(out, "URL: {}", url);
  append_line(out, "INT: {}", format_seconds(run.interval));
  if (!run.proxy.empty()) append_line(out, "PROXY: {}", run.proxy);
  if (!run.control.empty()) append_line(out, "CONTROL: {}", run.control);
}

/// The gaps in the run's observation, if there were any.
void append_gaps(std::string& out, const RunInfo& run, const RunAnalysis& analysis) {
  if (analysis.gaps.empty()) return;
  append_line(out,
              "GAPS: {}, {} not observed ({:.3f}% of the run); availability is over the "
              "probes observed",
              plural(count_gaps(analysis), "gap"), format_elapsed(analysis.unobserved()),
              percent_of_run(run, analysis.unobserved()));
  for (const auto& gap : analysis.gaps) {
    append_line(out, "  {} -> {}  {}  {}", format_iso_utc(gap.start), format_iso_utc(gap.end),
                format_elapsed(gap.duration()), describe(gap));
  }
  append_unlisted(out, analysis.unlisted_gaps, "gap", "ticks not sent", "not observed");
}

/// The steps of the wall clock, if there were any.
void append_clock_steps(std::string& out, const RunAnalysis& analysis) {
  for (const auto& step : analysis.clock_steps) {
    append_line(out, "CLOCK: at {}, {}", format_iso_utc(step.start), describe(step));
  }
}

/// The probes still in flight at END, if there were any.
void append_unanswered(std::string& out, const RunAnalysis& analysis) {
  if (analysis.unanswered.empty()) return;
  const auto [shortest, longest] =
      std::ranges::minmax(analysis.unanswered, {}, &Unanswered::waited);
  append_line(out,
              "UNANSWERED: {} still in flight at END, waiting {} to {}; {} longer than {} "
              "(the slowest answer, or one interval if longer)",
              plural(analysis.unanswered.size(), "probe"), format_waited(shortest.waited),
              format_waited(longest.waited), analysis.overdue(),
              format_waited(analysis.unanswered_limit));
  const auto listed = std::min(analysis.unanswered.size(), kUnansweredListed);
  for (std::size_t i = 0; i < listed; ++i) {
    const auto& probe = analysis.unanswered[i];
    append_line(out, "  #{} sent {}, waited {}", probe.sequence, format_iso_utc(probe.sent),
                format_waited(probe.waited));
  }
  if (analysis.unanswered.size() > listed) {
    append_line(out, "  ... and {} more", analysis.unanswered.size() - listed);
  }
}

/// The latency of the good probes, in all and by phase.
void append_latency(std::string& out, const RunInfo& run, const RunAnalysis& analysis) {
  const auto& latency = analysis.latency;
  if (!run.latency_recorded) {
    append_line(out, "LATENCY: not recorded in this log");
  } else if (latency.count() == 0) {
    append_line(out, "LATENCY: no good probes");
  } else {
    append_line(out, "LATENCY: {}", describe(latency));
    for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
      const auto& reached = analysis.phase_latency[phase];
      if (reached.count() == 0) continue;
      append_line(out, "LATENCY {}: {}", format_as(static_cast<Phase>(phase)), describe(reached));
    }
  }
}

/// What one target's probes showed, from PROBES to VERDICT.
void append_analysis(std::string& out, const RunInfo& run, const RunAnalysis& analysis) {
  const auto availability = analysis.availability();
  append_line(out, "PROBES: {} sent, {} up, {} down, {} unanswered; availability {}",
              analysis.probes(), analysis.up, analysis.down, analysis.abandoned,
              availability ? fmt::format("{:.3f}%", *availability)
                           : std::string{"unknown (no probe was judged)"});
  append_line(out, "OUTCOMES: {}",
              analysis.outcomes.empty() ? "none" : format_counts(analysis.outcomes));
  const auto verdict = analysis.verdict();
  if (verdict == RunVerdict::down) {
    append_line(out, "DOWNTIME: {}, {} in total", plural(count_windows(analysis, false), "window"),
                format_elapsed(analysis.downtime(run.end)));
    append_windows(out, run, analysis, false);
    append_unlisted(out, analysis.unlisted_windows, "window", "failed probes", "of downtime");
  } else if (verdict == RunVerdict::up) {
    append_line(out, "DOWNTIME: no downtime: every probe succeeded{}",
                analysis.abandoned == 0
                    ? ""
                    : fmt::format(" ({} in flight at END, within {}, not judged)",
                                  analysis.abandoned, format_waited(analysis.unanswered_limit)));
  } else {
    append_line(out, "DOWNTIME: none seen, but the run is inconclusive (see VERDICT)");
  }
  if (const auto prober = count_windows(analysis, true); prober > 0) {
    append_line(out,
                "PROBER NETWORK: {} when the control failed too: probably the prober's own "
                "network, not counted as downtime",
                plural(prober, "window"));
    append_windows(out, run, analysis, true);
  }
  append_gaps(out, run, analysis);
  append_clock_steps(out, analysis);
  append_unanswered(out, analysis);
  append_latency(out, run, analysis);
  for (const auto& tracked : analysis.versions) append_versions(out, tracked);
  for (const auto& warning : warnings(analysis)) append_line(out, "WARNING: {}", warning);
  std::string reasons;
  for (const auto& reason : verdict_reasons(run, analysis)) {
    reasons += (reasons.empty() ? "" : "; ") + reason;
  }
  append_line(
      out, "VERDICT: {} ({}): {}", format_as(verdict),
      exit_words(run, verdict, exit_status(run, analysis), analysis.within(run.budget, run.end)),
      reasons);
}

/// The marks people made in the run's log, told in time order with where the windows of
/// `targets` (each named, "" for a run of one) began and ended.
}  // namespace

std::vector<RunEvent> summary::run_events(const RunInfo& run, const NamedAnalyses& targets) {
  std::vector<RunEvent> events;
  for (const auto& mark : run.marks) events.push_back({mark.time, mark.text, true});
  for (const auto& [name, analysis] : targets) {
    const auto of = name.empty() ? std::string{} : " of " + name;
    for (const auto& window : analysis->windows) {
      const auto what = window.prober_network ? "prober network window" : "downtime";
      events.push_back(
          {window.start, fmt::format("{}{} begins: {} (#{}-#{}): {}", what, of,
                                     plural(window.failed, "failed probe"), window.first_sequence,
                                     window.last_sequence, format_counts(window.outcomes))});
      if (window.end) {
        events.push_back({*window.end, fmt::format("{}{} ends after {}", what, of,
                                                   format_elapsed(window.duration(run.end)))});
      }
    }
  }
  std::ranges::stable_sort(events, {}, &RunEvent::time);
  return events;
}

namespace {

void append_marks(std::string& out, const RunInfo& run, const NamedAnalyses& targets) {
  if (run.marks.empty()) return;
  append_line(out, "MARKS: {} (upwatch mark), in time order with the windows",
              plural(run.marks.size() + run.marks_unlisted, "mark"));
  for (const auto& event : run_events(run, targets)) {
    append_line(out, "  {}  {}", format_iso_utc(event.time),
                event.mark ? event.text : "[" + event.text + "]");
  }
  if (run.marks_unlisted > 0) {
    append_line(out, "  ... and {} more not listed", plural(run.marks_unlisted, "mark"));
  }
}

void append_notes(std::string& out, const RunInfo& run) {
  for (const auto& note : run.notes) append_line(out, "NOTE: {}", note);
}

}  // namespace

std::string render_summary(const RunInfo& run, const RunAnalysis& analysis) {
  std::string out;
  append_seed(out, run);
  append_analysis(out, run, analysis);
  append_marks(out, run, {{"", &analysis}});
  append_notes(out, run);
  return out;
}

namespace {

/// How a URL's sets of addresses came and went.
void append_sets(std::string& out, const TargetResult& target) {
  if (target.sets.empty() && target.sets_unlisted == 0) return;
  append_line(out, "ADDRESSES: {} of the name",
              plural(target.sets.size() + target.sets_unlisted, "set"));
  const std::vector<std::string>* before = nullptr;
  for (const auto& set : target.sets) {
    append_line(out, "  {} from #{}: {}", format_iso_utc(set.time), set.first_tick,
                describe(set, before));
    before = &set.addresses;
  }
  if (target.sets_unlisted > 0) {
    append_line(out, "  ... and {} more not listed", plural(target.sets_unlisted, "set"));
  }
}

}  // namespace

std::string render_report(const RunInfo& run, const RunResults& results) {
  if (results.single()) return render_summary(run, results.targets.front().analysis);
  std::string out;
  append_seed(out, run);
  const auto verdict = results.verdict();
  const bool within = std::ranges::all_of(results.targets, [&](const TargetResult& target) {
    return target.analysis.verdict() != RunVerdict::down ||
           target.analysis.within(run.budget, run.end);
  });
  append_line(out, "VERDICT: {} ({}): {}", format_as(verdict),
              exit_words(run, verdict, exit_status(run, results), within),
              describe_verdict(results));
  for (const auto& target : results.targets) {
    out += '\n';
    const bool users_view = results.gathered() && target.address.empty();
    append_line(out, "TARGET: {}{}", target_name(target),
                !users_view ? ""
                : results.each_address
                    ? " (as users saw it: a tick failed if any of its addresses failed)"
                    : " (as users saw it: a tick failed if its probe on either kind of connection "
                      "failed)");
    if (users_view) append_sets(out, target);
    append_analysis(out, run, target.analysis);
  }
  if (!run.marks.empty() || !run.notes.empty()) out += '\n';
  NamedAnalyses analyses;
  for (const auto& target : results.targets) {
    analyses.emplace_back(target_name(target), &target.analysis);
  }
  append_marks(out, run, analyses);
  append_notes(out, run);
  return out;
}

namespace {

/// "1 window, 0.400s".
std::string tally(const MergedUrl& url, bool everywhere) {
  const auto count = std::ranges::count(url.windows, everywhere, &MergedWindow::everywhere);
  return fmt::format("{} window{}, {}", count, count == 1 ? "" : "s",
                     format_elapsed(url.downtime(everywhere)));
}

}  // namespace

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
                     merged_reason(merged, runs.size()));
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
  for (const auto& note : merged.outside) out += fmt::format("OUTSIDE: {}\n", note);
  out += fmt::format("CLOCKS: {}\n", kClocksNote);
  return out;
}

}  // namespace upwatch
