#include "upwatch/exchange_set.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

#include "upwatch/unique_fd.hpp"

namespace {

using namespace std::chrono_literals;
using upwatch::BootClock;
using upwatch::ExchangeSet;
using upwatch::Transfer;

/// A listener on 127.0.0.1 that never accepts: with a backlog of `backlog`, the connections
/// beyond it are never made.
struct Listener {
  explicit Listener(int backlog) {
    sockaddr_in address{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}};
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(fd.get(), backlog), 0);
    EXPECT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    std::memcpy(&target, &address, sizeof address);
    route.port = ntohs(address.sin_port);
  }
  upwatch::UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_storage target{};
  upwatch::DirectRoute route{.request = "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", .host = "127.0.0.1"};
};

/// The probes an exchange set finished, each taken out of it as the engine does.
struct Finished {
  ExchangeSet* set = nullptr;
  std::vector<Transfer*> probes;
  void operator()(Transfer& probe) {
    probes.push_back(&probe);
    set->remove(probe);
  }
};

/// A probe slot for `listener`'s route, sent at `sent`.
Transfer probe_of(const Listener& listener, BootClock::time_point sent) {
  Transfer probe;
  probe.route = &listener.route;
  probe.sent = sent;
  return probe;
}

}  // namespace

TEST(ExchangeSet, TimesOutAtMaxTimeAndNotBefore) {
  Listener listener{16};  // connected, never answered
  Finished finished;
  ExchangeSet set{200ms, std::nullopt, [&](Transfer& probe) { finished(probe); }};
  finished.set = &set;
  const auto sent = BootClock::now();
  auto probe = probe_of(listener, sent);
  set.start(probe, listener.target, "127.0.0.1:1");
  EXPECT_TRUE(probe.direct);
  EXPECT_EQ(probe.remote, "127.0.0.1:1");
  for (int i = 0; i < 100 && !probe.exchange.connected(); ++i) {
    set.poll(100ms);
    set.serve(sent);
  }
  ASSERT_TRUE(probe.exchange.connected());
  EXPECT_EQ(set.expire(sent + 100ms), sent + 200ms);
  EXPECT_TRUE(finished.probes.empty());
  EXPECT_EQ(set.expire(probe.exchange.started() + 250ms), std::nullopt);
  ASSERT_EQ(finished.probes.size(), 1U);
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(probe.direct);
  EXPECT_EQ(probe.exchange.code(), 28);
  EXPECT_EQ(probe.exchange.error(),
            "Operation timed out after 250 milliseconds with 0 bytes received");
}

TEST(ExchangeSet, TimesOutAtConnectTimeoutWhileConnecting) {
  // A backlog of 0 queues one connection: the next handshake is dropped, never made.
  Listener listener{0};
  upwatch::UniqueFd queued{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  ::connect(queued.get(), reinterpret_cast<const sockaddr*>(&listener.target), sizeof(sockaddr_in));
  upwatch::UniqueFd waiting{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  ::connect(waiting.get(), reinterpret_cast<const sockaddr*>(&listener.target),
            sizeof(sockaddr_in));
  Finished finished;
  ExchangeSet set{5s, 100ms, [&](Transfer& probe) { finished(probe); }};
  finished.set = &set;
  auto probe = probe_of(listener, BootClock::now());
  set.start(probe, listener.target, "127.0.0.1:1");
  ASSERT_FALSE(probe.exchange.connected());
  EXPECT_EQ(set.expire(probe.exchange.started() + 100ms), std::nullopt);
  ASSERT_EQ(finished.probes.size(), 1U);
  EXPECT_EQ(probe.exchange.code(), 28);
  EXPECT_EQ(probe.exchange.error(), "Failed to connect to 127.0.0.1 port " +
                                        std::to_string(listener.route.port) +
                                        " after 100 ms: Timeout was reached");
}

TEST(ExchangeSet, AnAnswerServedAfterItsDeadlineIsATimeout) {
  // upwatch was stopped (SIGSTOP) while the answer came: it is not taken as answered late.
  for (const bool late : {false, true}) {
    SCOPED_TRACE(late);
    Listener listener{16};
    Finished finished;
    ExchangeSet set{1s, std::nullopt, [&](Transfer& probe) { finished(probe); }};
    finished.set = &set;
    auto probe = probe_of(listener, BootClock::now());
    set.start(probe, listener.target, "127.0.0.1:1");
    upwatch::UniqueFd server{::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC)};
    const std::string answer = "HTTP/1.1 200 OK\r\n\r\n";
    ASSERT_EQ(::send(server.get(), answer.data(), answer.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(answer.size()));
    for (int i = 0; i < 100 && finished.probes.empty(); ++i) {
      set.poll(100ms);
      set.serve(late ? probe.sent + 2s : probe.sent);
    }
    ASSERT_EQ(finished.probes.size(), 1U);
    EXPECT_EQ(probe.exchange.code(), late ? 28 : 0);
    EXPECT_EQ(probe.exchange.status(), late ? 0 : 200);
  }
}
