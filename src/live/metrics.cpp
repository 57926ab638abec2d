#include "upwatch/live/metrics.hpp"

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <array>

#include "upwatch/analysis/versions.hpp"

namespace upwatch {
namespace {

/// Seconds, as Prometheus counts time.
double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

/// Seconds since the epoch.
double timestamp(WallTime time) { return seconds(time.time_since_epoch()); }

/// The buckets of every duration histogram, in seconds: from a loopback answer to a timeout.
const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

}  // namespace

/// The families every target's series belong to.
struct RunMetrics::Families {
  explicit Families(prometheus::Registry& registry)
      : probes(prometheus::BuildCounter()
                   .Name("upwatch_probes_total")
                   .Help("Probes finished, by outcome (status code or transport failure) and "
                         "result (up, down, or abandoned when the run stopped)")
                   .Register(registry)),
        duration(prometheus::BuildHistogram()
                     .Name("upwatch_probe_duration_seconds")
                     .Help("Time from sending to the whole answer, of probes that were up")
                     .Register(registry)),
        phase(prometheus::BuildHistogram()
                  .Name("upwatch_probe_phase_seconds")
                  .Help("Time from sending to reaching a phase (dns, connect, tls, ttfb), of "
                        "probes that were up")
                  .Register(registry)),
        up(prometheus::BuildGauge()
               .Name("upwatch_target_up")
               .Help("Whether the target's last judged probe was up (1) or down (0)")
               .Register(registry)),
        downtime(prometheus::BuildCounter()
                     .Name("upwatch_downtime_seconds_total")
                     .Help("Downtime in windows that ended, from the first failed probe to the "
                           "first good one after it")
                     .Register(registry)),
        windows(prometheus::BuildCounter()
                    .Name("upwatch_downtime_windows_total")
                    .Help("Windows of failed probes that began")
                    .Register(registry)),
        window_start(prometheus::BuildGauge()
                         .Name("upwatch_downtime_window_start_timestamp_seconds")
                         .Help("When the window open now began (its first failed probe was "
                               "sent); 0 when none is open")
                         .Register(registry)),
        unobserved(prometheus::BuildCounter()
                       .Name("upwatch_unobserved_seconds_total")
                       .Help("Time not observed: ticks not sent, and steps of the clock")
                       .Register(registry)),
        tracked(prometheus::BuildGauge()
                    .Name("upwatch_tracked_info")
                    .Help("The value of a tracked header (or body) in the target's last good "
                          "answer that had it (1), and values it showed before (0)")
                    .Register(registry)) {}

  prometheus::Family<prometheus::Counter>& probes;
  prometheus::Family<prometheus::Histogram>& duration;
  prometheus::Family<prometheus::Histogram>& phase;
  prometheus::Family<prometheus::Gauge>& up;
  prometheus::Family<prometheus::Counter>& downtime;
  prometheus::Family<prometheus::Counter>& windows;
  prometheus::Family<prometheus::Gauge>& window_start;
  prometheus::Family<prometheus::Counter>& unobserved;
  prometheus::Family<prometheus::Gauge>& tracked;
};

namespace {

/// The label a Verdict gives a probe's result.
const char* result_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::up:
      return "up";
    case Verdict::down:
      return "down";
    default:
      return "abandoned";
  }
}

}  // namespace

/// One target's series, updated from its analysis' events.
class RunMetrics::Target final : public AnalysisObserver {
 public:
  Target(Families& families, prometheus::Labels labels)
      : families_(families),
        labels_(std::move(labels)),
        duration_(families.duration.Add(labels_, duration_buckets())),
        up_(families.up.Add(labels_)),
        downtime_(families.downtime.Add(labels_)),
        windows_(families.windows.Add(labels_)),
        window_start_(families.window_start.Add(labels_)),
        unobserved_(families.unobserved.Add(labels_)) {}

