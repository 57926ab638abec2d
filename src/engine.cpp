#include "upwatch/engine.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "upwatch/curl_handles.hpp"
#include "upwatch/resolver.hpp"
#include "upwatch/schedule.hpp"
#include "upwatch/unique_fd.hpp"

namespace upwatch {

namespace {

using Clock = BootClock;

/// One reusable probe slot: an easy handle and the state of the probe it carries.
struct Probe {
  EasyHandle easy;
  Role role = Role::target;
  bool active = false;        ///< resolving its name or in the multi handle
  bool resolving = false;     ///< waiting for the resolver
  bool in_multi = false;      ///< added to the multi handle
  std::uint64_t lookups = 0;  ///< look-ups started: tells a late answer from the current one
  SlistHandle resolved;       ///< CURLOPT_RESOLVE of the current probe, when it resolved
  std::chrono::microseconds resolving_took{};  ///< from sending to the transfer's start
  std::uint64_t sequence = 0;
  Clock::time_point sent;
  std::vector<std::string> lines;
  std::array<char, CURL_ERROR_SIZE> error{};
  sockaddr_storage tried{};  ///< the last address a connection was opened to, if any
};

/// Opens the socket libcurl asks for and notes the address it is for: libcurl reports no
/// address for a connection that failed (refused, timed out).
extern "C" curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* probe = static_cast<Probe*>(user);
  std::memcpy(&probe->tried, &address->addr,
              std::min<std::size_t>(address->addrlen, sizeof probe->tried));
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

extern "C" std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* probe = static_cast<Probe*>(user);
  std::string_view line{data, size * count};
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (!line.empty()) probe->lines.emplace_back(line);  // the blank line ends a header block
  return size * count;
}

extern "C" std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

/// Below this, the wait for the next tick is a plain sleep: at rates this high, waking for
/// each answer costs more than the at most this much it can add to a probe's total time.
constexpr auto kShortestWatchedWait = std::chrono::microseconds{100};

/// How long an address found for --keep-alive is used, as libcurl caches a look-up by default.
constexpr auto kAddressesKept = std::chrono::seconds{60};

/// The longest single wait in curl_multi_poll; a longer wait is several.
constexpr auto kLongestPoll = std::chrono::minutes{1};

long to_millis(std::chrono::nanoseconds value) {
  return static_cast<long>(
      std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::milliseconds>(value).count()));
}

void check(CURLMcode code, std::string_view what) {
  if (code != CURLM_OK) {
    throw std::runtime_error(fmt::format("libcurl {}: {}", what, curl_multi_strerror(code)));
  }
}

void check(CURLcode code, std::string_view what) {
  if (code != CURLE_OK) {
    throw std::runtime_error(fmt::format("libcurl {}: {}", what, curl_easy_strerror(code)));
  }
}

SlistHandle make_slist(const std::vector<std::string>& items) {
  SlistHandle list;
  for (const auto& item : items) {
    if (!slist_append(list, item.c_str())) throw std::bad_alloc();
  }
  return list;
}

/// "127.0.0.1:8080" or "[::1]:8080".
std::string format_remote(std::string_view ip, std::string_view port) {
  const bool ipv6 = ip.find(':') != std::string_view::npos;
  std::string remote;
  remote.reserve(ip.size() + port.size() + 3);
  remote += ipv6 ? "[" : "";
  remote += ip;
  remote += ipv6 ? "]:" : ":";
  remote += port;
  return remote;
}

/// The address the probe was answered from; for a connection that failed, the last one tried;
/// "-" if none.
std::string remote_of(const Probe& probe) {
  char* ip = nullptr;
  if (curl_easy_getinfo(probe.easy.get(), CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr &&
      *ip != '\0') {
    long port = 0;
    curl_easy_getinfo(probe.easy.get(), CURLINFO_PRIMARY_PORT, &port);
    return format_remote(ip, fmt::format_int(port).c_str());
  }
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> port{};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&probe.tried), sizeof probe.tried, host.data(),
                  host.size(), port.data(), port.size(), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "-";  // nothing was tried (AF_UNSPEC)
  }
  return format_remote(host.data(), port.data());
}

}  // namespace

