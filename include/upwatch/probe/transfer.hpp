#pragma once

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/curl_handles.hpp"
#include "upwatch/core/head_lines.hpp"
#include "upwatch/core/probe.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// One reusable probe slot of one URL of the run: an easy handle configured for it, and the
/// state of the probe it carries.
struct Transfer {
  EasyHandle easy;
  Role role = Role::target;
  std::size_t target = 0;     ///< the URL's place among the run's (its slot of the schedule)
  bool kept = false;          ///< its connections are kept alive and reused
  std::string address;        ///< the address it is pinned to (--each-address), or ""
  SlistHandle pinned;         ///< CURLOPT_CONNECT_TO that pins it there
  bool active = false;        ///< resolving its name or in the multi handle
  bool resolving = false;     ///< waiting for the resolver
  bool in_multi = false;      ///< added to the multi handle
  bool peer_reset = false;    ///< its fresh connection was found reset when it was closed
  int socket_errno = 0;       ///< why a socket could not be opened for it (EMFILE...), or 0
  bool interrupted = false;   ///< in flight while upwatch did not run (a gap): a time-out
                              ///< then is upwatch's, not the service's
  std::uint64_t lookups = 0;  ///< look-ups started: tells a late answer from the current one
  SlistHandle resolved;       ///< CURLOPT_RESOLVE of the current probe, when it resolved
  std::chrono::microseconds resolving_took{};  ///< from sending to the transfer's start
  std::uint64_t sequence = 0;
  BootClock::time_point sent;
  HeadLines head;    ///< the status line and headers kept so far
  std::string body;  ///< its first kMaxTrackedBody bytes, when --track-body searches it
  std::array<char, CURL_ERROR_SIZE> error{};
  /// The addresses connections were opened to, in order (at most kMaxAttempts): libcurl
  /// reports no address for a connection that failed, nor for one it gave up to try the next.
  std::vector<sockaddr_storage> opened;
};

/// What the transfers of a run share, owned for the life of the run (libcurl keeps pointers
/// to these lists), and the making of their slots.
class TransferSetup {
 public:
  /// The setup of `config`'s transfers; `config` must outlive it.
  explicit TransferSetup(const Config& config);

  /// A new slot for `role` (of URL `target`), its easy handle configured for the run; throws
  /// std::runtime_error if libcurl fails.
  [[nodiscard]] std::unique_ptr<Transfer> make(Role role, std::size_t target, bool kept) const;
  /// The record of a probe whose transfer libcurl finished with `code`, sent at `sent`, with
  /// the values the run tracks if it is an answer of the URL; the lines are moved out of
  /// `transfer`.
  [[nodiscard]] ProbeRecord finished_record(Transfer& transfer, CURLcode code, WallTime sent) const;
  /// Has `transfer`'s probe connect to `entry` (as CURLOPT_RESOLVE takes it, after the run's
  /// --resolve), in the time its --max-time has left.
  void resolve_to(Transfer& transfer, const std::string& entry) const;
  /// Pins `transfer`'s probe to `address` (--each-address), keeping its URL's host name for
  /// Host and TLS, in the time its --max-time has left.
  void pin_to(Transfer& transfer, std::string address) const;

 private:
  /// Sets what `easy` sends: user agent, credentials, method, body, headers, HTTP version,
  /// redirects and time limits.
  void set_request_options(CURL* easy, bool kept) const;
  /// Sets how `easy` connects: interface, look-up overrides, TLS, proxy, IP version, and
  /// fresh connections unless `kept`.
  void set_connection_options(CURL* easy, bool kept) const;
  /// Limits `transfer`'s probe to the time its --max-time has left.
  void limit_to_time_left(Transfer& transfer) const;

  const Config& config_;
  Tracking tracking_;
  SlistHandle headers_;       ///< of a probe on a fresh connection
  SlistHandle kept_headers_;  ///< of a probe on a kept-alive one
  SlistHandle resolve_;
  SlistHandle connect_to_;
  std::vector<UrlHandle> urls_;  ///< each URL parsed once, for all its transfers
  UrlHandle control_url_;        ///< the control URL parsed, if there is one
};

/// When the probe of `transfer`, finished, reached each phase, from its sending.
[[nodiscard]] PhaseTimes phase_times(const Transfer& transfer);

/// The address the probe was answered from; for a connection that failed, the last one
/// tried; "-" if none.
[[nodiscard]] std::string remote_of(const Transfer& transfer);

/// The most connection attempts of a probe whose addresses are kept.
inline constexpr std::size_t kMaxAttempts = 16;

/// A time as libcurl's millisecond options take it: rounded up, at least 1.
[[nodiscard]] long to_millis(std::chrono::nanoseconds value);

}  // namespace upwatch
