#include "upwatch/transfer.hpp"

#include <fmt/format.h>
#include <netdb.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "upwatch/url.hpp"

namespace upwatch {

namespace {

/// Opens the socket libcurl asks for and notes the address it is for: libcurl reports no
/// address for a connection that failed (refused, timed out).
extern "C" curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  if (transfer->opened.size() < kMaxAttempts) {
    auto& opened = transfer->opened.emplace_back();
    std::memcpy(&opened, &address->addr, std::min<std::size_t>(address->addrlen, sizeof opened));
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

extern "C" std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<Transfer*>(user)->head.keep({data, size * count});
  return size * count;
}

extern "C" std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

/// Keeps the start of the body, for --track-body.
extern "C" std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& body = static_cast<Transfer*>(user)->body;
  body.append(data,
              std::min(size * count, kMaxTrackedBody - std::min(kMaxTrackedBody, body.size())));
  return size * count;
}

/// "127.0.0.1:8080" or "[::1]:8080" of a socket address; "-" if it has none.
std::string format_address(const sockaddr_storage& address) {
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> port{};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), sizeof address, host.data(),
                  host.size(), port.data(), port.size(), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "-";
  }
  return format_remote(host.data(), port.data());
}

}  // namespace

long to_millis(std::chrono::nanoseconds value) {
  return static_cast<long>(
      std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::milliseconds>(value).count()));
}

TransferSetup::TransferSetup(const Config& config)
    : config_(config),
      tracking_(config.track, config.track_body),
      headers_(make_slist(config.headers)),
      resolve_(make_slist(config.resolve)),
      connect_to_(make_slist(config.connect_to)) {
  // libcurl parses a URL given as text again for every transfer; a parsed one it copies.
  const auto parsed = [](const std::string& url) {
    UrlHandle handle{curl_url()};
    if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
      throw std::runtime_error("libcurl: cannot parse " + redact_url(url));
    }
    return handle;
  };
  for (const auto& target : config.targets) {
    urls_.push_back(parsed(target.url));
    routes_.push_back(direct_route(config, target.url));
  }
  if (!config.control_url.empty()) {
    control_url_ = parsed(config.control_url);
    control_route_ = direct_route(config, config.control_url);
  }
}

const DirectRoute* TransferSetup::route(Role role, std::size_t target) const {
  const auto& route = role == Role::control ? control_route_ : routes_[target];
  return route ? &*route : nullptr;
}

std::unique_ptr<Transfer> TransferSetup::make(Role role, std::size_t target) const {
  auto transfer = std::make_unique<Transfer>();
  transfer->role = role;
  transfer->target = target;
  transfer->route = route(role, target);
  transfer->easy.reset(curl_easy_init());
  if (!transfer->easy) throw std::runtime_error("libcurl: cannot create an easy handle");
  CURL* easy = transfer->easy.get();
  auto set = [easy](CURLoption option, auto value) {
    check(curl_easy_setopt(easy, option, value), "option");
  };
  set(CURLOPT_CURLU, role == Role::control ? control_url_.get() : urls_[target].get());
  set(CURLOPT_PRIVATE, static_cast<void*>(transfer.get()));
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_ERRORBUFFER, transfer->error.data());
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(transfer.get()));
  set(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(transfer.get()));
  if (role == Role::target && tracking_.tracks_body()) {
    set(CURLOPT_WRITEFUNCTION, keep_body);
    set(CURLOPT_WRITEDATA, static_cast<void*>(transfer.get()));
  } else {
    set(CURLOPT_WRITEFUNCTION, discard_body);
  }
  set(CURLOPT_USERAGENT, config_.user_agent.c_str());
  if (!config_.interface.empty()) set(CURLOPT_INTERFACE, config_.interface.c_str());
  if (!config_.user.empty()) set(CURLOPT_USERPWD, config_.user.c_str());
  if (config_.location) {
    set(CURLOPT_FOLLOWLOCATION, 1L);
    set(CURLOPT_MAXREDIRS, config_.max_redirs);
  }
  set(CURLOPT_TIMEOUT_MS, to_millis(config_.max_time));
  if (config_.connect_timeout) set(CURLOPT_CONNECTTIMEOUT_MS, to_millis(*config_.connect_timeout));
  if (!config_.data.empty()) {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(config_.data.size()));
    set(CURLOPT_POSTFIELDS, config_.data.c_str());
  }
  if (config_.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (config_.method != "GET") {
    set(CURLOPT_CUSTOMREQUEST, config_.method.c_str());
  }
  if (headers_) set(CURLOPT_HTTPHEADER, headers_.get());
  if (resolve_) set(CURLOPT_RESOLVE, resolve_.get());
  if (connect_to_) set(CURLOPT_CONNECT_TO, connect_to_.get());
  if (config_.insecure) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!config_.cacert.empty()) set(CURLOPT_CAINFO, config_.cacert.c_str());
  if (!config_.cert.empty()) set(CURLOPT_SSLCERT, config_.cert.c_str());
  if (!config_.key.empty()) set(CURLOPT_SSLKEY, config_.key.c_str());
  if (config_.tls_minimum != TlsMinimum::any) {
    set(CURLOPT_SSLVERSION, config_.tls_minimum == TlsMinimum::v1_3 ? CURL_SSLVERSION_TLSv1_3
                                                                    : CURL_SSLVERSION_TLSv1_2);
  }
  // "" turns off the proxy variables of the environment: only -x names a proxy.
  set(CURLOPT_PROXY, config_.proxy.c_str());
  if (!config_.noproxy.empty()) set(CURLOPT_NOPROXY, config_.noproxy.c_str());
  switch (config_.http_version) {
    case HttpVersion::automatic:
      break;
    case HttpVersion::http1_1:
      set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
      break;
    case HttpVersion::http2:
      set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_0));
      break;
  }
  switch (config_.ip_version) {
    case IpVersion::any:
      break;
    case IpVersion::v4:
      set(CURLOPT_IPRESOLVE, static_cast<long>(CURL_IPRESOLVE_V4));
      break;
    case IpVersion::v6:
      set(CURLOPT_IPRESOLVE, static_cast<long>(CURL_IPRESOLVE_V6));
      break;
  }
  // upwatch resolves names itself (and keeps them with --keep-alive): libcurl's cache would
  // only be searched, and pruned, for every transfer of every URL.
  set(CURLOPT_DNS_CACHE_TIMEOUT, 0L);
  if (config_.connections == Connections::fresh) {
    // As each curl process of the bash loop did: a new connection and a new look-up.
    set(CURLOPT_FRESH_CONNECT, 1L);
    set(CURLOPT_FORBID_REUSE, 1L);
  }
  return transfer;
}

