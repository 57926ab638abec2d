#pragma once

// Builders of the probe records the unit tests feed to analyses, reports and metrics.

#include <chrono>
#include <cstdint>
#include <string>

#include "upwatch/core/probe.hpp"

namespace upwatch::testing {

using namespace std::chrono_literals;

/// Midnight UTC, 26 November 2026: the start of the sample runs.
inline const WallTime kSampleStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};

/// Probe #k of a run that began at `start` and probes every `interval`, sent on its tick.
struct Probe {
  std::uint64_t k = 0;
  Outcome outcome = Outcome::http(200);
  std::chrono::microseconds total = 1ms;  ///< from sending to the end of the probe
  std::string address;                    ///< the address probed, with --each-address
  WallTime start = kSampleStart;
  std::chrono::milliseconds interval = 100ms;

  /// The record of this probe.
  [[nodiscard]] ProbeRecord record() const {
    return {.sequence = k,
            .sent = start + interval * static_cast<std::int64_t>(k),
            .outcome = outcome,
            .total = total,
            .address = address};
  }
};

}  // namespace upwatch::testing
