#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace upwatch::testing {

/// A scripted DNS server on 127.0.0.1 (UDP), for tests of name resolution that never leave
/// loopback: it answers every A question with its addresses (127.0.0.1 unless set) and every
/// other one with no address, after a delay, or never.
class DnsServer {
 public:
  /// How it treats each question: answered, never answered, or answered with the error
  /// SERVFAIL or REFUSED (the server is there, the name does not resolve).
  enum class Mode { answer, silent, servfail, refused };

  /// Starts listening on a free port below the ephemeral range.
  explicit DnsServer(Mode mode, std::chrono::milliseconds delay = std::chrono::milliseconds{0});
  /// Stops and joins its thread.
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  /// The port it listens on.
  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// Answers A questions from now on with `addresses` (IPv4), or "no such name" if none.
  void set_addresses(const std::vector<std::string>& addresses);
  /// Questions received so far.
  [[nodiscard]] std::uint64_t questions() const { return questions_; }

 private:
  void serve();

  Mode mode_;
  std::chrono::milliseconds delay_;
  int socket_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> questions_{0};
  std::mutex mutex_;
  std::vector<in_addr> addresses_;  ///< guarded by mutex_
  std::thread thread_;
};

}  // namespace upwatch::testing
