#include "dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <deque>
#include <stdexcept>
#include <string>
#include <system_error>

#include "test_server.hpp"

namespace upwatch::testing {

namespace {

constexpr std::uint16_t kTypeA = 1;

/// The answer to `query`: the question echoed, and `addresses` if it asked for an A record
/// (no such name if there are none).
std::string answer_to(const std::string& query, const std::vector<in_addr>& addresses,
                      DnsServer::Mode mode) {
  if (query.size() < 12) return {};
  // The question's name ends at its zero-length label; then its type and class.
  std::size_t end = 12;
  while (end < query.size() && query[end] != 0) end += 1 + static_cast<unsigned char>(query[end]);
  if (end + 5 > query.size()) return {};
  const auto type = static_cast<std::uint16_t>(static_cast<unsigned char>(query[end + 1]) << 8 |
                                               static_cast<unsigned char>(query[end + 2]));
  const bool a = type == kTypeA;
  std::string reply = query.substr(0, end + 5);
  reply[2] = static_cast<char>(0x81 | (query[2] & 0x01));  // a response, recursion desired copied
  // Recursion available; no error, or no such name.
  reply[3] = static_cast<char>(mode == DnsServer::Mode::servfail  ? 0x82
                               : mode == DnsServer::Mode::refused ? 0x85
                               : a && addresses.empty()           ? 0x83
                                                                  : 0x80);
  const bool answers = a && mode == DnsServer::Mode::answer;
  reply[4] = 0;  // one question
  reply[5] = 1;
  reply[6] = 0;  // answers
  reply[7] = static_cast<char>(answers ? addresses.size() : 0);
  for (std::size_t i = 8; i < 12; ++i) reply[i] = 0;
  for (std::size_t i = 0; answers && i < addresses.size(); ++i) {
    // The name by pointer to the question, A, IN, a TTL of 60 s, 4 bytes of address.
    reply += std::string{"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04", 12};
    reply.append(reinterpret_cast<const char*>(&addresses[i].s_addr), 4);
  }
  return reply;
}

}  // namespace

DnsServer::DnsServer(Mode mode, std::chrono::milliseconds delay) : mode_(mode), delay_(delay) {
  set_addresses({"127.0.0.1"});
  socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
  // Borrow a free port below the ephemeral range from a TCP test server's choice.
  for (int attempt = 0;; ++attempt) {
    port_ = refusing_port();
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) break;
    if (attempt == 100) throw std::system_error(errno, std::generic_category(), "bind");
  }
  thread_ = std::thread([this] { serve(); });
}

DnsServer::~DnsServer() {
  stopping_ = true;
  thread_.join();
  ::close(socket_);
}

void DnsServer::set_addresses(const std::vector<std::string>& addresses) {
  std::vector<in_addr> parsed;
  for (const auto& address : addresses) {
    if (::inet_pton(AF_INET, address.c_str(), &parsed.emplace_back()) != 1) {
      throw std::invalid_argument("not an IPv4 address: " + address);
    }
  }
  const std::lock_guard lock{mutex_};
  addresses_ = std::move(parsed);
}

void DnsServer::serve() {
  struct Pending {
    std::chrono::steady_clock::time_point due;
    sockaddr_in from;
    std::string reply;
  };
  std::deque<Pending> pending;
  std::array<char, 512> buffer{};
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    while (!pending.empty() && pending.front().due <= now) {
      const auto& [due, from, reply] = pending.front();
      ::sendto(socket_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from),
               sizeof from);
      pending.pop_front();
    }
    pollfd readable{.fd = socket_, .events = POLLIN, .revents = 0};
    if (::poll(&readable, 1, 5) <= 0) continue;
    sockaddr_in from{};
    socklen_t length = sizeof from;
    const ssize_t received = ::recvfrom(socket_, buffer.data(), buffer.size(), 0,
                                        reinterpret_cast<sockaddr*>(&from), &length);
    if (received <= 0) continue;
    ++questions_;
    if (mode_ == Mode::silent) continue;
    const std::lock_guard lock{mutex_};
    pending.push_back({std::chrono::steady_clock::now() + delay_, from,
                       answer_to(std::string(buffer.data(), static_cast<std::size_t>(received)),
                                 addresses_, mode_)});
  }
}

}  // namespace upwatch::testing
