#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/http_request.hpp"
#include "upwatch/unique_fd.hpp"
#include "upwatch/wall_time.hpp"

namespace upwatch {

/// The most header lines kept per probe; the rest are counted, not kept.
inline constexpr std::size_t kMaxKeptLines = 100;
/// The most bytes of header lines kept per probe.
inline constexpr std::size_t kMaxKeptBytes = 16 * 1024;
/// The longest header line kept whole; a longer one is cut there.
inline constexpr std::size_t kMaxKeptLine = 8 * 1024;
/// The longest header line an answer may send, as libcurl takes it (100 KiB).
inline constexpr std::size_t kMaxHeaderLine = 100 * 1024;

/// The status line and headers of an answer as the log keeps them: at most kMaxKeptLines lines
/// and kMaxKeptBytes bytes, each cut at kMaxKeptLine; the lines beyond are counted.
struct HeadLines {
  std::vector<std::string> lines;
  std::size_t kept_bytes = 0;
  std::size_t dropped_lines = 0;
  std::size_t dropped_bytes = 0;  ///< as received, line ends included

  /// Keeps one line as received (its CR LF or LF may be there); a blank line is skipped.
  void keep(std::string_view line);
  /// Forgets every line, for the next probe.
  void clear();
};

/// One probe through upwatch's own client: a non-blocking connection to one address, the
/// request sent, the answer's head read, ended as libcurl would end the same transfer (its
/// result code, errno and error text).
class Exchange {
 public:
  /// Opens a connection to `address` for `route`'s request, and sends it if it can at once;
  /// the transfer starts `now`. Errors name the host `name` (which must outlive the exchange),
  /// as libcurl names the URL's host, or the address a probe is pinned to.
  void start(const DirectRoute& route, const sockaddr_storage& address, BootClock::time_point now,
             const std::string& name);
  /// Carries on once poll(2) found the socket ready: connects, sends, and reads the answer into
  /// `head`, until it must wait again or is over.
  void advance(HeadLines& head);
  /// Ends it as timed out at `now`, as libcurl words it.
  void expire(BootClock::time_point now);
  /// Closes its connection, if open.
  void close() { socket_.reset(); }

  /// The socket, -1 once it is over.
  [[nodiscard]] int fd() const { return socket_.get(); }
  /// The poll(2) events it waits for; 0 once it is over.
  [[nodiscard]] short events() const;
  /// True once connected.
  [[nodiscard]] bool connected() const { return connected_at_.has_value(); }
  /// True once it has ended, answered or not.
  [[nodiscard]] bool over() const { return state_ == State::over; }

  /// When the transfer started.
  [[nodiscard]] BootClock::time_point started() const { return started_; }
  /// When the connection was made, the first byte came and it ended, if they did.
  [[nodiscard]] std::optional<BootClock::time_point> connected_at() const { return connected_at_; }
  [[nodiscard]] std::optional<BootClock::time_point> first_byte_at() const { return first_byte_; }
  [[nodiscard]] BootClock::time_point ended_at() const { return ended_; }
  /// The answer's HTTP status, 0 if it did not answer.
  [[nodiscard]] int status() const { return status_; }
  /// libcurl's result code for how it ended (0: answered).
  [[nodiscard]] int code() const { return code_; }
  /// The OS errno of a failed connection or transfer, else 0.
  [[nodiscard]] long os_errno() const { return errno_; }
  /// The error text, as libcurl would word it.
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  enum class State : std::uint8_t { connecting, sending, receiving, over };

  /// Ends it as failed with libcurl's `code`, `os_errno` and `text`.
  void fail(int code, long os_errno, std::string text);
  /// Ends it as an answer with a header line longer than libcurl takes.
  void fail_too_long();
  /// Ends it as a connection that failed with `error` (libcurl's `code`) at `now`.
  void fail_to_connect(int error, int code = 7 /* CURLE_COULDNT_CONNECT */,
                       BootClock::time_point now = BootClock::now());
  /// Ends it, answered.
  void succeed();
  void send_request();
  void receive(HeadLines& head);
  /// Takes one whole line of the head; returns false if it ended the exchange.
  bool take_line(std::string_view line, HeadLines& head);

  const DirectRoute* route_ = nullptr;
  const std::string* name_ = nullptr;  ///< the host its errors name
  UniqueFd socket_;
  State state_ = State::over;
  std::size_t sent_ = 0;          ///< bytes of the request sent
  std::string partial_;           ///< a line not yet whole
  bool status_line_ = true;       ///< the next line is a status line
  std::size_t header_lines_ = 0;  ///< header lines since the status line
  BootClock::time_point started_{};
  std::optional<BootClock::time_point> connected_at_;
  std::optional<BootClock::time_point> first_byte_;
  BootClock::time_point ended_{};
  int status_ = 0;
  int code_ = 0;
  long errno_ = 0;
  std::string error_;
};

}  // namespace upwatch
