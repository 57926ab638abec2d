#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// How a probe ended at the transport level; `answered` means an HTTP status was received.
enum class Transport : std::uint8_t {
  answered,
  refused,      ///< connection refused (nothing listening)
  reset,        ///< connection reset by the peer
  timeout,      ///< --max-time or --connect-timeout expired
  dns,          ///< the host name did not resolve
  tls,          ///< TLS handshake or certificate failure
  empty,        ///< the server closed the connection without answering
  malformed,    ///< the answer was not valid HTTP
  connect,      ///< connecting failed otherwise
  unreachable,  ///< no route from this machine (its own network is down or gone)
  error,        ///< any other transport failure
  skipped,      ///< not sent: the cap on probes in flight was reached (logs of upwatch 0.1)
  abandoned,    ///< still in flight when the run was stopped by a signal
  exhausted,    ///< not sent: upwatch ran out of file descriptors, memory or local ports
  slow,         ///< answered, and judged up by its status, but after longer than --slow
};

/// The outcome of one probe: an HTTP status, or the transport failure that prevented one.
struct Outcome {
  Transport transport = Transport::answered;
  int status = 0;  ///< the HTTP status when transport == answered, else 0

  /// An answered outcome with the given HTTP status.
  [[nodiscard]] static Outcome http(int status) { return {Transport::answered, status}; }
  /// A transport failure.
  [[nodiscard]] static Outcome failure(Transport transport) { return {transport, 0}; }

  // clang-tidy 14 takes the defaulted comparison for a literal 0 compared with a pointer.
  auto operator<=>(const Outcome&) const = default;  // NOLINT(modernize-use-nullptr)
};

/// The log's name of an outcome: "200", "502", "refused", "timeout", ...
[[nodiscard]] std::string format_as(Outcome outcome);
/// Parses what format_as writes.
[[nodiscard]] std::optional<Outcome> parse_outcome(std::string_view text);

/// What a probe means for availability.
enum class Verdict : std::uint8_t {
  up,
  down,
  abandoned,   ///< still in flight when the run stopped: not judged
  unobserved,  ///< not sent: part of a gap, never down
};

/// The set of HTTP statuses that count as up, from --expect.
class StatusExpectation {
 public:
  /// The default: every status below 500 is up.
  StatusExpectation();
  /// Parses a comma-separated list of statuses ("200"), classes ("2xx") and ranges
  /// ("200-399"); nullopt if any item is not one of those within 100..599.
  [[nodiscard]] static std::optional<StatusExpectation> parse(std::string_view spec);

  /// The verdict on an outcome: transport failures are down, abandoned and skipped probes
  /// neither.
  [[nodiscard]] Verdict judge(Outcome outcome) const;
  /// The specification this set was parsed from, as the log's run header records it.
  [[nodiscard]] const std::string& spec() const { return spec_; }

  /// The same, with an answer that took longer than `limit` (--slow) counted as failed; none
  /// for no limit.
  [[nodiscard]] StatusExpectation slower_than(std::optional<std::chrono::microseconds> limit) const;
  /// The longest total time of a good answer, if limited.
  [[nodiscard]] std::optional<std::chrono::microseconds> slow() const { return slow_; }
  /// What an outcome after `total` counts as: Transport::slow for an answer judged up that took
  /// longer than slow(); else the outcome itself.
  [[nodiscard]] Outcome classify(Outcome outcome, std::chrono::microseconds total) const;

 private:
  std::bitset<600> up_;
  std::string spec_;
  std::optional<std::chrono::microseconds> slow_;
};

/// The downtime a deploy gate lets pass (--max-downtime, --max-window): every window is still
/// reported, but the exit status is 1 only beyond it.
struct DowntimeBudget {
  std::optional<std::chrono::milliseconds> total;   ///< the most downtime in all
  std::optional<std::chrono::milliseconds> window;  ///< the longest any one window may last

  [[nodiscard]] bool empty() const { return !total && !window; }
};

/// The longest total time a log may record for a probe; longer is taken for a corrupt record.
inline constexpr std::chrono::microseconds kMaxRecordedTotal = std::chrono::hours{24 * 365};

/// Which URL of the run a probe was sent to.
enum class Role : std::uint8_t {
  target,   ///< the URL under watch
  control,  ///< --control: an independent URL probed at the same ticks, to tell the prober's
            ///< own network from the service
};

/// The phases of a probe, in the order it reaches them.
enum class Phase : std::uint8_t {
  dns,         ///< the name resolved
  connect,     ///< the TCP connection made (to the proxy, with one)
  tls,         ///< the TLS handshake done
  first_byte,  ///< the first byte of the answer received
};
inline constexpr std::size_t kPhaseCount = 4;
/// The log's name of a phase: "dns", "connect", "tls", "ttfb".
[[nodiscard]] std::string_view format_as(Phase phase);

/// When a probe reached each phase, counted from its sending, indexed by Phase; nullopt for a
/// phase it did not reach (or a log that does not record phases).
using PhaseTimes = std::array<std::optional<std::chrono::microseconds>, kPhaseCount>;

/// What a --track header (or, as "body", the --track-body match) said in one answer.
struct TrackedValue {
  std::string name;  ///< the header's name, lower case
  std::string value;

  bool operator==(const TrackedValue&) const = default;
};

/// One finished probe, exactly as the log records it.
struct ProbeRecord {
  std::uint64_t sequence = 0;  ///< probe k was scheduled at start + k x interval
  Role role = Role::target;
  WallTime sent;                      ///< wall-clock time the probe was sent
  Outcome outcome;                    ///< HTTP status or transport failure
  std::chrono::microseconds total{};  ///< time from sending to the end of the probe
  std::string remote = "-";           ///< "127.0.0.1:8080", "[::1]:443", or "-" if none
  std::vector<std::string> lines;     ///< status line and headers as received; if not answered,
                                      ///< the last line says why (libcurl's or upwatch's text)
  PhaseTimes phases{};                ///< when it reached each phase
  std::vector<std::string> tried;     ///< addresses connected to before `remote`, that did not
                                      ///< answer (refused, or too slow to connect)
  std::vector<TrackedValue> tracked;  ///< the values of the tracked names the answer carried
  std::string url;         ///< the URL probed, redacted, in a run of several; "" in a run of one
  std::string address;     ///< the address the probe was pinned to (--each-address), else ""
  std::string connection;  ///< with --connections both, the kind it went on: kFreshConnection
                           ///< or kKeptConnection; else ""

  bool operator==(const ProbeRecord&) const = default;
};

/// The kinds of connection of a run of --connections both, as records name them.
inline constexpr std::string_view kFreshConnection = "fresh";
inline constexpr std::string_view kKeptConnection = "kept-alive";

/// "http://h/ at 10.0.0.1" for a URL's address, "http://h/ on kept-alive connections" for a
/// kind of connection (--connections both), the URL alone for `part` "".
[[nodiscard]] std::string target_name(std::string_view url, std::string_view part);

/// Why `record` failed, in words a person acts on, at most kCauseLength bytes: "connection
/// refused by 10.0.1.17:443", "certificate verify failed: self-signed certificate
/// (10.0.1.17:443)", "502 Bad Gateway from 10.0.1.17:443"; libcurl's or upwatch's own words
/// where there are none better.
[[nodiscard]] std::string describe_failure(const ProbeRecord& record);
/// The longest describe_failure text.
inline constexpr std::size_t kCauseLength = 100;

}  // namespace upwatch
