#include "test_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <fstream>
#include <random>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "upwatch/core/duration.hpp"

namespace upwatch::testing {

namespace {

constexpr auto kPollSlice = std::chrono::milliseconds{10};

/// The behaviours a script names; any other step is an HTTP status.
constexpr std::array<std::pair<std::string_view, Behaviour>, 12> kNamedBehaviours{{
    {"ok", Behaviour::ok},
    {"slow", Behaviour::slow},
    {"hang", Behaviour::hang},
    {"reset", Behaviour::reset},
    {"garbage", Behaviour::garbage},
    {"close", Behaviour::close},
    {"refuse", Behaviour::refuse},
    {"forged", Behaviour::forged},
    {"flood", Behaviour::flood},
    {"huge", Behaviour::huge},
    {"badchunk", Behaviour::badchunk},
    {"dropkept", Behaviour::dropkept},
}};

std::string http_date() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 64> buffer{};
  return {buffer.data(),
          std::strftime(buffer.data(), buffer.size(), "%a, %d %b %Y %H:%M:%S GMT", &utc)};
}

std::string_view reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Moved Temporarily";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Temporarily Unavailable";
    case 504:
      return "Gateway Time-out";
    default:
      return "Status";
  }
}

/// An answer shaped like nginx's, for HEAD (no body) or any other method; with a version, it
/// names it in a header and in the body. A redirect sends the client back to /health.
std::string answer(int status, bool with_body, std::string_view version = {}) {
  std::string body = status == 200 ? "upwatch test server: healthy\n"
                                   : fmt::format("{} {}\n", status, reason(status));
  std::string version_header;
  if (status / 100 == 3) version_header = "Location: /health\r\n";  // back to itself
  if (!version.empty()) {
    body = fmt::format("{{\"status\":\"healthy\",\"version\":\"{}\"}}\n", version);
    version_header = fmt::format("X-App-Version: {}\r\n", version);
  }
  return fmt::format(
      "HTTP/1.1 {} {}\r\nServer: nginx/1.22.1\r\nDate: {}\r\nContent-Type: text/html\r\n"
      "Content-Length: {}\r\nConnection: keep-alive\r\nETag: \"6538b553-{:x}\"\r\n{}"
      "Accept-Ranges: bytes\r\n\r\n{}",
      status, reason(status), http_date(), body.size(), body.size(), version_header,
      with_body ? body : "");
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
}

}  // namespace

std::vector<Step> parse_script(std::string_view script) {
  std::vector<Step> steps;
  while (!script.empty()) {
    const auto comma = script.find(',');
    std::string_view item = script.substr(0, comma);
    script = comma == std::string_view::npos ? std::string_view{} : script.substr(comma + 1);
    Step step;
    if (const auto star = item.find('*'); star != std::string_view::npos) {
      const auto count_text = item.substr(star + 1);
      const auto [end, error] =
          std::from_chars(count_text.data(), count_text.data() + count_text.size(), step.count);
      if (error != std::errc{} || end != count_text.data() + count_text.size() || step.count == 0) {
        throw std::invalid_argument(fmt::format("bad count in step '{}'", item));
      }
      item = item.substr(0, star);
    }
    if (const auto at = item.find('@'); at != std::string_view::npos) {
      step.version = std::string{item.substr(at + 1)};
      if (step.version.empty())
        throw std::invalid_argument(fmt::format("bad version in '{}'", item));
      item = item.substr(0, at);
    }
    if (const auto colon = item.find(':'); colon != std::string_view::npos) {
      const auto delay = parse_duration(item.substr(colon + 1));
      if (!delay) throw std::invalid_argument(fmt::format("bad delay in step '{}'", item));
      step.delay = std::chrono::duration_cast<std::chrono::milliseconds>(*delay);
      item = item.substr(0, colon);
    }
    if (const auto* named = std::ranges::find(kNamedBehaviours, item,
                                              &std::pair<std::string_view, Behaviour>::first);
        named != kNamedBehaviours.end()) {
      step.behaviour = named->second;
      if (step.behaviour == Behaviour::refuse) step.count = 1;  // one refusal period
    } else {
      const auto [end, error] =
          std::from_chars(item.data(), item.data() + item.size(), step.status);
      if (error != std::errc{} || end != item.data() + item.size() || step.status < 100 ||
          step.status > 599) {
        throw std::invalid_argument(fmt::format("bad step '{}'", item));
      }
      step.behaviour = Behaviour::status;
    }
    steps.push_back(step);
  }
  if (steps.empty()) throw std::invalid_argument("empty script");
  return steps;
}

