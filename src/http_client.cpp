#include "upwatch/http_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace upwatch {

namespace {

/// True if a status line is one libcurl takes: "HTTP/1.1 200 OK", "HTTP/1.0 404", "HTTP/2 200";
/// otherwise fills `text` with libcurl's complaint. Unlike libcurl, "HTTP/" followed by no
/// version is not taken for a 200.
bool status_line_ok(std::string_view line, int& status, std::string& text) {
  const auto digit = [&](std::size_t at) {
    return at < line.size() && line[at] >= '0' && line[at] <= '9';
  };
  constexpr std::string_view kBadVersion = "Unsupported HTTP version in response";
  constexpr std::string_view kBadCode = "Unsupported response code in HTTP response";
  std::size_t at = 5;  // past "HTTP/"
  if (!digit(at)) {
    text = kBadVersion;
    return false;
  }
  const int major = line[at++] - '0';
  status = 0;
  if (at + 1 < line.size() && line[at] == '.' && digit(at + 1)) {
    const int minor = line[at + 1] - '0';
    at += 2;
    if (at >= line.size() || line[at] != ' ' || !digit(at + 1)) {
      text = kBadVersion;
      return false;
    }
    ++at;
    for (int digits = 0; digits < 3 && digit(at); ++digits) status = status * 10 + line[at++] - '0';
    if (digit(at) || status < 100) {
      text = kBadCode;
      return false;
    }
    const int version = major * 10 + minor;
    if (version != 10 && version != 11 && version != 20) {
      text = fmt::format("Unsupported HTTP version ({}.{}) in response", major, minor);
      return false;
    }
    return true;
  }
  if ((major == 2 || major == 3) && at < line.size() && line[at] == ' ' && digit(at + 1)) {
    ++at;
    for (int digits = 0; digits < 4 && digit(at); ++digits) status = status * 10 + line[at++] - '0';
    if (status < 100 || status > 999) {
      text = kBadCode;
      return false;
    }
    return true;
  }
  text = kBadVersion;
  return false;
}

/// True if `error`, from the first send on a socket that was connecting, says the connection
/// failed; a connection made, then reset, is not such a failure.
bool connect_error(int error) {
  switch (error) {
    case ECONNREFUSED:
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case EADDRNOTAVAIL:
      return true;
    default:
      return false;
  }
}

/// True while `received` may still be the start of "HTTP/", in any case.
bool may_be_http(std::string_view received) {
  constexpr std::string_view kPrefix = "HTTP/";
  const auto length = std::min(received.size(), kPrefix.size());
  for (std::size_t i = 0; i < length; ++i) {
    if (std::toupper(static_cast<unsigned char>(received[i])) != kPrefix[i]) return false;
  }
  return true;
}

}  // namespace

void HeadLines::keep(std::string_view line) {
  const auto received = line.size();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return;  // the blank line ends a header block
  // A hostile server may send hundreds of kilobytes of headers: the log keeps what fits.
  line = line.substr(0, kMaxKeptLine);
  if (lines.size() < kMaxKeptLines && kept_bytes + line.size() <= kMaxKeptBytes) {
    lines.emplace_back(line);
    kept_bytes += line.size();
  } else {
    ++dropped_lines;
    dropped_bytes += received;
  }
}

void HeadLines::clear() {
  lines.clear();
  kept_bytes = dropped_lines = dropped_bytes = 0;
}

