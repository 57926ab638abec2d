#include "upwatch/analysis/targets.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>

namespace upwatch {

namespace {

/// The first tick of slot `slot` at or after tick `tick`, numbered as the slot's own.
std::uint64_t first_of_slot_from(std::uint64_t tick, std::uint64_t slot, std::uint64_t slots) {
  return tick <= slot ? 0 : (tick - slot + slots - 1) / slots;
}

}  // namespace

RunVerdict RunResults::verdict() const { return gated({}, WallTime{}); }

RunVerdict RunResults::gated(const DowntimeBudget& budget, WallTime run_end) const {
  auto verdict = RunVerdict::up;
  for (const auto& target : targets) {
    const auto each = target.analysis.gated(budget, run_end);
    if (each == RunVerdict::down) return RunVerdict::down;
    if (each == RunVerdict::inconclusive) verdict = RunVerdict::inconclusive;
  }
  return verdict;
}

std::string describe(const AddressSet& set, const std::vector<std::string>* before) {
  std::string text = set.addresses.empty() ? std::string{"(none)"}
                                           : fmt::format("{}", fmt::join(set.addresses, ", "));
  if (before == nullptr) return text;
  std::vector<std::string> came;
  std::ranges::set_difference(set.addresses, *before, std::back_inserter(came));
  std::vector<std::string> went;
  std::ranges::set_difference(*before, set.addresses, std::back_inserter(went));
  if (!came.empty()) text += fmt::format("; came: {}", fmt::join(came, ", "));
  if (!went.empty()) text += fmt::format("; went: {}", fmt::join(went, ", "));
  return text;
}

std::optional<Gap> gap_of_slot(const Gap& gap, std::uint64_t slot, std::uint64_t slots) {
  Gap part = gap;
  part.first_tick = first_of_slot_from(gap.first_tick, slot, slots);
  part.ticks = first_of_slot_from(gap.first_tick + gap.ticks, slot, slots) - part.first_tick;
  if (gap.ticks > 0 && part.ticks == 0) return std::nullopt;
  return part;
}

TargetsAnalysis::TargetsAnalysis(StatusExpectation expectation, std::chrono::nanoseconds interval,
                                 std::vector<std::string> tracked,
                                 const std::vector<std::string>& urls, bool each_address,
                                 bool both_connections)
    : expectation_(std::move(expectation)),
      interval_(interval),
      tracked_(std::move(tracked)),
      each_address_(each_address),
      both_connections_(both_connections) {
  for (const auto& url : urls) {
    index_.emplace(url, urls_.size());
    urls_.push_back({.url = url, .analysis = OutageAnalysis{expectation_, interval_, tracked_}});
    if (both_connections_) {
      // Every tick of the URL has a probe of each kind.
      urls_.back().sets.emplace(
          0, std::vector<std::string>{std::string{kFreshConnection}, std::string{kKeptConnection}});
    }
  }
  index_.emplace("", 0);  // the records of a run of one URL name none
}

void TargetsAnalysis::begin_at(std::uint64_t tick) {
  for (std::size_t slot = 0; slot < urls_.size(); ++slot) {
    auto& url = urls_[slot];
    url.first_tick = url.next_tick = first_of_slot_from(tick, slot, urls_.size());
    url.analysis.begin_at(url.first_tick);
  }
}

void TargetsAnalysis::observe(AnalysisObserver* observer) {
  if (!urls_.empty()) urls_.front().analysis.observe(observer);
}

void TargetsAnalysis::observe_each(ObserverFactory make) {
  for (auto& url : urls_) {
    url.analysis.observe(make(url.url, ""));
    for (auto& [address, analysis] : url.addresses) analysis.observe(make(url.url, address));
  }
  observer_makers_.push_back(std::move(make));
}

void TargetsAnalysis::unobserve(AnalysisObserver* observer) {
  for (auto& url : urls_) {
    url.analysis.unobserve(observer);
    for (auto& [address, analysis] : url.addresses) analysis.unobserve(observer);
  }
}

void TargetsAnalysis::add(const ProbeRecord& record) {
  if (record.role == Role::control) {
    // The control is probed once a round, numbered as the round: every target's tick of it.
    for (auto& url : urls_) {
      url.analysis.add(record);
      for (auto& [address, analysis] : url.addresses) analysis.add(record);
    }
    return;
  }
  const auto found = index_.find(record.url);
  if (found == index_.end()) return;
  auto& url = urls_[found->second];
  if (!gathered()) {
    url.analysis.add(record);
    return;
  }
  if (record.sequence < url.next_tick) return;  // a tick handed on already: a duplicate
  url.held[{record.sequence, 1}].records.push_back(record);
  release(url, false);
}

void TargetsAnalysis::add_gap(const Gap& gap) {
  for (std::size_t slot = 0; slot < urls_.size(); ++slot) {
    const auto part = gap_of_slot(gap, slot, urls_.size());
    if (!part) continue;
    auto& url = urls_[slot];
    if (!gathered()) {
      url.analysis.add_gap(*part);
      continue;
    }
    url.held[{part->first_tick, 0}].gap = *part;
    release(url, false);
  }
}

void TargetsAnalysis::add_addresses(const AddressSet& set) {
  const auto found = index_.find(set.url);
  if (found == index_.end()) return;
  auto& url = urls_[found->second];
  auto addresses = set.addresses;
  std::ranges::sort(addresses);
  url.sets.insert_or_assign(set.first_tick, std::move(addresses));
  if (url.changes.size() < kMaxListed) {
    url.changes.push_back(set);
  } else {
    ++url.changes_unlisted;
  }
  release(url, false);
}

void TargetsAnalysis::release(Url& url, bool all) {
  while (!url.held.empty()) {
    // A tick whose probes never all come (records a log lost) is handed on as it stands once
    // kMaxHeldTicks wait behind it: memory stays bounded whatever the log.
    const bool now = all || url.held.size() > kMaxHeldTicks;
    auto first = url.held.begin();
    const auto [tick, kind] = first->first;
    if (tick < url.next_tick && kind == 1) {
      url.held.erase(first);  // a tick handed on already
      continue;
    }
    if (tick > url.next_tick && !now) return;
    auto& held = first->second;
    if (kind == 0) {
      const auto& gap = *held.gap;
      url.analysis.add_gap(gap);
      for (auto& [address, analysis] : url.addresses) analysis.add_gap(gap);
      url.next_tick = std::max(url.next_tick, gap.first_tick + gap.ticks);
      url.held.erase(first);
      continue;
    }
    // A tick is complete with a probe of the URL itself (its name did not resolve), or with
    // one probe for each address of the set it was probed at.
    auto& records = held.records;
    const auto set = url.sets.upper_bound(tick);
    const bool complete =
        std::ranges::any_of(records, [&](const auto& record) { return part_of(record).empty(); }) ||
        (set != url.sets.begin() &&
         std::ranges::all_of(std::prev(set)->second, [&](const std::string& part) {
           return std::ranges::any_of(records,
                                      [&](const auto& record) { return part_of(record) == part; });
         }));
    if (!complete && !now) return;
    release_tick(url, tick, records);
    url.next_tick = std::max(url.next_tick, tick + 1);
    url.held.erase(first);
    // Sets of ticks handed on are needed no more, but for the one in force.
    while (url.sets.size() > 1 && std::next(url.sets.begin())->first <= url.next_tick) {
      url.sets.erase(url.sets.begin());
    }
  }
}

OutageAnalysis* TargetsAnalysis::address_analysis(Url& url, const std::string& address,
                                                  std::uint64_t tick, WallTime at) {
  auto found = url.addresses.find(address);
  if (found != url.addresses.end()) return &found->second;
  if (url.addresses.size() == kMaxAddresses) return nullptr;
  auto& analysis = url.addresses.emplace(address, OutageAnalysis{expectation_, interval_, tracked_})
                       .first->second;
  for (const auto& make : observer_makers_) analysis.observe(make(url.url, address));
  analysis.begin_at(url.first_tick);
  analysis.add_absent(url.first_tick, tick - url.first_tick, at);  // not in the name's answers
  return &analysis;
}

void TargetsAnalysis::release_tick(Url& url, std::uint64_t tick,
                                   std::vector<ProbeRecord>& records) {
  std::ranges::sort(records, {}, [&](const ProbeRecord& record) { return part_of(record); });
  const auto at = records.front().sent;
  TickTally tally;
  // The probe that stands for the tick: the first that failed, else the slowest (a user may
  // have been sent to any of the addresses).
  const ProbeRecord* shown = nullptr;
  for (const auto& record : records) {
    if (part_of(record).empty()) {
      shown = &record;  // the name did not resolve: no address was probed
      break;
    }
    ++tally.probed;
    const bool failed =
        expectation_.judge(expectation_.classify(record.outcome, record.total)) == Verdict::down;
    if (failed) ++tally.failed;
    const bool shown_failed =
        shown != nullptr &&
        expectation_.judge(expectation_.classify(shown->outcome, shown->total)) == Verdict::down;
    if (shown == nullptr || (failed && !shown_failed) ||
        (!failed && !shown_failed && record.total > shown->total)) {
      shown = &record;
    }
  }
  for (auto& [part, analysis] : url.addresses) {
    const auto probed = [&, &part = part](const auto& record) { return part_of(record) == part; };
    if (std::ranges::none_of(records, probed)) analysis.add_absent(tick, 1, at);
  }

  for (const auto& record : records) {
    if (part_of(record).empty()) continue;
    if (auto* analysis = address_analysis(url, part_of(record), tick, at)) analysis->add(record);
  }
  ProbeRecord users_saw = *shown;
  users_saw.sequence = tick;
  users_saw.address.clear();
  users_saw.connection.clear();
  url.analysis.add(users_saw, tally);
}

RunResults TargetsAnalysis::finish() && {
  RunResults results{.each_address = each_address_, .both_connections = both_connections_};
  results.targets.reserve(urls_.size());
  for (auto& url : urls_) {
    release(url, true);
    results.targets.push_back({.url = url.url,
                               .analysis = std::move(url.analysis).finish(),
                               .sets = std::move(url.changes),
                               .sets_unlisted = url.changes_unlisted});
    for (auto& [address, analysis] : url.addresses) {
      results.targets.push_back(
          {.url = url.url, .address = address, .analysis = std::move(analysis).finish()});
    }
  }
  return results;
}

RunResults TargetsAnalysis::so_far() const {
  RunResults results{.each_address = each_address_, .both_connections = both_connections_};
  for (const auto& url : urls_) {
    results.targets.push_back({.url = url.url,
                               .analysis = url.analysis.so_far(),
                               .sets = url.changes,
                               .sets_unlisted = url.changes_unlisted});
    for (const auto& [address, analysis] : url.addresses) {
      results.targets.push_back(
          {.url = url.url, .address = address, .analysis = analysis.so_far()});
    }
  }
  return results;
}

}  // namespace upwatch
