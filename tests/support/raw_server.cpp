#include "raw_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <string_view>
#include <system_error>

namespace upwatch::testing {

namespace {

/// How long each wait of a server thread lasts before it looks whether the server stops.
constexpr int kSliceMs = 10;
/// The most a request head may take, and the most a streamed body sends.
constexpr std::size_t kMaxRequest = 64 * 1024;
constexpr std::size_t kMaxStreamed = 64 * 1024 * 1024;

/// Waits up to one slice for `fd` to be ready for `events`.
bool ready(int fd, short events) {
  pollfd watched{.fd = fd, .events = events, .revents = 0};
  return ::poll(&watched, 1, kSliceMs) > 0;
}

}  // namespace

RawServer::RawServer(std::string answer, AfterAnswer after)
    : answer_(std::move(answer)), after_(after) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    const int error = errno;
    ::close(listener_);
    throw std::system_error(error, std::generic_category(), "bind/listen");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

RawServer::~RawServer() {
  stopping_ = true;
  acceptor_.join();
  for (auto& worker : workers_) worker.join();
  ::close(listener_);
}

std::string RawServer::url() const { return fmt::format("http://127.0.0.1:{}/health", port_); }

void RawServer::accept_loop() {
  while (!stopping_) {
    if (!ready(listener_, POLLIN)) continue;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void RawServer::serve(int fd) {
  std::string request;
  std::array<char, 4096> buffer{};
  while (!stopping_ && request.find("\r\n\r\n") == std::string::npos &&
         request.size() < kMaxRequest) {
    if (!ready(fd, POLLIN)) continue;
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (got <= 0) break;
    request.append(buffer.data(), static_cast<std::size_t>(got));
  }
  if (request.find("\r\n\r\n") != std::string::npos) {
    ++requests_;
    std::string_view rest = answer_;
    while (!stopping_ && !rest.empty()) {
      if (!ready(fd, POLLOUT)) continue;
      const ssize_t sent = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (sent <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
    switch (after_) {
      case AfterAnswer::close:
        break;
      case AfterAnswer::reset: {
        const linger abortive{.l_onoff = 1, .l_linger = 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        break;
      }
      case AfterAnswer::hold:
        while (!stopping_) {
          // Until the client closes (readable, and nothing to read) or the server stops.
          if (ready(fd, POLLIN) && ::recv(fd, buffer.data(), buffer.size(), 0) <= 0) break;
        }
        break;
      case AfterAnswer::stream:
        buffer.fill('x');
        for (std::size_t streamed = 0; !stopping_ && streamed < kMaxStreamed;) {
          if (!ready(fd, POLLOUT)) continue;
          const ssize_t sent = ::send(fd, buffer.data(), buffer.size(), MSG_NOSIGNAL);
          if (sent <= 0) break;
          streamed += static_cast<std::size_t>(sent);
        }
        break;
    }
  }
  ::close(fd);
}

}  // namespace upwatch::testing
