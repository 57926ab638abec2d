#include "upwatch/outage.hpp"

#include <utility>

namespace upwatch {

std::chrono::milliseconds DowntimeWindow::duration(WallTime run_end) const {
  const auto until = end.value_or(run_end);
  return until > start ? until - start : std::chrono::milliseconds{0};
}

double RunAnalysis::availability() const {
  const auto judged = up + down;
  return judged == 0 ? 100.0 : 100.0 * static_cast<double>(up) / static_cast<double>(judged);
}

std::chrono::milliseconds RunAnalysis::downtime(WallTime run_end) const {
  std::chrono::milliseconds total{0};
  for (const auto& window : windows) total += window.duration(run_end);
  return total;
}

OutageAnalysis::OutageAnalysis(StatusExpectation expectation)
    : expectation_(std::move(expectation)) {}

void OutageAnalysis::add(const ProbeRecord& record) {
  const Sample sample{record.sent, record.outcome, record.total};
  if (record.sequence != next_sequence_) {
    held_back_.insert_or_assign(record.sequence, sample);
    return;
  }
  consume(record.sequence, sample);
  ++next_sequence_;
  for (auto it = held_back_.begin(); it != held_back_.end() && it->first == next_sequence_;
       it = held_back_.erase(it)) {
    consume(it->first, it->second);
    ++next_sequence_;
  }
}

RunAnalysis OutageAnalysis::finish() && {
  for (const auto& [sequence, sample] : held_back_) consume(sequence, sample);
  held_back_.clear();
  return std::move(result_);
}

void OutageAnalysis::consume(std::uint64_t sequence, const Sample& sample) {
  ++result_.outcomes[sample.outcome];
  switch (expectation_.judge(sample.outcome)) {
    case Verdict::abandoned:
      // Neither up nor down: it neither opens nor closes a window.
      ++result_.abandoned;
      return;
    case Verdict::up:
      ++result_.up;
      result_.latency.add(sample.total);
      if (in_window_) result_.windows.back().end = sample.sent;
      in_window_ = false;
      return;
    case Verdict::down:
      ++result_.down;
      if (!in_window_) {
        result_.windows.push_back({.first_sequence = sequence, .start = sample.sent});
        in_window_ = true;
      }
      auto& window = result_.windows.back();
      window.last_sequence = sequence;
      ++window.failed;
      ++window.outcomes[sample.outcome];
      return;
  }
}

}  // namespace upwatch
