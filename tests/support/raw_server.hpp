#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace upwatch::testing {

/// What a raw server does once it has sent its answer's bytes.
enum class AfterAnswer : std::uint8_t {
  close,   ///< closes the connection (FIN)
  reset,   ///< resets the connection (RST)
  hold,    ///< keeps the connection open, sending nothing more, until the server stops
  stream,  ///< sends body bytes for as long as the client takes them (at most 64 MiB)
};

/// A server on 127.0.0.1 that answers every request with the same bytes, verbatim, however
/// wrong they are as HTTP: the hostile answers a prober must judge as curl does.
class RawServer {
 public:
  /// Starts listening on a port the kernel picks and answering `answer`, then `after`.
  RawServer(std::string answer, AfterAnswer after);
  /// Stops accepting, ends every connection and joins every thread.
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  /// "http://127.0.0.1:PORT/health".
  [[nodiscard]] std::string url() const;
  /// Requests read so far (each connection carries one).
  [[nodiscard]] std::uint64_t requests() const { return requests_; }

 private:
  void accept_loop();
  void serve(int fd);

  std::string answer_;
  AfterAnswer after_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> requests_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace upwatch::testing
