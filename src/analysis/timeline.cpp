#include "upwatch/analysis/timeline.hpp"

#include <algorithm>

namespace upwatch {

void TimelineColumn::merge(const TimelineColumn& other) {
  if (other.probes() == 0) return;
  if (probes() == 0) {
    *this = other;
    return;
  }
  first_sequence = std::min(first_sequence, other.first_sequence);
  last_sequence = std::max(last_sequence, other.last_sequence);
  first_sent = std::min(first_sent, other.first_sent);
  last_sent = std::max(last_sent, other.last_sent);
  if (other.up > 0) {
    fastest = up > 0 ? std::min(fastest, other.fastest) : other.fastest;
    slowest = std::max(slowest, other.slowest);
  }
  up += other.up;
  down += other.down;
  unanswered += other.unanswered;
  good_total += other.good_total;
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    phase_total[phase] += other.phase_total[phase];
    phase_count[phase] += other.phase_count[phase];
  }
  for (const auto& [outcome, count] : other.outcomes) outcomes[outcome] += count;
  for (const auto& [name, counts] : other.versions) {
    for (const auto& [value, count] : counts) versions[name][value] += count;
  }
}

std::size_t Timeline::value_index(std::size_t name, const std::string& value) {
  auto& values = values_[name];
  const auto found = std::ranges::find(values, value);
  if (found != values.end()) return static_cast<std::size_t>(found - values.begin());
  if (values.size() < kMaxValues) {
    values.push_back(value);
    return values.size() - 1;
  }
  if (values.size() == kMaxValues) values.emplace_back("(other values)");
  return kMaxValues;
}

void Timeline::on_probe(const JudgedProbe& probe) {
  [[maybe_unused]] const auto& [sequence, sent, outcome, verdict, total, phases, tracked, cause] =
      probe;
  const auto offset = std::max(sent - start_, std::chrono::milliseconds{0});
  auto index = static_cast<std::size_t>(offset / span_);
  while (index >= kMaxColumns) {
    for (std::size_t k = 0; k < columns_.size(); k += 2) {
      TimelineColumn merged = columns_[k];
      if (k + 1 < columns_.size()) merged.merge(columns_[k + 1]);
      columns_[k / 2] = std::move(merged);
    }
    columns_.resize((columns_.size() + 1) / 2);
    span_ *= 2;
    index = static_cast<std::size_t>(offset / span_);
  }
  if (columns_.size() <= index) columns_.resize(index + 1);
  auto& column = columns_[index];
  if (column.probes() == 0) {
    column.first_sequence = column.last_sequence = sequence;
    column.first_sent = column.last_sent = sent;
  }
  // A clock stepped back can put a later probe in an earlier column.
  column.first_sequence = std::min(column.first_sequence, sequence);
  column.last_sequence = std::max(column.last_sequence, sequence);
  column.first_sent = std::min(column.first_sent, sent);
  column.last_sent = std::max(column.last_sent, sent);
  ++column.outcomes[outcome];
  switch (verdict) {
    case Verdict::up:
      column.fastest = column.up == 0 ? total : std::min(column.fastest, total);
      column.slowest = std::max(column.slowest, total);
      column.good_total += total;
      ++column.up;
      for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
        if (!phases[phase]) continue;
        column.phase_total[phase] += *phases[phase];
        ++column.phase_count[phase];
      }
      for (const auto& [name, value] : tracked) {
        auto found = std::ranges::find(names_, name);
        if (found == names_.end()) {
          names_.push_back(name);
          values_.emplace_back();
          found = names_.end() - 1;
        }
        const auto name_index = static_cast<std::size_t>(found - names_.begin());
        ++column.versions[name_index][value_index(name_index, value)];
      }
      break;
    case Verdict::down:
      ++column.down;
      break;
    case Verdict::abandoned:
    case Verdict::unobserved:
      ++column.unanswered;
      break;
  }
}

}  // namespace upwatch