  void on_probe(const JudgedProbe& probe) override {
    const auto outcome = format_as(probe.outcome);
    auto found = probes_.find(outcome);
    if (found == probes_.end()) {
      auto labels = labels_;
      labels.emplace("outcome", outcome);
      labels.emplace("result", result_of(probe.verdict));
      found = probes_.emplace(outcome, &families_.probes.Add(labels)).first;
    }
    found->second->Increment();
    if (probe.verdict == Verdict::down) up_.Set(0);
    if (probe.verdict != Verdict::up) return;
    up_.Set(1);
    duration_.Observe(seconds(probe.total));
    for (std::size_t phase = 0; phase < kPhaseCount; ++phase) {
      if (!probe.phases[phase]) continue;
      if (phases_[phase] == nullptr) {
        auto labels = labels_;
        labels.emplace("phase", std::string{format_as(static_cast<Phase>(phase))});
        phases_[phase] = &families_.phase.Add(labels, duration_buckets());
      }
      phases_[phase]->Observe(seconds(*probe.phases[phase]));
    }
    for (const auto& value : probe.tracked) show_tracked(value);
  }
  void on_gap(const Gap& gap) override { unobserved_.Increment(seconds(gap.duration())); }
  void on_version(std::uint64_t /*sequence*/, WallTime /*sent*/,
                  const VersionNews& /*news*/) override {}
  void on_window_opened(const DowntimeWindow& window) override {
    windows_.Increment();
    window_start_.Set(timestamp(window.start));
  }
  void on_window_closed(const DowntimeWindow& window) override {
    downtime_.Increment(seconds(window.duration(*window.end)));
    window_start_.Set(0);
  }

  /// Adds downtime up to `total`, the run's final figure.
  void finish(std::chrono::milliseconds total) {
    const double more = seconds(total) - downtime_.Value();
    if (more > 0) downtime_.Increment(more);
  }

 private:
  /// Makes `value` its name's value shown now (1), and the one before it a value shown before.
  void show_tracked(const TrackedValue& value) {
    auto& shown = tracked_[value.name];
    if (shown.current != nullptr && shown.current_value == value.value) return;
    auto found = shown.values.find(value.value);
    if (found == shown.values.end()) {
      if (shown.values.size() == kMaxValues) return;  // bounded: later values are not series
      auto labels = labels_;
      labels.emplace("name", value.name);
      labels.emplace("value", value.value);
      found = shown.values.emplace(value.value, &families_.tracked.Add(labels)).first;
    }
    if (shown.current != nullptr) shown.current->Set(0);
    shown.current = found->second;
    shown.current_value = value.value;
    shown.current->Set(1);
  }

  struct Tracked {
    std::map<std::string, prometheus::Gauge*> values;
    prometheus::Gauge* current = nullptr;
    std::string current_value;
  };
  Families& families_;
  prometheus::Labels labels_;
  std::map<std::string, prometheus::Counter*> probes_;  ///< by outcome
  prometheus::Histogram& duration_;
  std::array<prometheus::Histogram*, kPhaseCount> phases_{};
  prometheus::Gauge& up_;
  prometheus::Counter& downtime_;
  prometheus::Counter& windows_;
  prometheus::Gauge& window_start_;
  prometheus::Counter& unobserved_;
  std::map<std::string, Tracked> tracked_;  ///< by name
};

RunMetrics::RunMetrics(std::string vantage)
    : vantage_(std::move(vantage)),
      registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>(*registry_)) {}

RunMetrics::~RunMetrics() = default;

AnalysisObserver& RunMetrics::target(const std::string& url, const std::string& address) {
  auto& target = targets_[{url, address}];
  if (!target) {
    prometheus::Labels labels{{"url", url}, {"vantage", vantage_}};
    if (address == kFreshConnection || address == kKeptConnection) {
      labels.emplace("connection", address);
    } else if (!address.empty()) {
      labels.emplace("address", address);
    }
    target = std::make_unique<Target>(*families_, std::move(labels));
  }
  return *target;
}

void RunMetrics::finish(const RunResults& results, WallTime end) {
  for (const auto& result : results.targets) {
    const auto found = targets_.find({result.url, result.address});
    if (found != targets_.end()) found->second->finish(result.analysis.downtime(end));
  }
}

}  // namespace upwatch
