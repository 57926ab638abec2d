#pragma once

#include <ares.h>
#include <curl/curl.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/probe.hpp"

namespace upwatch {

/// What a look-up found: the addresses of a name, or why there are none.
struct Resolution {
  int status = ARES_SUCCESS;           ///< c-ares's status
  std::vector<std::string> addresses;  ///< numeric, in the order the answer gave them

  /// The transport failure a failed look-up is: `unreachable` when no DNS server could be
  /// reached at all, else `dns`.
  [[nodiscard]] Transport failure() const;
  /// Why the look-up failed, for the probe's record.
  [[nodiscard]] std::string error(const std::string& host) const;
};

/// Resolves names with c-ares inside the engine's loop, so that a slow or silent DNS server
/// never blocks it: the loop watches the resolver's sockets beside libcurl's, and a look-up
/// ends in a callback. Every look-up asks the DNS servers afresh (c-ares keeps no cache).
class Resolver {
 public:
  using Callback = std::function<void(Resolution&&)>;

  /// A resolver that asks `servers` ("IP[:PORT],...", "" for the system's) for the
  /// addresses of `family`; throws std::runtime_error if c-ares cannot start.
  Resolver(const std::string& servers, IpVersion family);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  /// Starts looking up `host`; `callback` is called once, from process() (or from the
  /// destructor, with a failure, if the look-up is still going).
  void resolve(const std::string& host, Callback callback);
  /// Appends the sockets c-ares waits on, for curl_multi_poll to watch.
  void watch(std::vector<curl_waitfd>& fds) const;
  /// Reads and writes the sockets of `fds` that are ready (those of watch(), after the poll),
  /// and handles c-ares's timeouts; calls the callbacks of the look-ups that ended.
  void process(const std::vector<curl_waitfd>& fds);
  /// How long c-ares may be left alone before its next timeout, if a look-up is going.
  [[nodiscard]] std::optional<std::chrono::milliseconds> next_timeout() const;

 private:
  /// One look-up in flight: whose it is, and what to call when it ends.
  struct Lookup {
    Resolver* owner;
    Callback callback;
  };

  /// c-ares's word that it waits on `socket` for reading and/or writing, or no more.
  static void on_socket_state(void* data, ares_socket_t socket, int readable, int writable);
  /// c-ares's answer to a look-up: hands it to the look-up's callback.
  static void on_addresses(void* arg, int status, int timeouts, ares_addrinfo* result);

  ares_channel channel_ = nullptr;
  int family_ = AF_UNSPEC;
  std::map<ares_socket_t, short> sockets_;  ///< socket -> CURL_WAIT_POLLIN / POLLOUT wanted
  std::size_t pending_ = 0;
};

}  // namespace upwatch
