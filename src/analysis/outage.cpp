#include "upwatch/analysis/outage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <utility>

#include "upwatch/core/duration.hpp"

using namespace std::chrono_literals;

namespace upwatch {

std::string_view format_as(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::up:
      return "up";
    case RunVerdict::down:
      return "down";
    case RunVerdict::inconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

std::chrono::milliseconds DowntimeWindow::duration(WallTime run_end) const {
  const auto until = end.value_or(run_end);
  return until > start ? until - start : std::chrono::milliseconds{0};
}

std::uint64_t RunAnalysis::prober_network_failures() const {
  std::uint64_t failed = 0;
  for (const auto& window : windows) failed += window.prober_network ? window.failed : 0;
  return failed;
}

std::optional<double> RunAnalysis::availability() const {
  const auto service_down = down - prober_network_failures();
  const auto judged = up + service_down;
  if (judged == 0) return std::nullopt;
  return 100.0 * static_cast<double>(up) / static_cast<double>(judged);
}

std::chrono::milliseconds RunAnalysis::downtime(WallTime run_end) const {
  std::chrono::milliseconds total = unlisted_windows.time;
  for (const auto& window : windows)
    total += window.prober_network ? 0ms : window.duration(run_end);
  return total;
}

std::chrono::milliseconds RunAnalysis::unobserved() const {
  std::chrono::milliseconds total = unlisted_gaps.time;
  for (const auto& gap : gaps) total += gap.duration();
  return total;
}

std::uint64_t RunAnalysis::ticks_not_sent() const {
  std::uint64_t ticks = unlisted_gaps.probes;
  for (const auto& gap : gaps) ticks += gap.ticks;
  return ticks;
}

std::uint64_t RunAnalysis::overdue() const {
  return static_cast<std::uint64_t>(std::ranges::count_if(
      unanswered, [this](const Unanswered& probe) { return probe.waited > unanswered_limit; }));
}

std::string format_counts(const OutcomeCounts& counts) {
  std::string text;
  for (const auto& [outcome, count] : counts) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} x {}", format_as(outcome), count);
  }
  return text;
}

RunVerdict RunAnalysis::verdict() const {
  if (unlisted_windows.count > 0 ||
      std::ranges::any_of(windows, [](const auto& window) { return !window.prober_network; })) {
    return RunVerdict::down;
  }
  return verdict_apart_from_downtime();
}

RunVerdict RunAnalysis::verdict_apart_from_downtime() const {
  const bool all_observed = unobserved() == 0ms && ticks_not_sent() == 0;
  const bool prober_windows =
      std::ranges::any_of(windows, [](const auto& window) { return window.prober_network; });
  if (!all_observed || overdue() > 0 || !availability() || prober_windows || !incomplete.empty()) {
    return RunVerdict::inconclusive;
  }
  return RunVerdict::up;
}

bool RunAnalysis::within(const DowntimeBudget& budget, WallTime run_end) const {
  if (budget.empty()) return false;
  if (budget.total && downtime(run_end) > *budget.total) return false;
  for (const auto& window : windows) {
    if (window.prober_network) continue;
    if (!window.end) return false;  // still down at the end: no budget lets that pass
    if (budget.window && window.duration(run_end) > *budget.window) return false;
  }
  // Windows not listed: the longest is not known.
  return !(budget.window && unlisted_windows.count > 0);
}

RunVerdict RunAnalysis::gated(const DowntimeBudget& budget, WallTime run_end) const {
  const auto verdict = this->verdict();
  if (verdict != RunVerdict::down || !within(budget, run_end)) return verdict;
  return verdict_apart_from_downtime();
}

OutageAnalysis::OutageAnalysis(StatusExpectation expectation, std::chrono::nanoseconds interval,
                               std::vector<std::string> tracked)
    : expectation_(std::move(expectation)), interval_(interval), versions_(std::move(tracked)) {}

void OutageAnalysis::add(const ProbeRecord& record, TickTally tally) {
  if (record.role == Role::control) {
    result_.control = true;
    // Only a failure to get any answer says something about the prober's network.
    const auto transport = record.outcome.transport;
    if (transport != Transport::answered && transport != Transport::abandoned &&
        transport != Transport::skipped && transport != Transport::exhausted) {
      note_control_failure(record.sequence);
    }
    return;
  }
  const auto outcome = expectation_.classify(record.outcome, record.total);
  Sample sample{record.sent,    outcome,      record.total, record.phases,
                record.tracked, record.tried, tally};
  if (!observers_.empty() && outcome.transport == Transport::slow) {
    sample.cause = fmt::format(
        "{} after {:.3f}s, slower than --slow {}",
        describe_failure({.outcome = record.outcome,
                          .remote = record.remote,
                          .lines = {record.lines.empty() ? std::string{} : record.lines.front()}}),
        std::chrono::duration<double>(record.total).count(), format_seconds(*expectation_.slow()));
  } else if (!observers_.empty() && expectation_.judge(outcome) == Verdict::down) {
    sample.cause = describe_failure(record);
  }
  if (record.sequence == next_sequence_ && held_back_.empty()) {
    consume(record.sequence, sample);  // the common case, without the map
    return;
  }
  hold({record.sequence, 1}, std::move(sample));
}

