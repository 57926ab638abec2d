#include "upwatch/live/metrics_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>

#include "upwatch/core/error.hpp"
#include "upwatch/core/unique_fd.hpp"

namespace upwatch {

struct MetricsServer::Shared {
  std::shared_ptr<prometheus::Registry> registry;
  mutable std::mutex mutex;
  std::condition_variable scraped;
  std::uint64_t scrapes = 0;    ///< scrapes begun; guarded by `mutex`
  std::uint64_t delivered = 0;  ///< the last scrape begun that was sent whole; as `scrapes`
};

namespace {

/// Seconds a connection may stay without a request before it is closed.
constexpr unsigned kIdleSeconds = 15;
/// The most connections served at once: each holds a descriptor the probes may need.
constexpr unsigned kMostConnections = 256;
/// Connections that may wait to be accepted.
constexpr int kBacklog = 64;
/// Prometheus' text exposition format.
constexpr const char* kTextFormat = "text/plain; version=0.0.4; charset=utf-8";

/// A socket listening at `where`; throws UsageError naming `spec` if it cannot.
UniqueFd listen_at(const ListenAddress& where, std::string_view spec) {
  const bool v6 = where.host.find(':') != std::string::npos;
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (v6) {
    auto& address = reinterpret_cast<sockaddr_in6&>(storage);
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(where.port);
    inet_pton(AF_INET6, where.host.c_str(), &address.sin6_addr);
    length = sizeof address;
  } else {
    auto& address = reinterpret_cast<sockaddr_in&>(storage);
    address.sin_family = AF_INET;
    address.sin_port = htons(where.port);
    if (!where.host.empty()) inet_pton(AF_INET, where.host.c_str(), &address.sin_addr);
    length = sizeof address;
  }
  UniqueFd socket{::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  const int on = 1;
  if (!socket || setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      bind(socket.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0 ||
      listen(socket.get(), kBacklog) != 0) {
    throw UsageError(
        fmt::format("--metrics-listen {}: cannot listen there: {}", spec, std::strerror(errno)));
  }
  return socket;
}

/// Queues the answer `status` with `body` of `type` on `connection`.
MHD_Result answer(MHD_Connection* connection, unsigned status, const std::string& body,
                  const char* type) {
  const std::unique_ptr<MHD_Response, decltype(&MHD_destroy_response)> response{
      MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                      MHD_RESPMEM_MUST_COPY),
      MHD_destroy_response};
  if (!response ||
      MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES) {
    return MHD_NO;
  }
  return MHD_queue_response(connection, status, response.get());
}

/// Answers a request: the metrics at /metrics to GET (and HEAD), 404 elsewhere, 405 to any
/// other method.
extern "C" MHD_Result on_request(void* shared_state, MHD_Connection* connection, const char* url,
                                 const char* method, const char* /*version*/,
                                 const char* /*upload*/, std::size_t* /*upload_size*/,
                                 void** request) {
  auto& shared = *static_cast<MetricsServer::Shared*>(shared_state);
  if (std::strcmp(url, "/metrics") != 0) {
    return answer(connection, 404, "Not Found\n", "text/plain");
  }
  if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0) {
    return answer(connection, 405, "Method Not Allowed\n", "text/plain");
  }
  if (std::strcmp(method, "GET") == 0) {
    // Counted as it begins (it reads what was there before it); its number goes with the
    // request to on_completed, which tells when it was sent whole.
    const std::lock_guard lock{shared.mutex};
    *request = std::make_unique<std::uint64_t>(++shared.scrapes).release();
  }
  return answer(connection, 200, prometheus::TextSerializer{}.Serialize(shared.registry->Collect()),
                kTextFormat);
}

/// Notes a scrape that was sent whole, and frees its number.
extern "C" void on_completed(void* shared_state, MHD_Connection* /*connection*/, void** request,
                             MHD_RequestTerminationCode how) {
  const std::unique_ptr<std::uint64_t> scrape{static_cast<std::uint64_t*>(*request)};
  *request = nullptr;
  if (!scrape || how != MHD_REQUEST_TERMINATED_COMPLETED_OK) return;
  auto& shared = *static_cast<MetricsServer::Shared*>(shared_state);
  {
    const std::lock_guard lock{shared.mutex};
    shared.delivered = std::max(shared.delivered, *scrape);
  }
  shared.scraped.notify_all();
}

}  // namespace

void MetricsServer::DaemonStop::operator()(MHD_Daemon* daemon) const { MHD_stop_daemon(daemon); }

MetricsServer::MetricsServer(const ListenAddress& where, std::string_view spec,
                             std::shared_ptr<prometheus::Registry> registry)
    : shared_(std::make_unique<Shared>()) {
  shared_->registry = std::move(registry);
  UniqueFd socket = listen_at(where, spec);
  const unsigned v6 = where.host.find(':') != std::string::npos ? MHD_USE_IPv6 : 0;
  daemon_.reset(MHD_start_daemon(
      MHD_USE_AUTO_INTERNAL_THREAD | v6, 0, nullptr, nullptr, on_request, shared_.get(),
      MHD_OPTION_LISTEN_SOCKET, socket.get(), MHD_OPTION_CONNECTION_TIMEOUT, kIdleSeconds,
      MHD_OPTION_CONNECTION_LIMIT, kMostConnections, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
      shared_.get(), MHD_OPTION_END));
  if (!daemon_) {
    throw UsageError(fmt::format("--metrics-listen {}: cannot start serving there", spec));
  }
  static_cast<void>(socket.release());  // the daemon closes it as it stops
}

MetricsServer::~MetricsServer() = default;

std::uint64_t MetricsServer::scrapes() const {
  const std::lock_guard lock{shared_->mutex};
  return shared_->scrapes;
}

bool MetricsServer::wait_for_scrape(std::uint64_t seen, std::chrono::milliseconds limit) {
  std::unique_lock lock{shared_->mutex};
  return shared_->scraped.wait_for(lock, limit, [&] { return shared_->delivered > seen; });
}

}  // namespace upwatch