PhaseTimes phase_times(const Transfer& transfer) {
  // libcurl counts from the start of its transfer, which began once upwatch had resolved the
  // name (if it did); a phase it did not reach reads 0.
  const auto reached = [&](CURLINFO info) -> std::optional<std::chrono::microseconds> {
    curl_off_t since_start = 0;
    if (curl_easy_getinfo(transfer.easy.get(), info, &since_start) != CURLE_OK ||
        since_start <= 0) {
      return std::nullopt;
    }
    return transfer.resolving_took + std::chrono::microseconds{since_start};
  };
  PhaseTimes phases{reached(CURLINFO_NAMELOOKUP_TIME_T), reached(CURLINFO_CONNECT_TIME_T),
                    reached(CURLINFO_APPCONNECT_TIME_T), reached(CURLINFO_STARTTRANSFER_TIME_T)};
  auto& dns = phases[static_cast<std::size_t>(Phase::dns)];
  if (!dns && transfer.resolving_took.count() > 0) dns = transfer.resolving_took;
  return phases;
}

ProbeRecord TransferSetup::finished_record(Transfer& transfer, CURLcode code, WallTime sent) const {
  CURL* easy = transfer.easy.get();
  curl_off_t total = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  auto record = record_of(
      transfer,
      {.code = code,
       .os_errno = os_errno,
       .message = transfer.error[0] != '\0' ? transfer.error.data() : curl_easy_strerror(code),
       .status = status,
       .total = transfer.resolving_took + std::chrono::microseconds{total}},
      sent);
  record.remote = remote_of(transfer);
  record.phases = phase_times(transfer);
  // Addresses connected to before the one that answered: libcurl moved on from them (refused,
  // or slow to connect), which only made the probe slower, and would hide a dead node. A
  // single attempt is the remote itself: nothing to name, and no formatting per probe.
  if (transfer.opened.size() > 1) {
    for (const auto& opened : transfer.opened) {
      auto address = format_address(opened);
      if (address != record.remote &&
          std::ranges::find(record.tried, address) == record.tried.end()) {
        record.tried.push_back(std::move(address));
      }
    }
  }
  return record;
}

