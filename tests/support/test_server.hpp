#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace upwatch::testing {

/// What the test server does with a request.
enum class Behaviour {
  ok,        ///< 200 with headers like nginx's
  status,    ///< the step's status (502, 503, ...) with headers like nginx's
  slow,      ///< 200 after the step's delay
  hang,      ///< read the request and never answer
  reset,     ///< read the request and reset the connection
  garbage,   ///< answer with bytes that are not HTTP, then close
  close,     ///< read the request and close without answering
  refuse,    ///< stop listening for the step's delay, so connections are refused
  forged,    ///< 502 with headers that hold a forged record marker and terminal escapes
  flood,     ///< 200 with 3,000 headers of 100 bytes (300 KB), as a hostile server may send
  huge,      ///< 200 with one header of 200 KB, more than libcurl takes
  badchunk,  ///< 200, chunked, with a chunk size that is not hexadecimal
  dropkept,  ///< 200 to a connection's first request; a later one on it gets the start of
             ///< an answer, then a reset (a node that drops the connections it keeps)
};

/// One step of a script: a behaviour for `count` requests (0 = every request from then on).
struct Step {
  Behaviour behaviour = Behaviour::ok;
  int status = 200;
  std::chrono::milliseconds delay{0};
  std::uint64_t count = 0;
  std::string version;  ///< "@v2": answers carry X-App-Version: v2 and a body {"version":"v2"}
};

/// Parses a script such as "ok*5,502*3,reset*2,hang,refuse:2s,slow:300ms*4,ok@v2": comma
/// separated steps, each a behaviour or a status with an optional ":delay", "@version" and
/// "*count".
/// The last step repeats for ever; `refuse:T` stops listening for T once. Throws
/// std::invalid_argument on a bad script.
[[nodiscard]] std::vector<Step> parse_script(std::string_view script);

/// A port on 127.0.0.1 where nothing listens (a test server's, once it has gone).
[[nodiscard]] std::uint16_t refusing_port();

/// A real HTTP/1.1 server on 127.0.0.1 that follows a script, request by request, so a
/// test can know exactly which probe sees which answer whatever the machine's speed.
class TestServer {
 public:
  /// Starts listening on `port` (0 = a free port below the ephemeral range) of `address` (an
  /// IPv4 loopback address) and serving `script`.
  explicit TestServer(std::vector<Step> script, std::uint16_t port = 0,
                      std::string address = "127.0.0.1");
  /// Stops accepting, ends every connection and joins every thread.
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  /// The port it listens on.
  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// "http://ADDRESS:PORT/health".
  [[nodiscard]] std::string url() const;
  /// Requests read so far.
  [[nodiscard]] std::uint64_t requests() const { return requests_; }
  /// Connections accepted so far.
  [[nodiscard]] std::uint64_t connections() const { return connections_; }
  /// The most connections that were open at once.
  [[nodiscard]] std::uint64_t max_concurrent() const { return max_concurrent_; }
  /// The head of the last request read, as received.
  [[nodiscard]] std::string last_request() const;
  /// The body of the last request read (Content-Length bytes after its head), as received.
  [[nodiscard]] std::string last_body() const;
  /// When each request was read, in order.
  [[nodiscard]] std::vector<std::chrono::steady_clock::time_point> arrivals() const;

 private:
  void listen_now();
  void accept_loop();
  /// Serves the connection `fd`, its first request with `first` (taken as it was accepted).
  void serve(int fd, Step first);
  /// The step for the next request, advancing the script.
  Step take_step();

  std::vector<Step> script_;
  std::size_t step_index_ = 0;
  std::uint64_t served_in_step_ = 0;
  std::uint16_t port_ = 0;
  std::string address_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> open_{0};
  std::atomic<std::uint64_t> max_concurrent_{0};
  mutable std::mutex mutex_;
  std::string last_request_;
  std::string last_body_;
  std::vector<std::chrono::steady_clock::time_point> arrivals_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace upwatch::testing