void OutageAnalysis::add_gap(const Gap& gap) { hold({gap.first_tick, 0}, gap); }

void OutageAnalysis::add_absent(std::uint64_t first_tick, std::uint64_t ticks, WallTime at) {
  if (ticks > 0) hold({first_tick, 1}, Absent{ticks, at});
}

void OutageAnalysis::hold(EventKey key, Event event) {
  held_back_.insert_or_assign(key, std::move(event));
  while (!held_back_.empty() && held_back_.begin()->first.first == next_sequence_) {
    const auto node = held_back_.extract(held_back_.begin());
    consume(node.key().first, node.mapped());
  }
}

RunAnalysis OutageAnalysis::finish() && {
  // Probes a log does not hold (records lost, a log cut short) leave holes in the sequence:
  // each is a gap, never uptime.
  for (const auto& [key, event] : held_back_) {
    if (key.first > next_sequence_) {
      const auto next_time = std::visit(
          [](const auto& held) {
            using Held = std::decay_t<decltype(held)>;
            if constexpr (std::is_same_v<Held, Gap>) {
              return held.start;
            } else if constexpr (std::is_same_v<Held, Sample>) {
              return held.sent;
            } else {
              return held.at;
            }
          },
          event);
      const auto ticks = key.first - next_sequence_;
      consume_gap({.first_tick = next_sequence_,
                   .ticks = ticks,
                   .start = next_time - std::chrono::ceil<std::chrono::milliseconds>(
                                            interval_ * static_cast<std::int64_t>(ticks)),
                   .end = next_time,
                   .cause = GapCause::missing});
    }
    consume(key.first, event);
  }
  held_back_.clear();
  result_.versions = versions_.report();
  result_.unanswered_limit =
      std::max(slowest_answer_, std::chrono::ceil<std::chrono::microseconds>(interval_));
  for (auto& window : result_.windows) {
    const bool answered = std::ranges::any_of(window.outcomes, [](const auto& entry) {
      return entry.first.transport == Transport::answered;
    });
    window.prober_network =
        !answered && control_failed_throughout(window.first_sequence, window.last_sequence);
  }
  return std::move(result_);
}

RunAnalysis OutageAnalysis::so_far() const {
  OutageAnalysis copy = *this;
  copy.held_back_.clear();
  copy.observers_.clear();
  return std::move(copy).finish();
}

void OutageAnalysis::consume(std::uint64_t sequence, const Event& event) {
  if (const auto* gap = std::get_if<Gap>(&event)) {
    consume_gap(*gap);
    next_sequence_ = std::max(next_sequence_, gap->first_tick + gap->ticks);
  } else if (const auto* absent = std::get_if<Absent>(&event)) {
    if (in_window_) {
      result_.windows.back().end = absent->at;
      close_window();
    }
    next_sequence_ = std::max(next_sequence_, sequence + absent->ticks);
  } else {
    consume_sample(sequence, std::get<Sample>(event));
    next_sequence_ = std::max(next_sequence_, sequence + 1);
  }
}

void OutageAnalysis::consume_gap(const Gap& gap) {
  if (gap.cause == GapCause::clock) {
    if (result_.clock_steps.size() < kMaxListed) result_.clock_steps.push_back(gap);
    return;
  }
  auto& gaps = result_.gaps;
  if (after_gap_ && !gaps.empty() && gaps.back().cause == gap.cause &&
      gaps.back().first_tick + gaps.back().ticks == gap.first_tick) {
    gaps.back().ticks += gap.ticks;
    gaps.back().end = gap.end;
  } else if (gaps.size() < kMaxListed) {
    gaps.push_back(gap);
  } else {
    auto& unlisted = result_.unlisted_gaps;
    ++unlisted.count;
    unlisted.probes += gap.ticks;
    unlisted.time += gap.duration();
  }
  for (auto* observer : observers_) observer->on_gap(gap);
  if (in_window_) {
    auto& window = result_.windows.back();
    window.end = gap.start;
    window.ended_in_gap = true;
    close_window();
  }
  after_gap_ = true;
}

