#include "upwatch/probe/failure_class.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace upwatch {

namespace {

using enum ClassRule;

#define UPWATCH_ROW(code, transport, rule) \
  FailureRow { code, #code, Transport::transport, rule }

constexpr std::array kTable{
    UPWATCH_ROW(CURLE_UNSUPPORTED_PROTOCOL, malformed, fixed),  // an HTTP/0.9-like answer
    UPWATCH_ROW(CURLE_FAILED_INIT, error, fixed),
    UPWATCH_ROW(CURLE_URL_MALFORMAT, error, fixed),
    UPWATCH_ROW(CURLE_COULDNT_RESOLVE_PROXY, dns, fixed),
    UPWATCH_ROW(CURLE_COULDNT_RESOLVE_HOST, dns, fixed),
    UPWATCH_ROW(CURLE_COULDNT_CONNECT, connect, connect_errno),
    UPWATCH_ROW(CURLE_WEIRD_SERVER_REPLY, malformed, fixed),
    UPWATCH_ROW(CURLE_HTTP2, malformed, fixed),
    UPWATCH_ROW(CURLE_PARTIAL_FILE, malformed, fixed),
    UPWATCH_ROW(CURLE_WRITE_ERROR, error, fixed),
    UPWATCH_ROW(CURLE_READ_ERROR, error, fixed),
    UPWATCH_ROW(CURLE_OUT_OF_MEMORY, error, head_limit),
    UPWATCH_ROW(CURLE_OPERATION_TIMEDOUT, timeout, fixed),
    UPWATCH_ROW(CURLE_RANGE_ERROR, malformed, fixed),
    UPWATCH_ROW(CURLE_SSL_CONNECT_ERROR, tls, tls_handshake),
    UPWATCH_ROW(CURLE_ABORTED_BY_CALLBACK, error, fixed),
    UPWATCH_ROW(CURLE_BAD_FUNCTION_ARGUMENT, error, fixed),
    UPWATCH_ROW(CURLE_INTERFACE_FAILED, error, fixed),
    UPWATCH_ROW(CURLE_TOO_MANY_REDIRECTS, malformed, fixed),
    UPWATCH_ROW(CURLE_GOT_NOTHING, empty, fixed),
    UPWATCH_ROW(CURLE_SSL_ENGINE_NOTFOUND, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_ENGINE_SETFAILED, tls, fixed),
    UPWATCH_ROW(CURLE_SEND_ERROR, malformed, transfer_errno),
    UPWATCH_ROW(CURLE_RECV_ERROR, malformed, transfer_errno),
    UPWATCH_ROW(CURLE_SSL_CERTPROBLEM, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_CIPHER, tls, fixed),
    UPWATCH_ROW(CURLE_PEER_FAILED_VERIFICATION, tls, fixed),
    UPWATCH_ROW(CURLE_BAD_CONTENT_ENCODING, malformed, fixed),
    UPWATCH_ROW(CURLE_FILESIZE_EXCEEDED, malformed, fixed),
    UPWATCH_ROW(CURLE_USE_SSL_FAILED, tls, fixed),
    UPWATCH_ROW(CURLE_SEND_FAIL_REWIND, error, fixed),
    UPWATCH_ROW(CURLE_SSL_ENGINE_INITFAILED, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_CACERT_BADFILE, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_SHUTDOWN_FAILED, tls, fixed),
    UPWATCH_ROW(CURLE_AGAIN, error, fixed),
    UPWATCH_ROW(CURLE_SSL_CRL_BADFILE, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_ISSUER_ERROR, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_PINNEDPUBKEYNOTMATCH, tls, fixed),
    UPWATCH_ROW(CURLE_SSL_INVALIDCERTSTATUS, tls, fixed),
    UPWATCH_ROW(CURLE_HTTP2_STREAM, malformed, fixed),
    UPWATCH_ROW(CURLE_RECURSIVE_API_CALL, error, fixed),
    UPWATCH_ROW(CURLE_AUTH_ERROR, error, fixed),
    UPWATCH_ROW(CURLE_HTTP3, malformed, fixed),
    UPWATCH_ROW(CURLE_QUIC_CONNECT_ERROR, connect, fixed),
    UPWATCH_ROW(CURLE_PROXY, error, fixed),
    UPWATCH_ROW(CURLE_SSL_CLIENTCERT, tls, fixed),
    UPWATCH_ROW(CURLE_UNRECOVERABLE_POLL, error, fixed),
};

#undef UPWATCH_ROW

static_assert(std::ranges::is_sorted(kTable, {}, &FailureRow::code));

[[nodiscard]] bool was_reset(const CurlEnding& ending) {
  return ending.peer_reset || ending.os_errno == ECONNRESET || ending.os_errno == EPIPE ||
         ending.os_errno == ECONNABORTED;
}

}  // namespace

std::span<const FailureRow> failure_table() { return kTable; }

Transport classify_failure(const CurlEnding& ending) {
  const auto* row = std::ranges::lower_bound(kTable, ending.code, {}, &FailureRow::code);
  if (row == kTable.end() || row->code != ending.code) return Transport::error;
  switch (row->rule) {
    case fixed:
      return row->transport;
    case connect_errno:
      switch (ending.os_errno) {
        case ECONNREFUSED:
          return Transport::refused;
        case ENETUNREACH:
        case EHOSTUNREACH:
        case ENETDOWN:
          return Transport::unreachable;
        case EMFILE:
        case ENFILE:
        case ENOBUFS:
        case ENOMEM:
        case EADDRNOTAVAIL:
          return Transport::exhausted;
        default:
          return row->transport;
      }
    case transfer_errno:
      if (was_reset(ending)) return Transport::reset;
      if (ending.os_errno != 0) return Transport::error;
      if (ending.tls_done && !ending.head_received) return Transport::tls;
      return row->transport;
    case tls_handshake:
      return was_reset(ending) ? Transport::reset : row->transport;
    case head_limit:
      return ending.head_received ? Transport::malformed : row->transport;
  }
  return Transport::error;
}

}  // namespace upwatch
