#include "upwatch/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "upwatch/unique_fd.hpp"

// Exchanges against a real socket here; against the test server, beside libcurl, in
// own_client_test.cpp.

TEST(HeadLines, KeepsWhatFitsAndCountsTheRest) {
  upwatch::HeadLines head;
  head.keep("HTTP/1.1 200 OK\r\n");
  head.keep("\r\n");
  head.keep(std::string(upwatch::kMaxKeptLine + 10, 'x') + "\n");
  EXPECT_EQ(head.lines.size(), 2U);
  EXPECT_EQ(head.lines[0], "HTTP/1.1 200 OK");
  EXPECT_EQ(head.lines[1].size(), upwatch::kMaxKeptLine);
  for (std::size_t i = 0; i < upwatch::kMaxKeptLines; ++i) head.keep("X: y\r\n");
  EXPECT_EQ(head.lines.size(), upwatch::kMaxKeptLines);
  EXPECT_EQ(head.dropped_lines, 2U);
  EXPECT_EQ(head.dropped_bytes, 12U);
  head.clear();
  EXPECT_TRUE(head.lines.empty());
  EXPECT_EQ(head.kept_bytes + head.dropped_lines + head.dropped_bytes, 0U);
}

namespace {

/// How one exchange ended.
struct Ended {
  int code = -1;
  int status = 0;
  std::string error;
  std::vector<std::string> lines;
};

/// Runs one exchange against a listener on 127.0.0.1 that reads the request, then sends
/// `answer` in pieces of `piece` bytes (the exchange reading each before the next is sent),
/// then closes.
Ended exchange_with(const std::string& answer, std::size_t piece = std::string::npos) {
  upwatch::UniqueFd listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_in address{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}};
  socklen_t length = sizeof address;
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener.get(), 1) != 0 ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ADD_FAILURE() << "no listener";
    return {};
  }
  const upwatch::DirectRoute route{.request = "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
                                   .host = "127.0.0.1",
                                   .port = ntohs(address.sin_port)};
  sockaddr_storage target{};
  std::memcpy(&target, &address, sizeof address);
  upwatch::Exchange exchange;
  upwatch::HeadLines head;
  exchange.start(route, target, upwatch::BootClock::now(), route.host);
  // Carries the exchange on, `rounds` times at most, while its socket becomes ready within
  // `wait_ms`.
  const auto carry_on = [&](int wait_ms, int rounds) {
    for (int i = 0; i < rounds && !exchange.over(); ++i) {
      pollfd ready{.fd = exchange.fd(), .events = exchange.events(), .revents = 0};
      if (::poll(&ready, 1, wait_ms) <= 0) return;
      exchange.advance(head);
    }
  };
  upwatch::UniqueFd server{::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC)};
  carry_on(0, 1);  // sent, if the handshake was not done at once
  std::array<char, 512> request{};
  EXPECT_EQ(::recv(server.get(), request.data(), request.size(), 0),
            static_cast<ssize_t>(route.request.size()));
  for (std::size_t at = 0; at < answer.size(); at += std::min(piece, answer.size())) {
    const auto part = std::string_view{answer}.substr(at, piece);
    EXPECT_EQ(::send(server.get(), part.data(), part.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(part.size()));
    carry_on(1000, 1);  // it is there: taken at once
  }
  server.reset();
  carry_on(10000, 100);
  EXPECT_TRUE(exchange.over());
  return {exchange.code(), exchange.status(), exchange.error(), head.lines};
}

}  // namespace

// What libcurl 7.88 makes of each answer, as logged side by side with upwatch's client.
TEST(Exchange, ReadsAnAnswerAsLibcurlDoes) {
  const auto ok = exchange_with("HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(ok.code, 0);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.lines,
            (std::vector<std::string>{"HTTP/1.1 200 OK", "Server: x", "Content-Length: 5"}));
  // A byte at a time, the same.
  const auto drip = exchange_with("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", 1);
  EXPECT_EQ(drip.status, 200);
  EXPECT_EQ(drip.lines, (std::vector<std::string>{"HTTP/1.1 200 OK", "Server: x"}));
  const auto continued =
      exchange_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No\r\nX: y\r\n\r\n");
  EXPECT_EQ(continued.status, 204);
  EXPECT_EQ(continued.lines.size(), 3U);
  EXPECT_EQ(exchange_with("HTTP/2 200\r\nA: b\r\n\r\n").status, 200);
  EXPECT_EQ(exchange_with("http/1.1 200 ok\r\n\r\n").status, 200);
  EXPECT_EQ(exchange_with("HTTP/1.0 503\nA: b\n\n").status, 503);
  const auto folded = exchange_with("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n");
  EXPECT_EQ(folded.status, 200);
  EXPECT_EQ(folded.lines.size(), 3U);
  // A head cut short after its status line is that answer, as libcurl takes it.
  EXPECT_EQ(exchange_with("HTTP/1.1 502 Bad Gateway\r\nServer: x\r\n").status, 502);
}

TEST(Exchange, EndsWhatIsNotAnAnswerAsLibcurlDoes) {
  const std::vector<std::pair<std::string, std::pair<int, std::string>>> cases{
      {"", {52, "Empty reply from server"}},
      {"HT", {52, "Empty reply from server"}},
      {"HTTP/1.1 200 OK", {52, "Empty reply from server"}},
      {"this is not HTTP at all\r\n\r\n", {1, "Received HTTP/0.9 when not allowed"}},
      {"HTTP/1.2 200 OK\r\n\r\n", {1, "Unsupported HTTP version (1.2) in response"}},
      {"HTTP/1.1 2000 OK\r\n\r\n", {1, "Unsupported response code in HTTP response"}},
      {"HTTP/1.1 099 OK\r\n\r\n", {1, "Unsupported response code in HTTP response"}},
      {"HTTP/1.1 20x OK\r\n\r\n", {1, "Unsupported response code in HTTP response"}},
      {"HTTP/ 200\r\n\r\n", {1, "Unsupported HTTP version in response"}},
      {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", {8, "Header without colon"}},
      {"HTTP/1.1 200 OK\r\n folded\r\n\r\n", {8, "Header without colon"}},
      {std::string{"HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n", 27}, {8, "Nul byte in header"}},
      {"HTTP/1.1 200 OK\r\nX: " + std::string(upwatch::kMaxHeaderLine, 'h') + "\r\n\r\n",
       {8, "Header line longer than 102400 bytes"}},
  };
  for (const auto& [answer, expected] : cases) {
    SCOPED_TRACE(answer.substr(0, 40));
    const auto ended = exchange_with(answer);
    EXPECT_EQ(ended.code, expected.first);
    EXPECT_EQ(ended.error, expected.second);
    EXPECT_EQ(ended.status, 0);
  }
}
