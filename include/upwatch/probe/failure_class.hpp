#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "upwatch/core/probe.hpp"

namespace upwatch {

/// What is known of how libcurl ended a probe, besides its words: the facts a failure class is
/// decided from.
struct CurlEnding {
  int code = 0;                ///< libcurl's result code (CURLcode)
  long os_errno = 0;           ///< CURLINFO_OS_ERRNO: the errno of a failed socket call, or 0
  bool peer_reset = false;     ///< the kernel had the connection reset when it was closed
  bool tls_done = false;       ///< the TLS handshake was done (CURLINFO_APPCONNECT_TIME_T > 0)
  bool head_received = false;  ///< at least one line of the answer's head had arrived
};

/// How a row of the failure table decides its class.
enum class ClassRule : std::uint8_t {
  fixed,           ///< always the row's class
  connect_errno,   ///< ECONNREFUSED: refused; ENETUNREACH, EHOSTUNREACH, ENETDOWN: unreachable;
                   ///< EMFILE, ENFILE, ENOBUFS, ENOMEM, EADDRNOTAVAIL: exhausted (the
                   ///< prober's own shortage); else the row's class (connect)
  transfer_errno,  ///< a reset (ECONNRESET, EPIPE, ECONNABORTED, or the kernel's word): reset;
                   ///< another errno: error; none, after a TLS handshake and before any head:
                   ///< tls (an alert); none otherwise: the row's class (malformed: libcurl's HTTP
                   ///< layer refused what was received)
  tls_handshake,   ///< a reset: reset; else the row's class (tls)
  head_limit,      ///< after a line of the head: malformed (libcurl 7.88 reports a header line
                   ///< too long to take as out of memory); before: the row's class (error)
};

/// One row of the failure table: a libcurl result code and the class of a probe it ends.
struct FailureRow {
  int code = 0;           ///< the CURLcode
  std::string_view name;  ///< its name in curl.h, as docs/failure-classes.md lists it
  Transport transport{};  ///< its class, or the class its rule falls back to
  ClassRule rule = ClassRule::fixed;
};

/// Every libcurl result code that a probe can end with, in code order; a code not listed is
/// `error`.
[[nodiscard]] std::span<const FailureRow> failure_table();

/// The failure class of a probe that libcurl ended with `ending.code` (not CURLE_OK).
[[nodiscard]] Transport classify_failure(const CurlEnding& ending);

}  // namespace upwatch
