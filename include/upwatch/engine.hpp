#pragma once

#include <functional>
#include <memory>

#include "upwatch/config.hpp"
#include "upwatch/probe.hpp"
#include "upwatch/signals.hpp"
#include "upwatch/wall_time.hpp"

namespace upwatch {

/// Sends the probes of one run on its schedule, many in flight at once, on one thread with
/// libcurl's multi interface, and hands each finished probe to a sink as a ProbeRecord.
class Engine {
 public:
  /// Receives each probe the moment it finishes (in the order they finish).
  using RecordSink = std::function<void(ProbeRecord&&)>;

  /// An engine for `config`'s run, whose schedule starts at `origin`.
  Engine(const Config& config, ClockOrigin origin, RecordSink sink);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Probes until the count or duration is reached, then waits for the probes in flight; or
  /// until `stop` fires, then hands over the probes in flight as abandoned at once.
  /// Returns the wall-clock time the run ended; throws std::runtime_error if libcurl fails.
  WallTime run(const StopSignals& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The transport failure a libcurl result code (with the OS errno it saw) stands for.
[[nodiscard]] Transport classify_failure(int curl_code, long os_errno);

}  // namespace upwatch
