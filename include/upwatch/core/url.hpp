#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace upwatch {

/// Throws UsageError, naming `what` but not showing the value (it may be a secret), if `value`
/// holds a CR, LF or NUL: in a request line or header it would end that line early, and what
/// followed would be sent as more headers or a second request.
void check_one_line(std::string_view value, std::string_view what);

/// Which address family to connect over.
enum class IpVersion : std::uint8_t { any, v4, v6 };

/// A host and a port, as a connection is opened to them.
struct Endpoint {
  std::string host;  ///< a name, or an IP address (an IPv6 one without brackets)
  std::uint16_t port = 0;

  bool operator==(const Endpoint&) const = default;
};

/// The parts of a checked http or https URL.
struct UrlParts {
  std::string scheme;  ///< "http" or "https"
  Endpoint endpoint;   ///< the URL's host (in punycode if it was international) and port
  std::string url;     ///< the URL as libcurl is to be given it
};

/// The longest URL upwatch takes: far beyond any a server accepts, well within the lines of
/// 64 KiB its log readers keep whole.
inline constexpr std::size_t kMaxUrlLength = std::size_t{16} * 1024;

/// Checks a URL named by `what` ("URL", "--control"): at most kMaxUrlLength bytes, an explicit
/// http:// or https:// scheme, a host that libcurl can use, a port from 1 to 65535. Throws
/// UsageError, with any credentials in the URL hidden, if it is not such a URL.
[[nodiscard]] UrlParts check_url(const std::string& url, std::string_view what);

/// The URL with any user name and password replaced by "***", for logs and summaries; a
/// text that does not parse as a URL has what looks like credentials hidden the same way.
[[nodiscard]] std::string redact_url(const std::string& url);

/// "127.0.0.1:8080" or "[::1]:8080": an address and port as the log names them.
[[nodiscard]] std::string format_remote(std::string_view ip, std::string_view port);

/// True if `host` is an IPv4 or IPv6 address (an IPv6 one with or without brackets).
[[nodiscard]] bool is_ip_address(std::string_view host);

/// One --resolve entry, curl's HOST:PORT:ADDR[,ADDR]...
struct ResolveEntry {
  Endpoint endpoint;
  std::vector<std::string> addresses;
};

/// Parses a --resolve value; throws UsageError if it is not HOST:PORT:ADDR[,ADDR]... with
/// numeric addresses and a port from 1 to 65535.
[[nodiscard]] ResolveEntry parse_resolve(std::string_view text);

/// One --connect-to rule, curl's HOST1:PORT1:HOST2:PORT2, where an empty field matches any
/// host or port (HOST1, PORT1) or keeps the URL's (HOST2, PORT2).
struct ConnectTo {
  std::string from_host;
  std::optional<std::uint16_t> from_port;
  std::string to_host;
  std::optional<std::uint16_t> to_port;
};

/// Parses a --connect-to value; throws UsageError if it is not such a rule.
[[nodiscard]] ConnectTo parse_connect_to(std::string_view text);

/// Where a probe of `target` connects: the first --connect-to rule that matches it, else
/// the target itself.
[[nodiscard]] Endpoint connect_endpoint(const Endpoint& target,
                                        const std::vector<ConnectTo>& rules);

/// Checks a --proxy URL, [SCHEME://]HOST[:PORT] with a scheme whose proxy resolves the target's
/// name itself (http, https, socks4a, socks5h); returns its host and port (1080 if none is
/// given, as curl does). Throws UsageError, credentials hidden, if it is not such a URL.
[[nodiscard]] Endpoint check_proxy(const std::string& proxy);

/// True if `host` is reached without the proxy by a --noproxy list: "*", or names whose
/// suffix (at a dot) or whole is `host`.
[[nodiscard]] bool proxy_bypassed(std::string_view host, std::string_view noproxy);

/// The name whose addresses a probe of `target` needs, after the proxy and the --connect-to
/// rules; nullopt if none is needed (an address, or a --resolve entry gives them).
[[nodiscard]] std::optional<Endpoint> name_to_resolve(const Endpoint& target,
                                                      const std::vector<ConnectTo>& rules,
                                                      const std::vector<ResolveEntry>& resolved,
                                                      const std::optional<Endpoint>& proxy,
                                                      std::string_view noproxy);

/// The URLs of a --url-file, one a line (blank lines and lines starting with # skipped), each
/// with what names it in messages ("URL on line 3 of --url-file 'F'"). Throws UsageError if the
/// file cannot be read or holds no URL.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> read_url_file(
    const std::string& path);

/// The addresses a probe of `endpoint` goes to without a look-up, with --each-address: its
/// host's, or a --resolve entry's, of `family`. Throws UsageError if there are none.
[[nodiscard]] std::vector<std::string> given_addresses(const Endpoint& endpoint,
                                                       const std::vector<ResolveEntry>& resolved,
                                                       IpVersion family);

/// The CURLOPT_CONNECT_TO entry that pins a probe of `endpoint` to `address`, its host name
/// (for Host and TLS) and port kept: "HOST:PORT:ADDRESS:PORT", IPv6 addresses in brackets.
[[nodiscard]] std::string connect_to_entry(const Endpoint& endpoint, const std::string& address);

/// Where --metrics-listen serves: an address, and a port.
struct ListenAddress {
  std::string host;  ///< an IPv4 or IPv6 address ("::1", without brackets); "" for every one
  std::uint16_t port = 0;

  bool operator==(const ListenAddress&) const = default;
};

/// Parses "[ADDR:]PORT" ("9115", ":9115", "127.0.0.1:9115", "[::1]:9115"); nullopt if it is not
/// one (a name, a port out of 1-65535, an address that is not one).
[[nodiscard]] std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace upwatch
