#include "upwatch/probe/transfer.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "upwatch/core/url.hpp"
#include "upwatch/probe/failure_class.hpp"

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
  const auto socket =
      ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (socket < 0) transfer->socket_errno = errno;
  return socket;
}

/// Closes a socket libcurl is done with, noting whether the kernel had it reset: libcurl's TLS
/// layer reports no errno for a connection reset under it.
extern "C" int on_close_socket(void* user, curl_socket_t socket) {
  tcp_info info{};
  socklen_t size = sizeof info;
  if (getsockopt(socket, IPPROTO_TCP, TCP_INFO, &info, &size) == 0 &&
      info.tcpi_state == TCP_CLOSE) {
    static_cast<Transfer*>(user)->peer_reset = true;
  }
  return ::close(socket);
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

/// The headers of -H, and "Connection: close" on a fresh connection unless -H names Connection:
/// HTTP/1.1 asks it of a client that will not reuse its connection (RFC 9112, 9.6), and the
/// server, closing first, keeps the TIME_WAIT rather than the prober.
std::vector<std::string> request_headers(const Config& config, bool kept) {
  auto headers = config.headers;
  const auto names_connection = [](const std::string& header) {
    constexpr std::string_view kName = "connection";
    return header.size() > kName.size() &&
           (header[kName.size()] == ':' || header[kName.size()] == ';') &&
           std::ranges::equal(
               std::string_view{header}.substr(0, kName.size()), kName,
               [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  if (!kept && std::ranges::none_of(headers, names_connection)) {
    headers.emplace_back("Connection: close");
  }
  return headers;
}

/// Sets libcurl's `option` of `easy` to `value`; throws std::runtime_error if libcurl refuses.
template <typename Value>
void set_option(CURL* easy, CURLoption option, Value value) {
  check(curl_easy_setopt(easy, option, value), "option");
}

/// The addresses the probe of `transfer` connected to before `remote`, the one that answered:
/// libcurl moved on from them (refused, or slow to connect), which only made the probe slower,
/// and would hide a dead node. A single attempt is the remote itself: nothing to name, and no
/// formatting per probe.
std::vector<std::string> tried_before(const Transfer& transfer, const std::string& remote) {
  std::vector<std::string> tried;
  if (transfer.opened.size() <= 1) return tried;
  for (const auto& opened : transfer.opened) {
    auto address = format_address(opened);
    if (address != remote && std::ranges::find(tried, address) == tried.end()) {
      tried.push_back(std::move(address));
    }
  }
  return tried;
}

/// Judges the probe of `transfer`, which libcurl ended with the error `code`: its failure
/// class, and libcurl's words as its last line.
/// What upwatch ran short of, for an errno that says it did, and the limit to raise.
std::string_view shortage(long os_errno) {
  switch (os_errno) {
    case EMFILE:
      return "upwatch ran out of file descriptors: raise its limit (ulimit -n)";
    case ENFILE:
      return "the system ran out of file descriptors: raise fs.file-max";
    case EADDRNOTAVAIL:
      return "no local port was free: widen net.ipv4.ip_local_port_range, or probe less often";
    default:
      return "the system ran out of memory or socket buffers";
  }
}

void judge_failure(ProbeRecord& record, const Transfer& transfer, CURLcode code,
                   bool head_received) {
  long os_errno = transfer.socket_errno;
  if (os_errno == 0) curl_easy_getinfo(transfer.easy.get(), CURLINFO_OS_ERRNO, &os_errno);
  record.outcome = Outcome::failure(classify_failure({
      .code = code,
      // The errno is read only for codes that set it: a reused handle keeps an old one.
      .os_errno = os_errno,
      .peer_reset = transfer.peer_reset,
      .tls_done = record.phases[static_cast<std::size_t>(Phase::tls)].has_value(),
      .head_received = head_received,
  }));
  record.lines.push_back(
      fmt::format("curl: ({}) {}", static_cast<int>(code),
                  transfer.error[0] != '\0' ? transfer.error.data() : curl_easy_strerror(code)));
  if (record.outcome.transport == Transport::exhausted) {
    record.lines.push_back(fmt::format("upwatch: not sent: {} ({}); not the service's failure",
                                       shortage(os_errno),
                                       std::strerror(static_cast<int>(os_errno))));
  }
  if (record.outcome.transport == Transport::timeout && transfer.interrupted) {
    // Its time ran out while upwatch itself was stopped or suspended: nothing was observed.
    record.outcome = Outcome::failure(Transport::abandoned);
    record.lines.emplace_back(
        "upwatch: --max-time ran out while upwatch did not run (a gap): not judged");
  }
}

}  // namespace

long to_millis(std::chrono::nanoseconds value) {
  return static_cast<long>(
      std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::milliseconds>(value).count()));
}

TransferSetup::TransferSetup(const Config& config)
    : config_(config),
      tracking_(config.track, config.track_body),
      headers_(make_slist(request_headers(config, false))),
      kept_headers_(make_slist(request_headers(config, true))),
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
  for (const auto& target : config.targets) urls_.push_back(parsed(target.url));
  if (!config.control_url.empty()) control_url_ = parsed(config.control_url);
}

std::unique_ptr<Transfer> TransferSetup::make(Role role, std::size_t target, bool kept) const {
  auto transfer = std::make_unique<Transfer>();
  transfer->role = role;
  transfer->target = target;
  transfer->kept = kept;
  transfer->easy.reset(curl_easy_init());
  if (!transfer->easy) throw std::runtime_error("libcurl: cannot create an easy handle");
  CURL* easy = transfer->easy.get();
  set_option(easy, CURLOPT_CURLU, role == Role::control ? control_url_.get() : urls_[target].get());
  set_option(easy, CURLOPT_PRIVATE, static_cast<void*>(transfer.get()));
  set_option(easy, CURLOPT_NOSIGNAL, 1L);
  set_option(easy, CURLOPT_ERRORBUFFER, transfer->error.data());
  set_option(easy, CURLOPT_HEADERFUNCTION, on_header);
  set_option(easy, CURLOPT_HEADERDATA, static_cast<void*>(transfer.get()));
  set_option(easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  set_option(easy, CURLOPT_OPENSOCKETDATA, static_cast<void*>(transfer.get()));
  if (!kept) {
    // A connection is the probe's alone only when it is fresh: then its state when it is
    // closed is the probe's.
    set_option(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    set_option(easy, CURLOPT_CLOSESOCKETDATA, static_cast<void*>(transfer.get()));
  }
  if (role == Role::target && tracking_.tracks_body()) {
    set_option(easy, CURLOPT_WRITEFUNCTION, keep_body);
    set_option(easy, CURLOPT_WRITEDATA, static_cast<void*>(transfer.get()));
  } else {
    set_option(easy, CURLOPT_WRITEFUNCTION, discard_body);
  }
  set_request_options(easy, kept);
  set_connection_options(easy, kept);
  return transfer;
}

void TransferSetup::resolve_to(Transfer& transfer, const std::string& entry) const {
  transfer.resolved = make_slist(config_.resolve);
  if (!slist_append(transfer.resolved, entry.c_str())) throw std::bad_alloc();
  set_option(transfer.easy.get(), CURLOPT_RESOLVE, transfer.resolved.get());
  limit_to_time_left(transfer);
}

void TransferSetup::pin_to(Transfer& transfer, std::string address) const {
  transfer.address = std::move(address);
  transfer.pinned.reset();
  const auto& endpoint = config_.targets[transfer.target].endpoint;
  if (!slist_append(transfer.pinned, connect_to_entry(endpoint, transfer.address).c_str())) {
    throw std::bad_alloc();
  }
  set_option(transfer.easy.get(), CURLOPT_CONNECT_TO, transfer.pinned.get());
  limit_to_time_left(transfer);
}

void TransferSetup::limit_to_time_left(Transfer& transfer) const {
  const auto left = config_.max_time - (BootClock::now() - transfer.sent);
  set_option(transfer.easy.get(), CURLOPT_TIMEOUT_MS, to_millis(left));
}

void TransferSetup::set_request_options(CURL* easy, bool kept) const {
  set_option(easy, CURLOPT_USERAGENT, config_.user_agent.c_str());
  if (!config_.user.empty()) set_option(easy, CURLOPT_USERPWD, config_.user.c_str());
  if (config_.location) {
    set_option(easy, CURLOPT_FOLLOWLOCATION, 1L);
    set_option(easy, CURLOPT_MAXREDIRS, config_.max_redirs);
  }
  set_option(easy, CURLOPT_TIMEOUT_MS, to_millis(config_.max_time));
  if (config_.connect_timeout) {
    set_option(easy, CURLOPT_CONNECTTIMEOUT_MS, to_millis(*config_.connect_timeout));
  }
  if (!config_.data.empty()) {
    set_option(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(config_.data.size()));
    set_option(easy, CURLOPT_POSTFIELDS, config_.data.c_str());
  }
  if (config_.method == "HEAD") {
    set_option(easy, CURLOPT_NOBODY, 1L);
  } else if (config_.method != "GET") {
    set_option(easy, CURLOPT_CUSTOMREQUEST, config_.method.c_str());
  }
  if (const auto& headers = kept ? kept_headers_ : headers_) {
    set_option(easy, CURLOPT_HTTPHEADER, headers.get());
  }
  switch (config_.http_version) {
    case HttpVersion::automatic:
      break;
    case HttpVersion::http1_1:
      set_option(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
      break;
    case HttpVersion::http2:
      set_option(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_0));
      break;
  }
}

void TransferSetup::set_connection_options(CURL* easy, bool kept) const {
  if (!config_.interface.empty()) set_option(easy, CURLOPT_INTERFACE, config_.interface.c_str());
  if (resolve_) set_option(easy, CURLOPT_RESOLVE, resolve_.get());
  if (connect_to_) set_option(easy, CURLOPT_CONNECT_TO, connect_to_.get());
  if (config_.insecure) {
    set_option(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    set_option(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!config_.cacert.empty()) set_option(easy, CURLOPT_CAINFO, config_.cacert.c_str());
  if (!config_.cert.empty()) set_option(easy, CURLOPT_SSLCERT, config_.cert.c_str());
  if (!config_.key.empty()) set_option(easy, CURLOPT_SSLKEY, config_.key.c_str());
  if (config_.tls_minimum != TlsMinimum::any) {
    set_option(easy, CURLOPT_SSLVERSION,
               config_.tls_minimum == TlsMinimum::v1_3 ? CURL_SSLVERSION_TLSv1_3
                                                       : CURL_SSLVERSION_TLSv1_2);
  }
  // "" turns off the proxy variables of the environment: only -x names a proxy.
  set_option(easy, CURLOPT_PROXY, config_.proxy.c_str());
  if (!config_.noproxy.empty()) set_option(easy, CURLOPT_NOPROXY, config_.noproxy.c_str());
  if (config_.ip_version != IpVersion::any) {
    set_option(easy, CURLOPT_IPRESOLVE,
               static_cast<long>(config_.ip_version == IpVersion::v4 ? CURL_IPRESOLVE_V4
                                                                     : CURL_IPRESOLVE_V6));
  }
  // upwatch resolves names itself (and keeps them with --keep-alive): libcurl's cache would
  // only be searched, and pruned, for every transfer of every URL.
  set_option(easy, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
  if (!kept) {
    // As each curl process of the bash loop did: a new connection and a new look-up.
    set_option(easy, CURLOPT_FRESH_CONNECT, 1L);
    set_option(easy, CURLOPT_FORBID_REUSE, 1L);
  }
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
                     .total = transfer.resolving_took + std::chrono::microseconds{total},
                     .remote = remote_of(transfer),
                     .lines = std::move(head.lines),
                     .phases = phase_times(transfer)};
  record.tried = tried_before(transfer, record.remote);
  if (code == CURLE_OK && status >= 100 && status <= 999) {
    record.outcome = Outcome::http(static_cast<int>(status));
    // The control only tells whether the network carried an answer: its headers would
    // only crowd the log and its greps.
    if (transfer.role == Role::control) record.lines.clear();
    if (transfer.role == Role::target)
      record.tracked = tracking_.values(record.lines, transfer.body);
    return record;
  }
  if (code == CURLE_OK) {
    // An HTTP/2 or HTTP/3 status libcurl took but no status of HTTP.
    record.outcome = Outcome::failure(Transport::malformed);
    record.lines.push_back(fmt::format("upwatch: status {} is not an HTTP status", status));
    return record;
  }
  judge_failure(record, transfer, code, head_received);
  return record;
}

std::string remote_of(const Transfer& transfer) {
  char* ip = nullptr;
  if (curl_easy_getinfo(transfer.easy.get(), CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
      ip != nullptr && *ip != '\0') {
    long port = 0;
    curl_easy_getinfo(transfer.easy.get(), CURLINFO_PRIMARY_PORT, &port);
    return format_remote(ip, fmt::format_int(port).c_str());
  }
  return transfer.opened.empty() ? "-" : format_address(transfer.opened.back());
}

}  // namespace upwatch