void Exchange::start(const DirectRoute& route, const sockaddr_storage& address,
                     BootClock::time_point now, const std::string& name) {
  route_ = &route;
  name_ = &name;
  started_ = now;
  connected_at_.reset();
  first_byte_.reset();
  sent_ = 0;
  partial_.clear();
  status_line_ = true;
  header_lines_ = 0;
  status_ = code_ = 0;
  errno_ = 0;
  error_.clear();
  state_ = State::connecting;
  socket_ = UniqueFd{::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (!socket_) {
    const int error = errno;
    fail(CURLE_COULDNT_CONNECT, error, fmt::format("socket: {}", std::strerror(error)));
    return;
  }
  const auto length = address.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  const int error = ::connect(socket_.get(), reinterpret_cast<const sockaddr*>(&address),
                              static_cast<socklen_t>(length)) == 0
                        ? 0
                        : errno;
  if (error != 0 && error != EINPROGRESS) {
    fail_to_connect(error);
    return;
  }
  // On loopback, and on a fast network, the handshake is often done by now: sending at once
  // spares a wait for the socket to be writable.
  send_request();
}

void Exchange::fail_to_connect(int error, int code, BootClock::time_point now) {
  fail(code, error,
       fmt::format("Failed to connect to {} port {} after {} ms: {}", *name_, route_->port,
                   std::chrono::duration_cast<std::chrono::milliseconds>(now - started_).count(),
                   curl_easy_strerror(static_cast<CURLcode>(code))));
}

short Exchange::events() const {
  switch (state_) {
    case State::connecting:
    case State::sending:
      return POLLOUT;
    case State::receiving:
      return POLLIN;
    case State::over:
      break;
  }
  return 0;
}

void Exchange::advance(HeadLines& head) {
  if (state_ == State::receiving) {
    receive(head);
  } else if (state_ != State::over) {
    send_request();
  }
}

void Exchange::send_request() {
  const std::string& request = route_->request;
  while (sent_ < request.size()) {
    const auto written =
        ::send(socket_.get(), request.data() + sent_, request.size() - sent_, MSG_NOSIGNAL);
    if (written < 0) {
      // Still connecting (the first send), or the socket's buffer is full.
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      const int error = errno;
      // The first send tells how the connection went, without a getsockopt(2).
      if (state_ == State::connecting && (connect_error(error) || error == EPIPE)) {
        fail_to_connect(error);
        return;
      }
      fail(CURLE_SEND_ERROR, error, fmt::format("Send failure: {}", std::strerror(error)));
      return;
    }
    if (state_ == State::connecting) {
      connected_at_ = BootClock::now();
      state_ = State::sending;
    }
    sent_ += static_cast<std::size_t>(written);
  }
  state_ = State::receiving;
}

void Exchange::receive(HeadLines& head) {
  std::array<char, 16 * 1024> buffer;  // NOLINT: filled by recv before it is read
  while (state_ == State::receiving) {
    const auto received = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
    if (received < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      const int error = errno;
      fail(CURLE_RECV_ERROR, error, fmt::format("Recv failure: {}", std::strerror(error)));
      return;
    }
    if (received == 0) {
      // Closed before the head ended: with its status line, that is the answer (as libcurl
      // takes it); before, there was none.
      if (status_line_) {
        fail(CURLE_GOT_NOTHING, 0, "Empty reply from server");
      } else {
        succeed();
      }
      return;
    }
    if (!first_byte_) first_byte_ = BootClock::now();
    std::string_view data{buffer.data(), static_cast<std::size_t>(received)};
    while (state_ == State::receiving && !data.empty()) {
      const auto end = data.find('\n');
      if (end == std::string_view::npos) {
        partial_.append(data);
        data = {};
        if (status_line_ && !may_be_http(partial_)) {
          fail(CURLE_UNSUPPORTED_PROTOCOL, 0, "Received HTTP/0.9 when not allowed");
        } else if (partial_.size() > kMaxHeaderLine) {
          fail_too_long();
        }
        break;
      }
      std::string_view line = data.substr(0, end + 1);
      data.remove_prefix(end + 1);
      if (!partial_.empty()) {
        partial_.append(line);
        line = partial_;
      }
      if (line.size() > kMaxHeaderLine + 1) {
        fail_too_long();
        break;
      }
      if (take_line(line, head)) partial_.clear();
    }
  }
}

bool Exchange::take_line(std::string_view line, HeadLines& head) {
  std::string_view content = line;
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
    content.remove_suffix(1);
  }
  if (status_line_) {
    if (!may_be_http(content)) {
      fail(CURLE_UNSUPPORTED_PROTOCOL, 0, "Received HTTP/0.9 when not allowed");
      return false;
    }
    std::string text;
    if (!status_line_ok(content, status_, text)) {
      fail(CURLE_UNSUPPORTED_PROTOCOL, 0, std::move(text));
      return false;
    }
    status_line_ = false;
    header_lines_ = 0;
    head.keep(line);
    return true;
  }
  if (content.empty()) {
    // The head is over; a 1xx answer (but 101) is followed by the real one.
    if (status_ >= 100 && status_ < 200 && status_ != 101) {
      status_line_ = true;
      return true;
    }
    succeed();
    return true;
  }
  if (content.find('\0') != std::string_view::npos) {
    fail(CURLE_WEIRD_SERVER_REPLY, 0, "Nul byte in header");
    return false;
  }
  // A line folded onto the one before, which the first header has not.
  const bool folded = header_lines_ > 0 && (content.front() == ' ' || content.front() == '\t');
  ++header_lines_;
  if (!folded && content.find(':') == std::string_view::npos) {
    fail(CURLE_WEIRD_SERVER_REPLY, 0, "Header without colon");
    return false;
  }
  head.keep(line);
  return true;
}

void Exchange::expire(BootClock::time_point now) {
  if (state_ == State::connecting) {
    fail_to_connect(0, CURLE_OPERATION_TIMEDOUT, now);
    return;
  }
  fail(CURLE_OPERATION_TIMEDOUT, 0,
       fmt::format("Operation timed out after {} milliseconds with 0 bytes received",
                   std::chrono::duration_cast<std::chrono::milliseconds>(now - started_).count()));
}

void Exchange::fail(int code, long os_errno, std::string text) {
  code_ = code;
  errno_ = os_errno;
  error_ = std::move(text);
  status_ = 0;
  ended_ = BootClock::now();
  state_ = State::over;
  socket_.reset();
}

void Exchange::fail_too_long() {
  fail(CURLE_WEIRD_SERVER_REPLY, 0,
       fmt::format("Header line longer than {} bytes", kMaxHeaderLine));
}

void Exchange::succeed() {
  ended_ = BootClock::now();
  state_ = State::over;
  // Closed after the server's own close, the connection leaves no TIME_WAIT here; reading
  // what is left also keeps close(2) from resetting it.
  std::array<char, 512> rest;  // NOLINT: filled by recv before it is read
  while (::recv(socket_.get(), rest.data(), rest.size(), 0) > 0) {
  }
  socket_.reset();
}

}  // namespace upwatch