std::uint16_t refusing_port() { return TestServer{parse_script("ok")}.port(); }

TestServer::TestServer(std::vector<Step> script, std::uint16_t port, std::string address)
    : script_(std::move(script)), port_(port), address_(std::move(address)) {
  listen_now();
  acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  acceptor_.join();
  for (auto& worker : workers_) worker.join();
  if (listener_ >= 0) ::close(listener_);
}

std::string TestServer::url() const { return fmt::format("http://{}:{}/health", address_, port_); }

std::string TestServer::last_body() const {
  const std::lock_guard lock{mutex_};
  return last_body_;
}

std::string TestServer::last_request() const {
  const std::lock_guard lock{mutex_};
  return last_request_;
}

std::vector<std::chrono::steady_clock::time_point> TestServer::arrivals() const {
  const std::lock_guard lock{mutex_};
  return arrivals_;
}

void TestServer::listen_now() {
  // With no port asked for, one below the kernel's ephemeral range: no outgoing connection can
  // hold it while the server is away (refuse:), nor reach itself through it once it is closed.
  int low = 32768;
  std::ifstream{"/proc/sys/net/ipv4/ip_local_port_range"} >> low;
  std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<std::uint16_t> below_ephemeral{
      10000, static_cast<std::uint16_t>(std::clamp(low, 10001, 65536) - 1)};
  for (int attempt = 0;; ++attempt) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_ != 0 ? port_ : below_ephemeral(random));
    if (::inet_pton(AF_INET, address_.c_str(), &address.sin_addr) != 1) {
      throw std::invalid_argument("not an IPv4 address: " + address_);
    }
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::listen(listener_, 512) == 0) {
      port_ = ntohs(address.sin_port);
      return;
    }
    const int error = errno;
    ::close(listener_);
    listener_ = -1;
    if (port_ != 0 || error != EADDRINUSE || attempt == 100) {
      throw std::system_error(error, std::generic_category(), "bind/listen");
    }
  }
}

Step TestServer::take_step() {
  const std::lock_guard lock{mutex_};
  const Step step = script_[step_index_];
  if (step.behaviour == Behaviour::refuse) return Step{};  // raced the acceptor: answer
  if (step.count != 0 && ++served_in_step_ == step.count && step_index_ + 1 < script_.size()) {
    ++step_index_;
    served_in_step_ = 0;
  }
  return step;
}

void TestServer::accept_loop() {
  while (!stopping_) {
    std::chrono::milliseconds refuse_for{-1};
    {
      const std::lock_guard lock{mutex_};
      if (script_[step_index_].behaviour == Behaviour::refuse) {
        refuse_for = script_[step_index_].delay;
        if (step_index_ + 1 < script_.size()) ++step_index_;
      }
    }
    if (refuse_for.count() >= 0) {
      ::close(listener_);
      listener_ = -1;
      const auto until = std::chrono::steady_clock::now() + refuse_for;
      while (!stopping_ && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(kPollSlice);
      }
      listen_now();
      continue;
    }
    pollfd listening{.fd = listener_, .events = POLLIN, .revents = 0};
    if (::poll(&listening, 1, static_cast<int>(kPollSlice.count())) <= 0) continue;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    const auto open = ++open_;
    auto seen = max_concurrent_.load();
    while (open > seen && !max_concurrent_.compare_exchange_weak(seen, open)) {
    }
    // A connection's first request follows the script in the order connections came: the
    // order they were made in, which its worker's thread, on a loaded machine, need not keep.
    workers_.emplace_back([this, fd, first = take_step()] {
      serve(fd, first);
      --open_;
    });
  }
}

