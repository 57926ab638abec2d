#include <fmt/format.h>

#include <algorithm>

#include "summary_words.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/report/report.hpp"

namespace upwatch {

using namespace summary;  // the words the summary's parts share

std::vector<std::string> verdict_reasons(const RunInfo& run, const RunAnalysis& analysis) {
  std::vector<std::string> reasons;
  if (const auto service_windows = count_windows(analysis, false); service_windows > 0) {
    reasons.push_back(fmt::format("{} of downtime, {} in total", plural(service_windows, "window"),
                                  format_elapsed(analysis.downtime(run.end))));
    return reasons;
  }
  if (!analysis.gaps.empty() && (analysis.unobserved().count() > 0 || analysis.ticks_not_sent())) {
    reasons.push_back(fmt::format(
        "{} of the run not observed ({}, {} not sent)", format_elapsed(analysis.unobserved()),
        plural(count_gaps(analysis), "gap"), plural(analysis.ticks_not_sent(), "tick")));
  }
  if (const auto overdue = analysis.overdue(); overdue > 0) {
    reasons.push_back(fmt::format("{} left unanswered longer than {}", plural(overdue, "probe"),
                                  format_waited(analysis.unanswered_limit)));
  }
  if (!analysis.availability()) reasons.emplace_back("no probe was judged");
  if (!analysis.incomplete.empty()) reasons.push_back(analysis.incomplete);
  if (const auto prober = count_windows(analysis, true); prober > 0) {
    reasons.push_back(fmt::format(
        "{} when the control failed too: probably the prober's own network, not the service",
        plural(prober, "window")));
  }
  if (reasons.empty()) {
    reasons.push_back(analysis.abandoned == 0
                          ? std::string{"every tick was observed and every probe was answered well"}
                          : fmt::format("every tick was observed and every probe answered was "
                                        "up; {} still in flight at END had waited less than {}",
                                        analysis.abandoned,
                                        format_waited(analysis.unanswered_limit)));
  }
  return reasons;
}

std::vector<std::string> warnings(const RunAnalysis& analysis) {
  std::vector<std::string> out;
  if (!analysis.up_not_2xx.empty()) {
    out.push_back(fmt::format(
        "{} of {} answers counted as up were not 2xx ({}): the URL may not be the health "
        "endpoint intended (--expect 2xx would count them as down)",
        sum(analysis.up_not_2xx), analysis.up, format_counts(analysis.up_not_2xx)));
  }
  if (!analysis.fell_back.empty()) {
    std::string addresses;
    for (const auto& [address, answers] : analysis.fell_back) {
      addresses += fmt::format("{}{} x {}", addresses.empty() ? "" : ", ", address, answers);
    }
    out.push_back(fmt::format(
        "good answers came only after connecting to another address failed first ({}): a node "
        "the name resolves to may be down, hidden behind the others",
        addresses));
  }
  const auto unreachable = analysis.outcomes.find(Outcome::failure(Transport::unreachable));
  if (unreachable != analysis.outcomes.end() && !analysis.control) {
    out.push_back(fmt::format(
        "{} failed as unreachable (no route from this machine): the prober's own network may "
        "have been down; --control URL tells the two apart",
        plural(unreachable->second, "probe")));
  }
  return out;
}

std::string describe_verdict(const RunResults& results) {
  constexpr std::size_t kNamed = 10;
  const auto verdict = results.verdict();
  std::vector<const TargetResult*> giving;
  for (const auto& target : results.targets) {
    if (target.analysis.verdict() == verdict) giving.push_back(&target);
  }
  if (verdict == RunVerdict::up) {
    return fmt::format("all {} up", plural(results.targets.size(), "target"));
  }
  std::string names;
  for (std::size_t i = 0; i < std::min(giving.size(), kNamed); ++i) {
    names += (i == 0 ? "" : ", ") + target_name(*giving[i]);
  }
  if (giving.size() > kNamed) names += fmt::format(" and {} more", giving.size() - kNamed);
  return fmt::format("{} of {} {}: {}", giving.size(), plural(results.targets.size(), "target"),
                     verdict == RunVerdict::down ? "had downtime" : "inconclusive", names);
}

std::string gate_words(const RunInfo& run, RunVerdict verdict, bool within) {
  const auto& budget = run.budget;
  if (verdict != RunVerdict::down || budget.empty()) return {};
  std::string limits;
  if (budget.total) limits = "--max-downtime " + format_seconds(*budget.total) + "s";
  if (budget.window) {
    limits +=
        (limits.empty() ? "" : " and ") + ("--max-window " + format_seconds(*budget.window) + "s");
  }
  return fmt::format("{} {}", within ? "within" : "beyond", limits);
}

int exit_status(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::up:
      return 0;
    case RunVerdict::down:
      return 1;
    case RunVerdict::inconclusive:
      return kExitInconclusive;
  }
  return kExitInconclusive;
}

}  // namespace upwatch
