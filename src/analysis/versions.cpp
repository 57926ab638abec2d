#include "upwatch/analysis/versions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "upwatch/core/duration.hpp"

namespace upwatch {

VersionTracker::VersionTracker(std::vector<std::string> names) {
  for (auto& name : names) follows_.push_back({.shown = {.name = std::move(name)}});
}

void VersionTracker::add(WallTime sent, const std::vector<TrackedValue>& values,
                         std::vector<VersionNews>* news) {
  for (auto& follow : follows_) {
    const auto it = std::ranges::find(values, follow.shown.name, &TrackedValue::name);
    if (it == values.end()) {
      ++follow.shown.none;
    } else {
      add(follow, sent, it->value, news);
    }
  }
}

void VersionTracker::add(Follow& follow, WallTime sent, const std::string& value,
                         std::vector<VersionNews>* news) const {
  auto& shown = follow.shown;
  auto& values = shown.values;
  const auto found = std::ranges::find(values, value, &SeenValue::value);
  const bool is_new = found == values.end();
  if (is_new && values.size() >= kMaxValues) {
    ++shown.unlisted;
    return;
  }
  const auto index = is_new ? values.size() : static_cast<std::size_t>(found - values.begin());
  if (is_new) values.push_back({.value = value, .first = sent, .last = sent});
  const Tell tell{news, shown.name, value};
  age_open(follow, index, value, tell);
  if (is_new) {
    if (follow.latest) {
      const auto& old = values[*follow.latest];
      shown.switches.push_back(
          {.from = old.value, .to = value, .first_new = sent, .last_old_before = old.last});
      follow.open_switch = shown.switches.size() - 1;
      follow.open_from = *follow.latest;
      follow.since_old = 0;
      follow.new_since_first = 1;
      tell(VersionNews::Kind::switched, shown.switches.back().from);
    } else {
      tell(VersionNews::Kind::first, {});
    }
    follow.latest = index;
  } else if (follow.open_switch && index == follow.open_from) {
    auto& mixed = shown.switches[*follow.open_switch];
    if (!mixed.last_old) tell(VersionNews::Kind::mixing, mixed.from);
    mixed.last_old = sent;
    ++mixed.old_between;
    mixed.new_between = follow.new_since_first;
    follow.since_old = 0;
  } else if (index != follow.latest) {
    come_back(follow, sent, value, tell);
  }
  auto& seen = values[index];
  seen.last = sent;
  ++seen.answers;
}

void VersionTracker::age_open(Follow& follow, std::size_t index, const std::string& value,
                              const Tell& tell) {
  auto& shown = follow.shown;
  // Answers of other values count towards the end of the open switch and comeback.
  if (follow.open_comeback && shown.comebacks[*follow.open_comeback].value != value &&
      ++follow.since_comeback >= kReplacedAfter) {
    follow.open_comeback.reset();
  }
  if (follow.open_switch && index != follow.open_from) {
    if (index == follow.latest) ++follow.new_since_first;
    if (++follow.since_old >= kReplacedAfter) {
      const auto& over = shown.switches[*follow.open_switch];
      if (over.last_old) tell(VersionNews::Kind::replaced, over.from);
      follow.open_switch.reset();
    }
  }
}

void VersionTracker::come_back(Follow& follow, WallTime sent, const std::string& value,
                               const Tell& tell) {
  auto& shown = follow.shown;
  if (follow.open_comeback && shown.comebacks[*follow.open_comeback].value == value) {
    auto& back = shown.comebacks[*follow.open_comeback];
    back.last = sent;
    ++back.answers;
    follow.since_comeback = 0;
  } else if (shown.comebacks.size() < kMaxValues) {
    const auto& latest = shown.values[*follow.latest].value;
    tell(VersionNews::Kind::came_back, latest);
    shown.comebacks.push_back(
        {.value = value, .replaced_by = latest, .first = sent, .last = sent, .answers = 1});
    follow.open_comeback = shown.comebacks.size() - 1;
    follow.since_comeback = 0;
  }
}

std::vector<TrackedName> VersionTracker::report() const {
  std::vector<TrackedName> names;
  for (const auto& follow : follows_) names.push_back(follow.shown);
  return names;
}

std::string describe(const VersionSwitch& change) {
  if (!change.last_old) {
    return fmt::format("{} -> {}: clean switch at {} (last {} at {})", change.from, change.to,
                       format_iso_utc(change.first_new), change.from,
                       format_iso_utc(change.last_old_before));
  }
  return fmt::format(
      "{} -> {}: first {} at {}, last {} at {}, mixed for {} ({} x {}, {} x {} in between)",
      change.from, change.to, change.to, format_iso_utc(change.first_new), change.from,
      format_iso_utc(*change.last_old), format_elapsed(*change.last_old - change.first_new),
      change.from, change.old_between, change.to, change.new_between);
}

std::string describe(const Comeback& back) {
  return fmt::format(
      "{} came back after {} replaced it: first at {}, last at {}, {} answer{} (a rollback, or "
      "an old instance still in rotation)",
      back.value, back.replaced_by, format_iso_utc(back.first), format_iso_utc(back.last),
      back.answers, back.answers == 1 ? "" : "s");
}

}  // namespace upwatch
