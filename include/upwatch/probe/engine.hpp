#pragma once

#include <functional>
#include <memory>

#include "upwatch/core/config.hpp"
#include "upwatch/core/gap.hpp"
#include "upwatch/core/probe.hpp"
#include "upwatch/core/run.hpp"
#include "upwatch/core/wall_time.hpp"
#include "upwatch/net/signals.hpp"
#include "upwatch/probe/schedule.hpp"

namespace upwatch {

/// Where the engine hands what it observes, the moment it knows it.
struct EngineSinks {
  std::function<void(ProbeRecord&&)> record;  ///< each probe as it finishes (in finish order)
  std::function<void(const Gap&)> gap;        ///< each gap once it is over
  std::function<void(const AddressSet&)> addresses;  ///< a URL's new set of addresses
                                                     ///< (--each-address), before its probes
  std::function<void()> interim;                     ///< when SIGUSR1 asks for a summary so far
  /// A few times a second, if set (a live view): the run's time now and the probes of the URL
  /// sent so far. Called between probes, never in place of one.
  std::function<void(WallTime now, std::uint64_t sent)> refresh;
};

/// How often EngineSinks::refresh is called.
inline constexpr std::chrono::milliseconds kRefreshEvery{250};

/// Sends the probes of one run on its schedule, many in flight at once, on one thread with
/// libcurl's multi interface: at each tick one probe to its URL (with --each-address, one to
/// each address of its name), and once an interval one to the control URL if any. Ticks it cannot
/// send on time (it was stopped, the machine slept, --parallel-max probes were in flight) are
/// handed over as gaps, never sent late in a burst.
class Engine {
 public:
  /// An engine for `config`'s run, whose schedule starts at `start`.
  Engine(const Config& config, const ClockReading& start, EngineSinks sinks);
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

}  // namespace upwatch
