#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/core/url.hpp"

namespace upwatch {

/// The Prometheus metrics of a run, kept up to date by observing each target's analysis. Every
/// series is labelled with the target (`url`, and `address` when probed per address) and the
/// `vantage`; none has a label per probe.
class RunMetrics {
 public:
  /// The metrics of a run seen from `vantage`.
  explicit RunMetrics(std::string vantage);
  ~RunMetrics();
  RunMetrics(const RunMetrics&) = delete;
  RunMetrics& operator=(const RunMetrics&) = delete;

  /// The observer of the target `url` at `address` ("" for the URL), made on first need; it
  /// lives as long as this.
  [[nodiscard]] AnalysisObserver& target(const std::string& url, const std::string& address);
  /// Brings each target's downtime to the run's final results, where a window still open at
  /// `end` counts until then.
  void finish(const RunResults& results, WallTime end);
  /// Every metric.
  [[nodiscard]] const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  struct Families;
  class Target;
  std::string vantage_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Target>> targets_;
};

}  // namespace upwatch
