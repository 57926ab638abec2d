#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "upwatch/report/report.hpp"

namespace upwatch {

namespace {

using json = nlohmann::ordered_json;

/// Each outcome and how many probes had it.
json counts(const OutcomeCounts& outcomes) {
  json object = json::object();
  for (const auto& [outcome, count] : outcomes) object[format_as(outcome)] = count;
  return object;
}

/// Microseconds as milliseconds, with their fraction.
double millis(std::chrono::microseconds value) {
  return static_cast<double>(value.count()) / 1000.0;
}

/// What was not listed: how many, their probes, their time.
json unlisted(const Unlisted& more) {
  return json{{"count", more.count}, {"probes", more.probes}, {"ms", more.time.count()}};
}

/// A latency histogram's count and percentiles, in milliseconds.
json in_millis(const LatencyHistogram& latency) {
  return json{{"count", latency.count()},
              {"min", millis(latency.min())},
              {"p50", millis(latency.percentile(50))},
              {"p90", millis(latency.percentile(90))},
              {"p99", millis(latency.percentile(99))},
              {"max", millis(latency.max())}};
}

/// The windows listed, each with its outcomes and cause.
json windows_json(const RunInfo& run, const RunAnalysis& analysis) {
  json windows = json::array();
  for (const auto& window : analysis.windows) {
    windows.push_back({{"start", format_iso_utc(window.start)},
                       {"end", window.end ? json(format_iso_utc(*window.end)) : json(nullptr)},
                       {"still_down_at_end", !window.end.has_value()},
                       {"duration_ms", window.duration(run.end).count()},
                       {"failed_probes", window.failed},
                       {"first_probe", window.first_sequence},
                       {"last_probe", window.last_sequence},
                       {"outcomes", counts(window.outcomes)},
                       {"began_in_gap", window.began_in_gap},
                       {"ended_in_gap", window.ended_in_gap},
                       {"cause", window.prober_network ? "prober_network" : "service"}});
    if (window.addresses > 0) {
      windows.back()["most_addresses_failed"] = window.most_failed;
      windows.back()["addresses"] = window.addresses;
    }
  }
  return windows;
}

/// The gaps listed, or the clock steps.
json gaps_json(const std::vector<Gap>& listed) {
  json gaps = json::array();
  for (const auto& gap : listed) {
    gaps.push_back({{"start", format_iso_utc(gap.start)},
                    {"end", format_iso_utc(gap.end)},
                    {"duration_ms", gap.duration().count()},
                    {"first_tick", gap.first_tick},
                    {"ticks", gap.ticks},
                    {"cause", format_as(gap.cause)}});
  }
  return gaps;
}

/// The probes left unanswered, each with how long it waited.
json unanswered_json(const RunAnalysis& analysis) {
  json unanswered = json::array();
  for (const auto& probe : analysis.unanswered) {
    unanswered.push_back({{"seq", probe.sequence},
                          {"sent", format_iso_utc(probe.sent)},
                          {"waited_ms", millis(probe.waited)},
                          {"overdue", probe.waited > analysis.unanswered_limit}});
  }
  return unanswered;
}

/// The latency of good probes and of each phase they reached; null if none was recorded.
json latency_json(const RunInfo& run, const RunAnalysis& analysis) {
  json latency_ms = nullptr;
  if (run.latency_recorded && analysis.latency.count() > 0) {
    latency_ms = in_millis(analysis.latency);
    json phases = json::object();
    for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
      const auto& reached = analysis.phase_latency[phase];
      if (reached.count() > 0) {
        phases[std::string{format_as(static_cast<Phase>(phase))}] = in_millis(reached);
      }
    }
    latency_ms["phases"] = std::move(phases);
  }
  return latency_ms;
}

/// Each tracked name's values, switches and comebacks.
json versions_json(const RunAnalysis& analysis) {
  json versions = json::array();
  for (const auto& tracked : analysis.versions) {
    json values = json::array();
    for (const auto& seen : tracked.values) {
      values.push_back({{"value", seen.value},
                        {"answers", seen.answers},
                        {"first", format_iso_utc(seen.first)},
                        {"last", format_iso_utc(seen.last)}});
    }
    json switches = json::array();
    for (const auto& change : tracked.switches) {
      switches.push_back(
          {{"from", change.from},
           {"to", change.to},
           {"first_new", format_iso_utc(change.first_new)},
           {"last_old_before", format_iso_utc(change.last_old_before)},
           {"clean", !change.last_old.has_value()},
           {"last_old", change.last_old ? json(format_iso_utc(*change.last_old)) : json(nullptr)},
           {"mixed_ms",
            change.last_old ? json((*change.last_old - change.first_new).count()) : json(nullptr)},
           {"old_between", change.old_between},
           {"new_between", change.new_between}});
    }
    json comebacks = json::array();
    for (const auto& back : tracked.comebacks) {
      comebacks.push_back({{"value", back.value},
                           {"replaced_by", back.replaced_by},
                           {"first", format_iso_utc(back.first)},
                           {"last", format_iso_utc(back.last)},
                           {"answers", back.answers}});
    }
    versions.push_back({{"name", tracked.name},
                        {"values", std::move(values)},
                        {"none", tracked.none},
                        {"other_values", tracked.unlisted},
                        {"switches", std::move(switches)},
                        {"comebacks", std::move(comebacks)}});
  }
  return versions;
}

/// What one target's probes showed, as JSON: from "verdict" to "warnings".
json analysis_json(const RunInfo& run, const RunAnalysis& analysis) {
  const auto availability = analysis.availability();
  const auto unobserved = analysis.unobserved();
  return json{
      {"verdict", format_as(analysis.verdict())},
      {"verdict_reasons", verdict_reasons(run, analysis)},
      {"probes",
       {{"sent", analysis.probes()},
        {"up", analysis.up},
        {"down", analysis.down},
        {"unanswered", analysis.abandoned}}},
      {"availability_percent", availability ? json(*availability) : json(nullptr)},
      {"outcomes", counts(analysis.outcomes)},
      {"downtime_ms", analysis.downtime(run.end).count()},
      {"windows", windows_json(run, analysis)},
      {"windows_not_listed", unlisted(analysis.unlisted_windows)},
      {"unobserved_ms", unobserved.count()},
      {"gaps", gaps_json(analysis.gaps)},
      {"clock_steps", gaps_json(analysis.clock_steps)},
      {"gaps_not_listed", unlisted(analysis.unlisted_gaps)},
      {"unanswered",
       {{"limit_ms", millis(analysis.unanswered_limit)},
        {"overdue", analysis.overdue()},
        {"probes", unanswered_json(analysis)}}},
      {"latency_ms", latency_json(run, analysis)},
      {"versions", versions_json(analysis)},
      {"warnings", warnings(analysis)},
  };
}

/// The fields of a run that come before what its probes showed.
/// A time in seconds, or null.
json seconds_or_null(std::optional<std::chrono::microseconds> time) {
  return time ? json(std::chrono::duration<double>(*time).count()) : json(nullptr);
}

json run_json(const RunInfo& run) {
  json marks = json::array();
  for (const auto& mark : run.marks) {
    marks.push_back({{"time", format_iso_utc(mark.time)}, {"text", mark.text}});
  }
  return json{{"url", run.url},
              {"marks", std::move(marks)},
              {"marks_not_listed", run.marks_unlisted},
              {"proxy", run.proxy.empty() ? json(nullptr) : json(run.proxy)},
              {"control", run.control.empty() ? json(nullptr) : json(run.control)},
              {"interval_s", static_cast<double>(run.interval.count()) / 1e9},
              {"slow_s", seconds_or_null(run.slow)},
              {"max_downtime_s", seconds_or_null(run.budget.total)},
              {"max_window_s", seconds_or_null(run.budget.window)},
              {"start", format_iso_utc(run.start)},
              {"end", format_iso_utc(run.end)}};
}

std::string dump(const json& document) {
  return document.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

}  // namespace

std::string render_json(const RunInfo& run, const RunAnalysis& analysis) {
  json document = run_json(run);
  document.update(analysis_json(run, analysis));
  document["notes"] = run.notes;
  document["exit_status"] = exit_status(run, analysis);
  return dump(document);
}

std::string render_report_json(const RunInfo& run, const RunResults& results) {
  if (results.single()) return render_json(run, results.targets.front().analysis);
  json document = run_json(run);
  document.erase("url");
  document["urls"] = all_urls(run.url, run.more_urls);
  document["each_address"] = results.each_address;
  document["both_connections"] = results.both_connections;
  const auto verdict = results.verdict();
  document["verdict"] = format_as(verdict);
  document["verdict_reasons"] = json::array({describe_verdict(results)});
  json targets = json::array();
  for (const auto& target : results.targets) {
    json each{
        {"url", target.url},
        {"address",
         results.each_address && !target.address.empty() ? json(target.address) : json(nullptr)},
        {"connection", results.both_connections && !target.address.empty() ? json(target.address)
                                                                           : json(nullptr)},
        {"users_view", results.gathered() && target.address.empty()}};
    if (each["users_view"].get<bool>()) {
      json sets = json::array();
      for (const auto& set : target.sets) {
        sets.push_back({{"time", format_iso_utc(set.time)},
                        {"first_tick", set.first_tick},
                        {"addresses", set.addresses}});
      }
      each["address_sets"] = std::move(sets);
      each["address_sets_not_listed"] = target.sets_unlisted;
    }
    each.update(analysis_json(run, target.analysis));
    each["exit_status"] = exit_status(run, target.analysis);
    targets.push_back(std::move(each));
  }
  document["targets"] = std::move(targets);
  document["notes"] = run.notes;
  document["exit_status"] = exit_status(run, results);
  return dump(document);
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
                      {"outside", merged.outside},
                      {"clocks", kClocksNote}};
  return document.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

}  // namespace upwatch
