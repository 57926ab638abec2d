#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/versions.hpp"

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
  std::array<std::chrono::microseconds, kPhaseCount> phase_total{};  ///< the same per phase
  std::array<std::uint64_t, kPhaseCount> phase_count{};  ///< good probes that reached each
  /// Per tracked name (by Timeline::tracked_names' index), good answers per value, value by
  /// its index in Timeline::values().
  std::map<std::size_t, std::map<std::size_t, std::uint64_t>> versions;

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
  void on_version(std::uint64_t /*sequence*/, WallTime /*sent*/,
                  const VersionNews& /*news*/) override {}
  void on_window_opened(const DowntimeWindow& /*window*/) override {}
  void on_window_closed(const DowntimeWindow& /*window*/) override {}

  /// Column k holds the probes sent from start + k x span() to start + (k + 1) x span()
  /// (a probe sent before the start, by a clock stepped back, is in column 0).
  [[nodiscard]] const std::vector<TimelineColumn>& columns() const { return columns_; }
  /// The time each column spans.
  [[nodiscard]] std::chrono::milliseconds span() const { return span_; }
  /// The start of column 0.
  [[nodiscard]] WallTime start() const { return start_; }
  /// The tracked names seen, in the order first seen.
  [[nodiscard]] const std::vector<std::string>& tracked_names() const { return names_; }
  /// The values seen of tracked name `name` (an index), in the order first seen: at most
  /// kMaxValues, then one "(other values)".
  [[nodiscard]] const std::vector<std::string>& values(std::size_t name) const {
    return values_[name];
  }

 private:
  /// The index of `value` among those of tracked name `name`, adding it if new.
  std::size_t value_index(std::size_t name, const std::string& value);

  WallTime start_;
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> values_;
  std::chrono::milliseconds span_{1};
  std::vector<TimelineColumn> columns_;
};

}  // namespace upwatch
