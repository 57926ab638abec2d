#pragma once

namespace upwatch {

/// Turns SIGINT, SIGTERM and SIGHUP into a request to stop, and SIGUSR1 into a request for an
/// interim summary, for the life of this object
/// (SIGHUP only if it was not ignored when upwatch started, as under nohup).
/// The handler only records the signal and writes a byte to a pipe, so a loop blocked in
/// poll() wakes at once. A second SIGINT or SIGTERM ends the process at once, status 130.
class StopSignals {
 public:
  /// Installs the handlers; throws std::system_error if the pipe cannot be made.
  StopSignals();
  /// Restores the previous handlers and closes the pipe.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// A descriptor that becomes readable when a stop is requested.
  [[nodiscard]] int wake_fd() const;
  /// True once a stop signal has arrived.
  [[nodiscard]] bool stop_requested() const;
  /// The first stop signal's number, or 0.
  [[nodiscard]] int signal_number() const;
  /// True, once, if SIGUSR1 asked for an interim summary since the last call.
  [[nodiscard]] bool take_summary_request() const;
};

}  // namespace upwatch
