#include "upwatch/http_request.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

#include "upwatch/config.hpp"
#include "upwatch/curl_handles.hpp"

namespace upwatch {

namespace {

/// A part of a parsed URL, or "" if it has none.
std::string url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string copy{value};
  curl_free(value);
  return copy;
}

/// True if `c` may be part of a header's name (an RFC 9110 token).
bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

/// True if `header` (a -H value) names `name`, in any case, as libcurl matches it.
bool names(std::string_view header, std::string_view name) {
  return header.size() > name.size() &&
         (header[name.size()] == ':' || header[name.size()] == ';') &&
         std::ranges::equal(header.substr(0, name.size()), name, [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

/// True if what follows a header's ':' is blank: libcurl then sends none of that name.
bool blank_value(std::string_view header) {
  const auto rest = header.substr(header.find(':') + 1);
  return rest.find_first_not_of(" \t") == std::string_view::npos;
}

/// The request libcurl sends for a HEAD of `path` on `authority` with `config`'s -A and -H;
/// nullopt for a -H this builder does not take as libcurl would (it then sends the probes).
std::optional<std::string> head_request(const Config& config, const std::string& path,
                                        const std::string& authority) {
  std::optional<std::string> custom_host;
  bool custom_agent = false;
  bool custom_accept = false;
  bool custom_connection = false;
  for (const std::string& header : config.headers) {
    const auto name_end =
        static_cast<std::size_t>(std::ranges::find_if_not(header, token_char) - header.begin());
    if (name_end == 0 || name_end == header.size()) return std::nullopt;
    const char separator = header[name_end];
    if (separator != ':' && (separator != ';' || header.size() != name_end + 1)) {
      return std::nullopt;
    }
    if (names(header, "Host")) {
      if (separator != ':') return std::nullopt;
      if (!custom_host) custom_host = blank_value(header) ? "" : header;
    }
    custom_agent = custom_agent || names(header, "User-Agent");
    custom_accept = custom_accept || names(header, "Accept");
    custom_connection = custom_connection || names(header, "Connection");
  }
  std::string request = fmt::format("HEAD {} HTTP/1.1\r\n", path);
  if (!custom_host) {
    request += fmt::format("Host: {}\r\n", authority);
  } else if (!custom_host->empty()) {
    request += *custom_host + "\r\n";
  }
  if (!custom_agent && !config.user_agent.empty()) {
    request += fmt::format("User-Agent: {}\r\n", config.user_agent);
  }
  if (!custom_accept) request += "Accept: */*\r\n";
  for (const std::string& header : config.headers) {
    if (names(header, "Host")) continue;
    if (header.back() == ';') {
      request += header.substr(0, header.size() - 1) + ":\r\n";
    } else if (!blank_value(header)) {
      request += header + "\r\n";
    }
  }
  // The connection serves one request: HTTP/1.1 asks such a client to say so (RFC 9112, 9.6),
  // and the server then closes first, keeping the closed connection's TIME_WAIT on its side
  // rather than taking one of the prober's ports for a minute per probe.
  if (!custom_connection) request += "Connection: close\r\n";
  request += "\r\n";
  return request;
}

}  // namespace

std::string format_remote(std::string_view ip, std::string_view port) {
  const bool ipv6 = ip.find(':') != std::string_view::npos;
  std::string remote;
  remote.reserve(ip.size() + port.size() + 3);
  remote += ipv6 ? "[" : "";
  remote += ip;
  remote += ipv6 ? "]:" : ":";
  remote += port;
  return remote;
}

std::optional<sockaddr_storage> socket_address(const std::string& ip, std::uint16_t port) {
  sockaddr_storage address{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return address;
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return address;
  }
  return std::nullopt;
}

std::optional<DirectRoute> direct_route(const Config& config, const std::string& url) {
  if (!config.own_client || config.connections != Connections::fresh || config.method != "HEAD" ||
      !config.data.empty() || !config.user.empty() || config.location ||
      !config.interface.empty() || !config.proxy.empty() ||
      config.http_version == HttpVersion::http2 || !config.resolve.empty() ||
      !config.connect_to.empty()) {
    return std::nullopt;
  }
  UrlHandle parsed{curl_url()};
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      url_part(parsed.get(), CURLUPART_SCHEME) != "http" ||
      !url_part(parsed.get(), CURLUPART_USER).empty() ||
      !url_part(parsed.get(), CURLUPART_ZONEID).empty()) {
    return std::nullopt;
  }
  DirectRoute route;
  const auto host = url_part(parsed.get(), CURLUPART_HOST);
  const auto port = url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  // Names libcurl would convert (IDN) are left to it.
  if (host.empty() || std::ranges::any_of(host, [](char c) { return (c & 0x80) != 0; })) {
    return std::nullopt;
  }
  route.port = static_cast<std::uint16_t>(std::stoi(port));
  route.host = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  route.address = socket_address(route.host, route.port);
  if (route.address) route.remote = format_remote(route.host, port);
  auto path = url_part(parsed.get(), CURLUPART_PATH);
  if (path.empty()) path.push_back('/');
  if (const auto query = url_part(parsed.get(), CURLUPART_QUERY); !query.empty()) {
    path += "?" + query;
  }
  const auto authority = route.port == 80 ? host : fmt::format("{}:{}", host, route.port);
  auto request = head_request(config, path, authority);
  if (!request) return std::nullopt;
  route.request = std::move(*request);
  return route;
}

}  // namespace upwatch
