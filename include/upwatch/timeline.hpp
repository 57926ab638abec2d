#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "upwatch/outage.hpp"

namespace upwatch {

/// The probes sent in one stretch of a run's time, for one column of a picture of the run.
struct TimelineColumn {
  std::uint64_t first_sequence = 0;
  std::uint64_t last_sequence = 0;
  WallTime first_sent;
  WallTime last_sent;
  std::uint64_t up = 0;
  std::uint64_t down = 0;
  std::uint64_t unanswered = 0;
  OutcomeCounts outcomes;               ///< every probe's outcome
  std::chrono::microseconds fastest{};  ///< of the good probes
  std::chrono::microseconds slowest{};
  std::chrono::microseconds good_total{};  ///< the sum of the good probes' totals

  /// Probes in the column.
  [[nodiscard]] std::uint64_t probes() const { return up + down + unanswered; }
  /// Adds the probes of `other`.
  void merge(const TimelineColumn& other);
};

/// A run's probes, judged, gathered into at most kTimelineColumns columns of equal time: a
/// run of any length is drawn from bounded memory, and a column holds the count of every
/// outcome seen in it, so that one failed probe among a million still shows. Fed by the
/// analysis' events (AnalysisObserver), in a live run as in a report.
class Timeline final : public AnalysisObserver {
 public:
  /// The most columns; when a probe falls beyond them, neighbouring columns are merged in
  /// pairs and each column spans twice the time.
  static constexpr std::size_t kMaxColumns = 1024;

  /// A timeline of a run that started at `start`.
  explicit Timeline(WallTime start) : start_(start) {}

  void on_probe(const JudgedProbe& probe) override;
  void on_gap(const Gap& /*gap*/) override {}
  void on_window_opened(const DowntimeWindow& /*window*/) override {}
  void on_window_closed(const DowntimeWindow& /*window*/) override {}

  /// Column k holds the probes sent from start + k x span() to start + (k + 1) x span()
  /// (a probe sent before the start, by a clock stepped back, is in column 0).
  [[nodiscard]] const std::vector<TimelineColumn>& columns() const { return columns_; }
  /// The time each column spans.
  [[nodiscard]] std::chrono::milliseconds span() const { return span_; }
  /// The start of column 0.
  [[nodiscard]] WallTime start() const { return start_; }

 private:
  WallTime start_;
  std::chrono::milliseconds span_{1};
  std::vector<TimelineColumn> columns_;
};

}  // namespace upwatch