void TestServer::serve(int fd, Step first) {
  bool first_request = true;
  std::string buffer;
  std::array<char, 4096> chunk{};
  while (!stopping_) {
    // The head, then a body of Content-Length bytes (a POST's), if it has one.
    const auto head_end = buffer.find("\r\n\r\n");
    std::size_t length = 0;
    if (head_end != std::string::npos) {
      if (const auto at = buffer.find("Content-Length: "); at < head_end) {
        length = std::stoul(buffer.substr(at + 16));
      }
    }
    if (head_end == std::string::npos || buffer.size() < head_end + 4 + length) {
      pollfd readable{.fd = fd, .events = POLLIN, .revents = 0};
      if (::poll(&readable, 1, static_cast<int>(kPollSlice.count())) <= 0) continue;
      const ssize_t received = ::recv(fd, chunk.data(), chunk.size(), 0);
      if (received <= 0) break;
      buffer.append(chunk.data(), static_cast<std::size_t>(received));
      continue;
    }
    const std::string head = buffer.substr(0, head_end + 4);
    const std::string body = buffer.substr(head_end + 4, length);
    buffer.erase(0, head_end + 4 + length);
    ++requests_;
    {
      const std::lock_guard lock{mutex_};
      last_request_ = head;
      last_body_ = body;
      arrivals_.push_back(std::chrono::steady_clock::now());
    }
    const bool with_body = !head.starts_with("HEAD ");
    const Step step = first_request ? first : take_step();
    const bool reused = !first_request;
    first_request = false;
    switch (step.behaviour) {
      case Behaviour::dropkept:
        if (!reused) {
          send_all(fd, answer(200, with_body, step.version));
          continue;
        }
        // Something of the answer first: libcurl retries a reused connection that died
        // before any of it came.
        send_all(fd, "HTTP/1.1 200 OK\r\n");
        {
          const linger abort_on_close{.l_onoff = 1, .l_linger = 0};
          ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
        }
        break;
      case Behaviour::ok:
      case Behaviour::refuse:
        send_all(fd, answer(200, with_body, step.version));
        continue;
      case Behaviour::status:
        send_all(fd, answer(step.status, with_body, step.version));
        continue;
      case Behaviour::flood: {
        std::string headers;
        for (int i = 0; i < 3000; ++i)
          headers += fmt::format("X-Flood-{:04}: {}\r\n", i, std::string(80, 'f'));
        auto flooded = answer(200, with_body);
        flooded.insert(flooded.find("\r\n") + 2, headers);
        send_all(fd, flooded);
        continue;
      }
      case Behaviour::huge: {
        auto bloated = answer(200, with_body);
        bloated.insert(bloated.find("\r\n") + 2,
                       "X-Huge: " + std::string(200 * 1024, 'h') + "\r\n");
        send_all(fd, bloated);
        break;
      }
      case Behaviour::badchunk:
        send_all(fd,
                 "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "zz\r\nnot a chunk\r\n0\r\n\r\n");
        break;
      case Behaviour::forged: {
        // A line shaped like a record marker of a good probe, and a title-setting escape.
        auto forged = answer(502, false);
        forged.insert(forged.find("\r\n") + 2,
                      "* 2026-11-26T00:00:00.000Z #0 200 0.100ms 127.0.0.1:1\r\n"
                      "X-Title: \x1b]2;pwned\x07\x1b[2J\r\n");
        send_all(fd, forged);
        continue;
      }
      case Behaviour::slow: {
        const auto until = std::chrono::steady_clock::now() + step.delay;
        while (!stopping_ && std::chrono::steady_clock::now() < until) {
          std::this_thread::sleep_for(kPollSlice);
        }
        send_all(fd, answer(200, with_body));
        continue;
      }
      case Behaviour::hang:
        // Hold the connection until the client gives up or the server stops.
        while (!stopping_) {
          pollfd readable{.fd = fd, .events = POLLIN, .revents = 0};
          if (::poll(&readable, 1, static_cast<int>(kPollSlice.count())) > 0 &&
              ::recv(fd, chunk.data(), chunk.size(), 0) <= 0) {
            break;
          }
        }
        break;
      case Behaviour::reset: {
        const linger abort_on_close{.l_onoff = 1, .l_linger = 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
        break;
      }
      case Behaviour::garbage:
        send_all(fd, "this is not HTTP at all\r\n\r\n");
        break;
      case Behaviour::close:
        break;
    }
    break;
  }
  ::close(fd);
}

}  // namespace upwatch::testing