void OutageAnalysis::consume_sample(std::uint64_t sequence, const Sample& sample) {
  const auto verdict = expectation_.judge(sample.outcome);
  if (verdict != Verdict::unobserved) {
    ++result_.outcomes[sample.outcome];
    for (auto* observer : observers_) {
      observer->on_probe({.sequence = sequence,
                          .sent = sample.sent,
                          .outcome = sample.outcome,
                          .verdict = verdict,
                          .total = sample.total,
                          .phases = sample.phases,
                          .tracked = sample.tracked,
                          .cause = sample.cause});
    }
  }
  if (sample.outcome.transport == Transport::answered) {
    slowest_answer_ = std::max(slowest_answer_, sample.total);
  }
  switch (verdict) {
    case Verdict::unobserved:
      // A tick upwatch 0.1 logged as `skipped`: not sent, so a gap of one tick.
      consume_gap({.first_tick = sequence,
                   .ticks = 1,
                   .start = sample.sent,
                   .end = sample.sent + std::chrono::ceil<std::chrono::milliseconds>(interval_),
                   .cause = sample.outcome.transport == Transport::exhausted ? GapCause::exhausted
                                                                             : GapCause::overload});
      return;
    case Verdict::abandoned:
      // Neither up nor down: it neither opens nor closes a window.
      ++result_.abandoned;
      result_.unanswered.push_back(
          {.sequence = sequence, .sent = sample.sent, .waited = sample.total});
      return;
    case Verdict::up:
      consume_up(sequence, sample);
      return;
    case Verdict::down:
      consume_down(sequence, sample);
      return;
  }
}

void OutageAnalysis::consume_up(std::uint64_t sequence, const Sample& sample) {
  ++result_.up;
  if (observers_.empty()) {
    versions_.add(sample.sent, sample.tracked);
  } else {
    news_.clear();
    versions_.add(sample.sent, sample.tracked, &news_);
    for (auto* observer : observers_) {
      for (const auto& news : news_) observer->on_version(sequence, sample.sent, news);
    }
  }
  for (const auto& address : sample.tried) {
    auto& fell_back = result_.fell_back;
    if (fell_back.size() < kMaxValues || fell_back.contains(address)) ++fell_back[address];
  }
  result_.latency.add(sample.total);
  for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
    if (sample.phases[phase]) result_.phase_latency[phase].add(*sample.phases[phase]);
  }
  if (sample.outcome.status / 100 != 2) ++result_.up_not_2xx[sample.outcome];
  if (in_window_) {
    result_.windows.back().end = sample.sent;
    close_window();
  }
  after_gap_ = false;
}

void OutageAnalysis::consume_down(std::uint64_t sequence, const Sample& sample) {
  ++result_.down;
  if (!in_window_) {
    result_.windows.push_back(
        {.first_sequence = sequence, .start = sample.sent, .began_in_gap = after_gap_});
    in_window_ = true;
  }
  after_gap_ = false;
  auto& window = result_.windows.back();
  window.last_sequence = sequence;
  ++window.failed;
  if (sample.tally.failed > window.most_failed) {
    window.most_failed = sample.tally.failed;
    window.addresses = sample.tally.probed;
  }
  ++window.outcomes[sample.outcome];
  if (window.failed == 1) {
    for (auto* observer : observers_) observer->on_window_opened(window);
  }
}

void OutageAnalysis::close_window() {
  in_window_ = false;
  auto& windows = result_.windows;
  for (auto* observer : observers_) observer->on_window_closed(windows.back());
  if (windows.size() <= kMaxListed) return;
  const auto& window = windows.back();
  auto& unlisted = result_.unlisted_windows;
  ++unlisted.count;
  unlisted.probes += window.failed;
  unlisted.time += window.duration(*window.end);
  windows.pop_back();
}

void OutageAnalysis::note_control_failure(std::uint64_t sequence) {
  auto after = control_failures_.upper_bound(sequence);
  if (after != control_failures_.begin()) {
    auto before = std::prev(after);
    if (before->second >= sequence) return;
    if (before->second + 1 == sequence) {
      before->second = sequence;
      if (after != control_failures_.end() && after->first == sequence + 1) {
        before->second = after->second;
        control_failures_.erase(after);
      }
      return;
    }
  }
  if (after != control_failures_.end() && after->first == sequence + 1) {
    const auto last = after->second;
    control_failures_.erase(after);
    control_failures_.emplace(sequence, last);
    return;
  }
  control_failures_.emplace(sequence, sequence);
}

bool OutageAnalysis::control_failed_throughout(std::uint64_t first, std::uint64_t last) const {
  auto after = control_failures_.upper_bound(first);
  if (after == control_failures_.begin()) return false;
  return std::prev(after)->second >= last;
}

}  // namespace upwatch
