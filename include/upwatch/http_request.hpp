#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace upwatch {

struct Config;

/// How upwatch's own client sends the probes of one URL: a HEAD request over a fresh HTTP/1.1
/// connection, byte for byte as libcurl would send it.
struct DirectRoute {
  std::string request;  ///< the request's bytes
  std::string host;     ///< the URL's host, as libcurl names it in its errors
  std::uint16_t port = 0;
  std::optional<sockaddr_storage> address;  ///< the host's, if it is an IP address
  std::string remote;  ///< that address as the log names it ("127.0.0.1:80"), if it is one
};

/// The route of `url`'s probes through upwatch's own client; nullopt if the URL or an option of
/// `config` needs libcurl (https, a proxy, keep-alive, redirects, a body, credentials...).
[[nodiscard]] std::optional<DirectRoute> direct_route(const Config& config, const std::string& url);

/// "127.0.0.1:8080" or "[::1]:8080".
[[nodiscard]] std::string format_remote(std::string_view ip, std::string_view port);

/// The socket address of IP address `ip` (no brackets) and `port`; nullopt if it is none.
[[nodiscard]] std::optional<sockaddr_storage> socket_address(const std::string& ip,
                                                             std::uint16_t port);

}  // namespace upwatch
