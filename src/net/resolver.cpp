#include "upwatch/net/resolver.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace upwatch {

namespace {

/// The numeric form of an address c-ares returned.
std::string numeric(const sockaddr* address) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const void* raw =
      address->sa_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
  return inet_ntop(address->sa_family, raw, text.data(), text.size()) != nullptr ? text.data() : "";
}

}  // namespace

Transport Resolution::failure() const {
  return status == ARES_ECONNREFUSED ? Transport::unreachable : Transport::dns;
}

std::string Resolution::error(const std::string& host) const {
  if (status == ARES_SUCCESS) return fmt::format("upwatch: no address for '{}'", host);
  return fmt::format("upwatch: could not resolve '{}': {}", host, ares_strerror(status));
}

Resolver::Resolver(const std::string& servers, IpVersion family)
    : family_(family == IpVersion::v4   ? AF_INET
              : family == IpVersion::v6 ? AF_INET6
                                        : AF_UNSPEC) {
  if (const int status = ares_library_init(ARES_LIB_INIT_ALL); status != ARES_SUCCESS) {
    throw std::runtime_error(fmt::format("c-ares: {}", ares_strerror(status)));
  }
  ares_options options{};
  options.sock_state_cb = &Resolver::on_socket_state;
  options.sock_state_cb_data = this;
  // A server's SERVFAIL or REFUSED is its answer: the name did not resolve. Without this flag
  // c-ares takes it for a dead server and, once all are tried, ends as if refused
  // (ARES_ECONNREFUSED), which would blame the prober's own network.
  options.flags = ARES_FLAG_NOCHECKRESP;
  if (const int status =
          ares_init_options(&channel_, &options, ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS);
      status != ARES_SUCCESS) {
    ares_library_cleanup();
    throw std::runtime_error(fmt::format("c-ares: {}", ares_strerror(status)));
  }
  if (!servers.empty()) {
    if (const int status = ares_set_servers_ports_csv(channel_, servers.c_str());
        status != ARES_SUCCESS) {
      ares_destroy(channel_);
      ares_library_cleanup();
      throw std::runtime_error(
          fmt::format("c-ares: --dns-servers '{}': {}", servers, ares_strerror(status)));
    }
  }
}

Resolver::~Resolver() {
  ares_destroy(channel_);  // ends the look-ups still going, with ARES_EDESTRUCTION
  ares_library_cleanup();
}

void Resolver::resolve(const std::string& host, Callback callback) {
  ares_addrinfo_hints hints{};
  hints.ai_family = family_;
  hints.ai_flags = ARES_AI_NOSORT;  // the order of the answer; sorting would open sockets
  ++pending_;
  // c-ares may answer at once (a name of /etc/hosts), calling back before this returns.
  ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &Resolver::on_addresses,
                   new Lookup{this, std::move(callback)});
}

void Resolver::on_addresses(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  const std::unique_ptr<Lookup> lookup{static_cast<Lookup*>(arg)};
  --lookup->owner->pending_;
  Resolution resolution{.status = status};
  if (result != nullptr) {
    for (const auto* node = result->nodes; node != nullptr; node = node->ai_next) {
      if (auto address = numeric(node->ai_addr); !address.empty()) {
        resolution.addresses.push_back(std::move(address));
      }
    }
    ares_freeaddrinfo(result);
  }
  if (status == ARES_EDESTRUCTION) return;  // the resolver is going: nobody waits any more
  lookup->callback(std::move(resolution));
}

void Resolver::on_socket_state(void* data, ares_socket_t socket, int readable, int writable) {
  auto& sockets = static_cast<Resolver*>(data)->sockets_;
  if (readable == 0 && writable == 0) {
    sockets.erase(socket);
    return;
  }
  sockets[socket] = static_cast<short>((readable != 0 ? CURL_WAIT_POLLIN : 0) |
                                       (writable != 0 ? CURL_WAIT_POLLOUT : 0));
}

void Resolver::watch(std::vector<curl_waitfd>& fds) const {
  for (const auto& [socket, events] : sockets_) {
    fds.push_back({.fd = socket, .events = events, .revents = 0});
  }
}

void Resolver::process(const std::vector<curl_waitfd>& fds) {
  if (pending_ == 0) return;
  for (const auto& fd : fds) {
    if (fd.revents == 0 || !sockets_.contains(fd.fd)) continue;
    ares_process_fd(channel_, (fd.revents & CURL_WAIT_POLLIN) != 0 ? fd.fd : ARES_SOCKET_BAD,
                    (fd.revents & CURL_WAIT_POLLOUT) != 0 ? fd.fd : ARES_SOCKET_BAD);
  }
  ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts and retries
}

std::optional<std::chrono::milliseconds> Resolver::next_timeout() const {
  if (pending_ == 0) return std::nullopt;
  timeval wait{};
  if (ares_timeout(channel_, nullptr, &wait) == nullptr) return std::nullopt;
  return std::chrono::seconds{wait.tv_sec} +
         std::chrono::ceil<std::chrono::milliseconds>(std::chrono::microseconds{wait.tv_usec});
}

}  // namespace upwatch