ProbeRecord TransferSetup::exchanged_record(Transfer& transfer, WallTime sent) const {
  const Exchange& exchange = transfer.exchange;
  const auto since_sent = [&](BootClock::time_point when) {
    return std::chrono::duration_cast<std::chrono::microseconds>(when - transfer.sent);
  };
  auto record = record_of(transfer,
                          {.code = exchange.code(),
                           .os_errno = exchange.os_errno(),
                           .message = exchange.error(),
                           .status = exchange.status(),
                           .total = since_sent(exchange.ended_at())},
                          sent);
  record.remote = remote_of(transfer);
  if (transfer.resolving_took.count() > 0) {
    record.phases[static_cast<std::size_t>(Phase::dns)] = transfer.resolving_took;
  }
  if (const auto connected = exchange.connected_at()) {
    record.phases[static_cast<std::size_t>(Phase::connect)] = since_sent(*connected);
  }
  if (const auto first_byte = exchange.first_byte_at()) {
    record.phases[static_cast<std::size_t>(Phase::first_byte)] = since_sent(*first_byte);
  }
  return record;
}

ProbeRecord TransferSetup::record_of(Transfer& transfer, const Ending& ending,
                                     WallTime sent) const {
  HeadLines& head = transfer.head;
  const bool head_received = !head.lines.empty();
  if (head.dropped_lines > 0) {
    head.lines.push_back(fmt::format(
        "upwatch: {} more header lines ({} bytes) not kept: at most {} lines, {} bytes a probe",
        head.dropped_lines, head.dropped_bytes, kMaxKeptLines, kMaxKeptBytes));
  }
  ProbeRecord record{.sequence = transfer.sequence,
                     .role = transfer.role,
                     .sent = sent,
                     .total = ending.total,
                     .lines = std::move(head.lines)};
  if (ending.code == CURLE_OK && ending.status >= 100 && ending.status <= 999) {
    record.outcome = Outcome::http(static_cast<int>(ending.status));
    // The control only tells whether the network carried an answer: its headers would
    // only crowd the log and its greps.
    if (transfer.role == Role::control) record.lines.clear();
    if (transfer.role == Role::target)
      record.tracked = tracking_.values(record.lines, transfer.body);
    return record;
  }
  record.outcome =
      Outcome::failure(ending.code == CURLE_OK ? Transport::malformed
                                               : classify_failure(ending.code, ending.os_errno,
                                                                  ending.message, head_received));
  record.lines.push_back(fmt::format("curl: ({}) {}", ending.code, ending.message));
  if (record.outcome.transport == Transport::timeout && transfer.interrupted) {
    // Its time ran out while upwatch itself was stopped or suspended: nothing was observed.
    record.outcome = Outcome::failure(Transport::abandoned);
    record.lines.emplace_back(
        "upwatch: --max-time ran out while upwatch did not run (a gap): not judged");
  }
  return record;
}

std::string remote_of(const Transfer& transfer) {
  if (transfer.direct) return transfer.remote.empty() ? "-" : transfer.remote;
  char* ip = nullptr;
  if (curl_easy_getinfo(transfer.easy.get(), CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
      ip != nullptr && *ip != '\0') {
    long port = 0;
    curl_easy_getinfo(transfer.easy.get(), CURLINFO_PRIMARY_PORT, &port);
    return format_remote(ip, fmt::format_int(port).c_str());
  }
  return transfer.opened.empty() ? "-" : format_address(transfer.opened.back());
}

Transport classify_failure(int curl_code, long os_errno, std::string_view message,
                           bool head_received) {
  // The errno is read only for codes that set it: a reused handle keeps an old one.
  const bool reset_by_peer = os_errno == ECONNRESET || os_errno == EPIPE;
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_CONNECT:
      switch (os_errno) {
        case ECONNREFUSED:
          return Transport::refused;
        case ENETUNREACH:
        case EHOSTUNREACH:
        case ENETDOWN:
          return Transport::unreachable;
        default:
          return Transport::connect;
      }
    case CURLE_OPERATION_TIMEDOUT:
      return Transport::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Transport::dns;
    case CURLE_GOT_NOTHING:
      return Transport::empty;
    case CURLE_UNSUPPORTED_PROTOCOL:  // an HTTP/0.9-like answer with no status line
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_TOO_MANY_REDIRECTS:
      return Transport::malformed;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      // A body libcurl could not decode is the answer's fault, not the connection's.
      if (message.find("chunk") != std::string_view::npos) return Transport::malformed;
      // A TLS alert after the handshake: TLS 1.3 servers refuse a client certificate (or its
      // absence) only then.
      if (message.find("SSL routines::") != std::string_view::npos &&
          message.find(" alert ") != std::string_view::npos) {
        return Transport::tls;
      }
      return Transport::reset;
    case CURLE_OUT_OF_MEMORY:
      // libcurl 7.88 reports a header too large to take as running out of memory.
      return head_received ? Transport::malformed : Transport::error;
    case CURLE_SSL_CONNECT_ERROR:
      return reset_by_peer ? Transport::reset : Transport::tls;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return Transport::tls;
    default:
      return Transport::error;
  }
}

}  // namespace upwatch
