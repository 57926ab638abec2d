#pragma once

// The words the summary's parts share: private to report/.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upwatch/analysis/outage.hpp"
#include "upwatch/analysis/run_info.hpp"
#include "upwatch/analysis/targets.hpp"
#include "upwatch/core/duration.hpp"

namespace upwatch::summary {

/// "1 window", "2 windows".
[[nodiscard]] inline std::string plural(std::uint64_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

/// How long a probe waited, to the millisecond: "5.000s".
[[nodiscard]] inline std::string format_waited(std::chrono::microseconds value) {
  return format_elapsed(std::chrono::duration_cast<std::chrono::milliseconds>(value));
}

/// The probes counted in `counts`.
[[nodiscard]] inline std::uint64_t sum(const OutcomeCounts& counts) {
  std::uint64_t total = 0;
  for (const auto& entry : counts) total += entry.second;
  return total;
}

/// The windows of the service (those not listed included), or of the prober's own network.
[[nodiscard]] inline std::uint64_t count_windows(const RunAnalysis& analysis, bool prober_network) {
  const auto listed =
      static_cast<std::uint64_t>(std::ranges::count_if(analysis.windows, [&](const auto& window) {
        return window.prober_network == prober_network;
      }));
  return prober_network ? listed : listed + analysis.unlisted_windows.count;
}

/// The gaps, those not listed included.
[[nodiscard]] inline std::uint64_t count_gaps(const RunAnalysis& analysis) {
  return analysis.gaps.size() + analysis.unlisted_gaps.count;
}

/// "http://h/ at 127.0.0.1", "http://h/ on fresh connections", or the URL alone.
[[nodiscard]] inline std::string target_name(const TargetResult& target) {
  return upwatch::target_name(target.url, target.address);
}

/// Appends a line for each window of `analysis`, of the service or of the prober's network,
/// as the summary lists them: "  START -> END  DURATION  N failed probes (#A-#B): OUTCOMES".
void append_windows(std::string& out, const RunInfo& run, const RunAnalysis& analysis,
                    bool prober_network);

/// Targets' analyses with their names ("" for the one target of a run).
using NamedAnalyses = std::vector<std::pair<std::string, const RunAnalysis*>>;

/// A moment of a run worth a line of its own: a mark, or a window beginning or ending.
struct RunEvent {
  WallTime time;
  std::string text;  ///< the mark's text, or what began or ended
  bool mark = false;
};

/// The marks of `run` and the beginning and end of each window of `targets`, in time order
/// (the order written where times are equal).
[[nodiscard]] std::vector<RunEvent> run_events(const RunInfo& run, const NamedAnalyses& targets);

}  // namespace upwatch::summary