Transport classify_failure(int curl_code, long os_errno) {
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
      return Transport::reset;
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

struct Engine::Impl {
  Impl(const Config& config_, const ClockReading& start, EngineSinks sinks_)
      : config(config_),
        timekeeper(start, config.interval,
                   tick_limit(config.count, config.duration, config.interval)),
        sinks(std::move(sinks_)),
        multi(curl_multi_init()),
        headers(make_slist(config.headers)),
        resolve(make_slist(config.resolve)),
        connect_to(make_slist(config.connect_to)),
        tick_timer(timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK)) {
    if (!multi) throw std::runtime_error("libcurl: cannot create a multi handle");
    if (config.lookup || config.control_lookup) {
      resolver = std::make_unique<Resolver>(config.dns_servers, config.ip_version);
    }
    if (!tick_timer) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  }

  ~Impl() {
    for (const auto& probe : probes) {
      if (probe->in_multi) curl_multi_remove_handle(multi.get(), probe->easy.get());
    }
  }

  /// The name a probe of `role` resolves, if any.
  [[nodiscard]] const std::optional<Endpoint>& lookup_of(Role role) const {
    return role == Role::control ? config.control_lookup : config.lookup;
  }

  /// An idle probe slot for `role`, made and configured on first need.
  Probe& acquire(Role role) {
    auto& spare = idle[static_cast<std::size_t>(role)];
    if (!spare.empty()) {
      Probe* probe = spare.back();
      spare.pop_back();
      return *probe;
    }
    auto probe = std::make_unique<Probe>();
    probe->role = role;
    probe->easy.reset(curl_easy_init());
    if (!probe->easy) throw std::runtime_error("libcurl: cannot create an easy handle");
    configure(*probe);
    probes.push_back(std::move(probe));
    return *probes.back();
  }

  void configure(Probe& probe) {
    CURL* easy = probe.easy.get();
    auto set = [easy](CURLoption option, auto value) {
      check(curl_easy_setopt(easy, option, value), "option");
    };
    set(CURLOPT_URL, probe.role == Role::control ? config.control_url.c_str() : config.url.c_str());
    set(CURLOPT_PRIVATE, static_cast<void*>(&probe));
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_ERRORBUFFER, probe.error.data());
    set(CURLOPT_HEADERFUNCTION, on_header);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&probe));
    set(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(&probe));
    set(CURLOPT_WRITEFUNCTION, discard_body);
    set(CURLOPT_USERAGENT, "upwatch/" UPWATCH_VERSION);
    set(CURLOPT_TIMEOUT_MS, to_millis(config.max_time));
    if (config.connect_timeout) set(CURLOPT_CONNECTTIMEOUT_MS, to_millis(*config.connect_timeout));
    if (config.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else if (config.method != "GET") {
      set(CURLOPT_CUSTOMREQUEST, config.method.c_str());
    }
    if (headers) set(CURLOPT_HTTPHEADER, headers.get());
    if (resolve) set(CURLOPT_RESOLVE, resolve.get());
    if (connect_to) set(CURLOPT_CONNECT_TO, connect_to.get());
    if (config.insecure) {
      set(CURLOPT_SSL_VERIFYPEER, 0L);
      set(CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!config.cacert.empty()) set(CURLOPT_CAINFO, config.cacert.c_str());
    // "" turns off the proxy variables of the environment: only -x names a proxy.
    set(CURLOPT_PROXY, config.proxy.c_str());
    if (!config.noproxy.empty()) set(CURLOPT_NOPROXY, config.noproxy.c_str());
    switch (config.http_version) {
      case HttpVersion::automatic:
        break;
      case HttpVersion::http1_1:
        set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
        break;
      case HttpVersion::http2:
        set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_0));
        break;
    }
    switch (config.ip_version) {
      case IpVersion::any:
        break;
      case IpVersion::v4:
        set(CURLOPT_IPRESOLVE, static_cast<long>(CURL_IPRESOLVE_V4));
        break;
      case IpVersion::v6:
        set(CURLOPT_IPRESOLVE, static_cast<long>(CURL_IPRESOLVE_V6));
        break;
    }
    if (config.connections == Connections::fresh) {
      // As each curl process of the bash loop did: a new connection and a new look-up.
      set(CURLOPT_FRESH_CONNECT, 1L);
      set(CURLOPT_FORBID_REUSE, 1L);
      set(CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    }
  }

  /// Sends tick `sequence` to every URL of the run, unless --parallel-max probes are in
  /// flight: then the tick is not sent, and joins the overload gap.
  void launch(std::uint64_t sequence, Clock::time_point now) {
    if (in_flight >= config.parallel_max) {
      if (overload_ticks == 0) overload_first = sequence;
      ++overload_ticks;
      return;
    }
    close_overload_gap(sequence);
    launch(Role::target, sequence, now);
    if (!config.control_url.empty()) launch(Role::control, sequence, now);
  }

  void launch(Role role, std::uint64_t sequence, Clock::time_point now) {
    Probe& probe = acquire(role);
    probe.sequence = sequence;
    probe.sent = now;
    probe.lines.clear();
    probe.error[0] = '\0';
    probe.tried.ss_family = AF_UNSPEC;
    probe.active = true;
    ++in_flight;
    const auto& lookup = lookup_of(role);
    if (!lookup) {
      transfer(probe);
      return;
    }
    auto& kept = kept_addresses[static_cast<std::size_t>(role)];
    if (config.connections == Connections::keep_alive && kept &&
        now - kept->found < kAddressesKept) {
      transfer(probe, kept->entry);
      return;
    }
    probe.resolving = true;
    ++resolving;
    const auto lookup_number = ++probe.lookups;
    resolver->resolve(lookup->host, [this, &probe, lookup_number](Resolution&& resolution) {
      on_resolved(probe, lookup_number, std::move(resolution));
    });
  }

  /// Sends a probe whose name was resolved (or needs no resolving), with the time it has left.
  void transfer(Probe& probe, const std::string& resolve_entry = {}) {
    probe.resolving_took = {};
    if (!resolve_entry.empty()) {
      probe.resolving_took =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - probe.sent);
      probe.resolved = make_slist(config.resolve);
      if (!slist_append(probe.resolved, resolve_entry.c_str())) throw std::bad_alloc();
      CURL* easy = probe.easy.get();
      check(curl_easy_setopt(easy, CURLOPT_RESOLVE, probe.resolved.get()), "option");
      const auto left = config.max_time - (Clock::now() - probe.sent);
      check(curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, to_millis(left)), "option");
    }
    check(curl_multi_add_handle(multi.get(), probe.easy.get()), "add");
    probe.in_multi = true;
  }

  void on_resolved(Probe& probe, std::uint64_t lookup_number, Resolution&& resolution) {
    if (!probe.resolving || probe.lookups != lookup_number) return;  // it ended meanwhile
    probe.resolving = false;
    --resolving;
    const auto& lookup = *lookup_of(probe.role);
    if (resolution.status != ARES_SUCCESS || resolution.addresses.empty()) {
      fail(probe, resolution.failure(), resolution.error(lookup.host));
      return;
    }
    std::string entry = fmt::format("{}:{}:", lookup.host, lookup.port);
    for (const auto& address : resolution.addresses) {
      if (entry.back() != ':') entry += ',';
      entry += address.find(':') == std::string::npos ? address : "[" + address + "]";
    }
    kept_addresses[static_cast<std::size_t>(probe.role)] = KeptAddresses{entry, Clock::now()};
    transfer(probe, entry);
  }

  /// Ends a probe that was not sent, as the failure `transport` with `why` as its error.
  void fail(Probe& probe, Transport transport, std::string why) {
    probe.lines.push_back(std::move(why));
    release(probe, {.sequence = probe.sequence,
                    .role = probe.role,
                    .sent = timekeeper.to_wall(probe.sent),
                    .outcome = Outcome::failure(transport),
                    .total = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                                                   probe.sent),
                    .lines = std::move(probe.lines)});
  }

  /// Ends the look-ups that have taken --max-time, as `dns` failures; returns when the next
  /// one still going will have, if any.
  std::optional<Clock::time_point> expire_lookups(Clock::time_point now) {
    std::optional<Clock::time_point> next_deadline;
    if (resolving == 0) return next_deadline;
    for (const auto& probe : probes) {
      if (!probe->resolving) continue;
      const auto deadline = probe->sent + config.max_time;
      if (deadline > now) {
        next_deadline = std::min(next_deadline.value_or(deadline), deadline);
        continue;
      }
      probe->resolving = false;
      --resolving;
      const auto& lookup = *lookup_of(probe->role);
      fail(*probe, Transport::dns,
           fmt::format("upwatch: resolving '{}' timed out after {} ms (--max-time)", lookup.host,
                       to_millis(config.max_time)));
    }
    return next_deadline;
  }

  /// Hands over the ticks not sent for --parallel-max, if any, as one gap that lasted until
  /// tick `resumed` was due.
  void close_overload_gap(std::uint64_t resumed) {
    if (overload_ticks == 0) return;
    const auto& schedule = timekeeper.schedule();
    sinks.gap({.first_tick = overload_first,
               .ticks = overload_ticks,
               .start = timekeeper.to_wall(schedule.tick(overload_first)),
               .end = timekeeper.to_wall(schedule.tick(resumed)),
               .cause = GapCause::overload});
    overload_ticks = 0;
  }

  /// Hands a probe's record to the sink and returns its slot to the idle list.
  void release(Probe& probe, ProbeRecord&& record) {
    if (probe.in_multi) check(curl_multi_remove_handle(multi.get(), probe.easy.get()), "remove");
    probe.in_multi = false;
    if (probe.resolving) --resolving;
    probe.resolving = false;  // an answer that comes now is for nobody
    probe.active = false;
    --in_flight;
    idle[static_cast<std::size_t>(probe.role)].push_back(&probe);
    sinks.record(std::move(record));
  }

  void finish(Probe& probe, CURLcode code) {
    CURL* easy = probe.easy.get();
    ProbeRecord record{.sequence = probe.sequence,
                       .role = probe.role,
                       .sent = timekeeper.to_wall(probe.sent),
                       .remote = remote_of(probe),
                       .lines = std::move(probe.lines)};
    curl_off_t total = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
    record.total = probe.resolving_took + std::chrono::microseconds{total};
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && status >= 100 && status <= 999) {
      record.outcome = Outcome::http(static_cast<int>(status));
      // The control only tells whether the network carried an answer: its headers would
      // only crowd the log and its greps.
      if (probe.role == Role::control) record.lines.clear();
    } else {
      long os_errno = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
      record.outcome = Outcome::failure(code == CURLE_OK ? Transport::malformed
                                                         : classify_failure(code, os_errno));
      record.lines.push_back(
          fmt::format("curl: ({}) {}", static_cast<int>(code),
                      probe.error[0] != '\0' ? probe.error.data() : curl_easy_strerror(code)));
    }
    release(probe, std::move(record));
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      void* owner = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
      finish(*static_cast<Probe*>(owner), message->data.result);
    }
  }

  void abandon_all(Clock::time_point now) {
    std::vector<Probe*> active;
    for (const auto& probe : probes) {
      if (probe->active) active.push_back(probe.get());
    }
    std::ranges::sort(active, {}, &Probe::sequence);
    for (Probe* probe : active) {
      const auto in_flight_for =
          std::chrono::duration_cast<std::chrono::microseconds>(now - probe->sent);
      probe->lines.push_back(
          fmt::format("upwatch: abandoned after {:.3f}s in flight: the run was stopped",
                      static_cast<double>(in_flight_for.count()) / 1e6));
      release(*probe, {.sequence = probe->sequence,
                       .role = probe->role,
                       .sent = timekeeper.to_wall(probe->sent),
                       .outcome = Outcome::failure(Transport::abandoned),
                       .total = in_flight_for,
                       .remote = probe->in_multi ? remote_of(*probe) : "-",
                       .lines = std::move(probe->lines)});
    }
  }

  /// Makes the tick timer readable at `when`.
  void arm_tick_timer(Clock::time_point when) {
    const auto since_boot = when.time_since_epoch();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since_boot);
    const itimerspec at{
        .it_interval = {},
        .it_value = {.tv_sec = seconds.count(), .tv_nsec = (since_boot - seconds).count()}};
    if (timerfd_settime(tick_timer.get(), TFD_TIMER_ABSTIME, &at, nullptr) != 0) {
      throw std::system_error(errno, std::generic_category(), "timerfd_settime");
    }
  }

  WallTime run(const StopSignals& stop) {
    const auto& schedule = timekeeper.schedule();
    std::uint64_t next = 0;
    std::vector<curl_waitfd> watched;
    while (true) {
      if (stop.stop_requested()) {
        abandon_all(Clock::now());
        break;
      }
      const auto now = ClockReading::now();
      auto due = timekeeper.due(now, next);
      for (const auto& gap : due.gaps) {
        close_overload_gap(gap.first_tick);
        sinks.gap(gap);
      }
      for (next = due.first; next < due.end; ++next) launch(next, now.boot);
      int running = 0;
      check(curl_multi_perform(multi.get(), &running), "perform");
      collect_finished();
      const auto lookup_deadline = expire_lookups(Clock::now());
      if (!schedule.contains(next) && in_flight == 0) break;

      // Until the next tick, or for at most a second while the last probes finish, watching
      // the sockets so that each answer is taken (and timed) as it comes; sooner if a name
      // being resolved needs it.
      auto wake_at =
          schedule.contains(next) ? schedule.tick(next) : Clock::now() + std::chrono::seconds{1};
      if (lookup_deadline) wake_at = std::min(wake_at, *lookup_deadline);
      if (const auto resolver_wait = resolver ? resolver->next_timeout() : std::nullopt) {
        wake_at = std::min(wake_at, Clock::now() + *resolver_wait);
      }
      const auto wait = wake_at - Clock::now();
      if (wait <= Clock::duration::zero()) continue;
      if (wait < kShortestWatchedWait && resolving == 0) {
        std::this_thread::sleep_until(wake_at);
        continue;
      }
      // curl_multi_poll counts in whole milliseconds, in an int; the timer ends the wait on
      // the tick, however far off it is.
      arm_tick_timer(wake_at);
      watched.assign(
          {curl_waitfd{.fd = stop.wake_fd(), .events = CURL_WAIT_POLLIN, .revents = 0},
           curl_waitfd{.fd = tick_timer.get(), .events = CURL_WAIT_POLLIN, .revents = 0}});
      if (resolver) resolver->watch(watched);
      check(curl_multi_poll(
                multi.get(), watched.data(), static_cast<unsigned>(watched.size()),
                static_cast<int>(to_millis(std::min<std::chrono::nanoseconds>(wait, kLongestPoll))),
                nullptr),
            "poll");
      if (resolver) resolver->process(watched);
    }
    close_overload_gap(next);
    return timekeeper.to_wall(Clock::now());
  }

  const Config& config;
  Timekeeper timekeeper;
  EngineSinks sinks;
  MultiHandle multi;
  SlistHandle headers;
  SlistHandle resolve;
  SlistHandle connect_to;
  UniqueFd tick_timer;  ///< readable at the next tick, to end a wait on the sockets there
  std::vector<std::unique_ptr<Probe>> probes;  ///< every slot made, active or idle
  std::array<std::vector<Probe*>, 2> idle;     ///< idle slots of the target and of the control
  std::unique_ptr<Resolver> resolver;          ///< when a name is to be resolved
  std::size_t resolving = 0;                   ///< probes waiting for the resolver
  /// The addresses last found for the target and the control, kept with --keep-alive.
  struct KeptAddresses {
    std::string entry;  ///< as CURLOPT_RESOLVE takes it
    Clock::time_point found;
  };
  std::array<std::optional<KeptAddresses>, 2> kept_addresses;
  std::uint64_t in_flight = 0;
  std::uint64_t overload_first = 0;  ///< the first tick of the overload gap, if it is open
  std::uint64_t overload_ticks = 0;  ///< ticks not sent for --parallel-max since then
};

Engine::Engine(const Config& config, const ClockReading& start, EngineSinks sinks)
    : impl_(std::make_unique<Impl>(config, start, std::move(sinks))) {}

Engine::~Engine() = default;

WallTime Engine::run(const StopSignals& stop) { return impl_->run(stop); }

}  // namespace upwatch
