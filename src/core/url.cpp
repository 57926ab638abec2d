#include "upwatch/core/url.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <langinfo.h>
#include <strings.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>

#include "upwatch/core/curl_handles.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/core/small_file.hpp"

namespace upwatch {

namespace {

/// The longest --url-file read: 1,000 URLs of 4 KiB.
constexpr std::size_t kMaxUrlFile = std::size_t{4} * 1024 * 1024;

/// A libcurl string part of `handle`, or nullopt.
std::optional<std::string> url_part(CURLU* handle, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(handle, part, &text, flags) != CURLUE_OK) return std::nullopt;
  const CurlString owned{text};
  return std::string{owned.get()};
}

/// A port number from 1 to 65535, or nullopt.
std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

/// Splits `text` at its colons, except inside [brackets] (an IPv6 address); nullopt if a
/// bracket is not closed.
std::optional<std::vector<std::string_view>> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  bool bracketed = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') bracketed = true;
    if (text[i] == ']') bracketed = false;
    if (text[i] == ':' && !bracketed) {
      fields.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (bracketed) return std::nullopt;
  fields.push_back(text.substr(start));
  return fields;
}

/// A host field without the brackets of an IPv6 address.
std::string_view unbracket(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

/// A host field of --resolve or --connect-to: a name or an address, without spaces.
bool plausible_host(std::string_view host) {
  return !host.empty() && host.find_first_of(" /?#@") == std::string_view::npos &&
         (host.front() != '[' || is_ip_address(host));
}

}  // namespace

void check_one_line(std::string_view value, std::string_view what) {
  const auto at = value.find_first_of(std::string_view{"\r\n\0", 3});
  if (at == std::string_view::npos) return;
  const auto name = [](char c) { return c == '\r' ? "CR" : c == '\n' ? "LF" : "NUL"; };
  throw UsageError(
      fmt::format("bad {}: it holds a {} (byte {}), which would end a line of the "
                  "request early and send what follows as more of it",
                  what, name(value[at]), at + 1));
}

UrlParts check_url(const std::string& url, std::string_view what) {
  if (url.size() > kMaxUrlLength) {
    // Every line of the log names the URL: it must fit a line a reader keeps whole.
    throw UsageError(fmt::format("{} is {} bytes long; upwatch takes URLs of at most {}", what,
                                 url.size(), kMaxUrlLength));
  }
  check_one_line(url, what);
  const auto bad = [&](std::string_view why) {
    return UsageError(fmt::format("bad {} '{}': {}", what, redact_url(url), why));
  };
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    throw bad(fmt::format("no scheme: write http://{0} or https://{0}", redact_url(url)));
  }
  // libcurl reads "http:///health" as the host "health": a host left out is an error here.
  if (url.compare(scheme_end + 3, 1, "/") == 0) throw bad("no host");
  UrlHandle handle{curl_url()};
  if (!handle) throw std::bad_alloc();
  if (const auto code =
          curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
      code != CURLUE_OK) {
    throw bad(curl_url_strerror(code));
  }
  UrlParts parts;
  parts.scheme = url_part(handle.get(), CURLUPART_SCHEME).value_or("");
  if (parts.scheme != "http" && parts.scheme != "https") {
    throw bad(fmt::format("scheme '{}' is not supported, use http or https", parts.scheme));
  }
  const auto host = url_part(handle.get(), CURLUPART_HOST);
  if (!host || host->empty()) throw bad("no host");
  // An international name is given to libcurl in punycode, converted from the user's locale,
  // which must be UTF-8 (libcurl 7.88 leaks what a failed conversion allocated: not asked).
  const bool ascii = std::ranges::all_of(*host, [](char c) { return (c & 0x80) == 0; });
  const auto ascii_host = ascii ? host
                          : std::string_view{nl_langinfo(CODESET)} == "UTF-8"
                              ? url_part(handle.get(), CURLUPART_HOST, CURLU_PUNYCODE)
                              : std::nullopt;
  if (!ascii_host) {
    throw bad(
        fmt::format("libcurl cannot convert the international host name '{}' here: "
                    "write it in punycode (xn--...)",
                    *host));
  }
  const auto port =
      parse_port(url_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or(""));
  if (!port) throw bad("the port must be from 1 to 65535");
  if (*ascii_host != *host &&
      curl_url_set(handle.get(), CURLUPART_HOST, ascii_host->c_str(), 0) != CURLUE_OK) {
    throw bad("the host cannot be used");
  }
  parts.endpoint = {std::string{unbracket(*ascii_host)}, *port};
  parts.url = url_part(handle.get(), CURLUPART_URL).value_or(url);
  return parts;
}

std::string redact_url(const std::string& url) {
  UrlHandle handle{curl_url()};
  if (handle && curl_url_set(handle.get(), CURLUPART_URL, url.c_str(),
                             CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    const bool has_user = url_part(handle.get(), CURLUPART_USER).has_value();
    const bool has_password = url_part(handle.get(), CURLUPART_PASSWORD).has_value();
    if (!has_user && !has_password) return url;
    if (curl_url_set(handle.get(), CURLUPART_USER, "***", 0) == CURLUE_OK &&
        curl_url_set(handle.get(), CURLUPART_PASSWORD, nullptr, 0) == CURLUE_OK) {
      if (auto redacted = url_part(handle.get(), CURLUPART_URL)) return *redacted;
    }
  }
  // Not a URL libcurl reads: hide whatever stands between "//" and an "@" in the authority.
  const auto authority = url.find("//");
  const auto start = authority == std::string::npos ? 0 : authority + 2;
  const auto end = url.find_first_of("/?#", start);
  const auto at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + "***" + url.substr(at);
}

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

bool is_ip_address(std::string_view host) {
  const std::string text{unbracket(host)};
  std::array<unsigned char, 16> address{};
  return inet_pton(AF_INET, text.c_str(), address.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), address.data()) == 1;
}

ResolveEntry parse_resolve(std::string_view text) {
  const auto bad = [&] {
    return UsageError(fmt::format(
        "bad --resolve '{}': expected HOST:PORT:ADDR[,ADDR]... with numeric addresses", text));
  };
  const auto fields = split_fields(text);
  if (!fields || fields->size() < 3) throw bad();
  const auto host = (*fields)[0];
  const auto port = parse_port((*fields)[1]);
  // The address list is the rest of the text: IPv6 addresses may be written without brackets.
  const auto list_start = host.size() + (*fields)[1].size() + 2;
  if (!plausible_host(host) || !port || list_start >= text.size()) throw bad();
  ResolveEntry entry{.endpoint = {std::string{unbracket(host)}, *port}};
  std::string_view list = text.substr(list_start);
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto address = list.substr(0, comma);
    if (!is_ip_address(address)) throw bad();
    entry.addresses.emplace_back(unbracket(address));
    if (comma == std::string_view::npos) break;
    list = list.substr(comma + 1);
    if (list.empty()) throw bad();  // a trailing comma
  }
  return entry;
}

ConnectTo parse_connect_to(std::string_view text) {
  const auto bad = [&] {
    return UsageError(fmt::format(
        "bad --connect-to '{}': expected HOST1:PORT1:HOST2:PORT2 (an empty field matches any, "
        "or keeps the URL's)",
        text));
  };
  const auto fields = split_fields(text);
  if (!fields || fields->size() != 4) throw bad();
  ConnectTo rule;
  const auto port = [&](std::string_view field) -> std::optional<std::uint16_t> {
    if (field.empty()) return std::nullopt;
    if (const auto value = parse_port(field)) return value;
    throw bad();
  };
  for (const auto index : {0, 2}) {
    const auto host = (*fields)[static_cast<std::size_t>(index)];
    if (!host.empty() && !plausible_host(host)) throw bad();
  }
  rule.from_host = std::string{unbracket((*fields)[0])};
  rule.from_port = port((*fields)[1]);
  rule.to_host = std::string{unbracket((*fields)[2])};
  rule.to_port = port((*fields)[3]);
  if (rule.to_host.empty() && !rule.to_port) throw bad();
  return rule;
}

Endpoint connect_endpoint(const Endpoint& target, const std::vector<ConnectTo>& rules) {
  for (const auto& rule : rules) {
    const bool host_matches = rule.from_host.empty() || rule.from_host == target.host;
    const bool port_matches = !rule.from_port || rule.from_port == target.port;
    if (host_matches && port_matches) {
      return {rule.to_host.empty() ? target.host : rule.to_host,
              rule.to_port.value_or(target.port)};
    }
  }
  return target;
}

Endpoint check_proxy(const std::string& proxy) {
  const auto bad = [&](std::string_view why) {
    return UsageError(fmt::format("bad --proxy '{}': {}", redact_url(proxy), why));
  };
  UrlHandle handle{curl_url()};
  if (!handle) throw std::bad_alloc();
  if (curl_url_set(handle.get(), CURLUPART_URL, proxy.c_str(),
                   CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    throw bad("expected [SCHEME://]HOST[:PORT]");
  }
  // Proxies that resolve the target's name themselves: upwatch never waits on a resolver.
  constexpr std::array<std::string_view, 4> kSchemes{"http", "https", "socks4a", "socks5h"};
  if (std::ranges::find(kSchemes, url_part(handle.get(), CURLUPART_SCHEME).value_or("")) ==
      kSchemes.end()) {
    throw bad("the scheme must be http, https, socks4a or socks5h");
  }
  const auto host = url_part(handle.get(), CURLUPART_HOST).value_or("");
  if (host.empty()) throw bad("no host");
  const auto port = parse_port(url_part(handle.get(), CURLUPART_PORT).value_or("1080"));
  if (!port) throw bad("the port must be from 1 to 65535");
  return {std::string{unbracket(host)}, *port};
}

bool proxy_bypassed(std::string_view host, std::string_view noproxy) {
  while (!noproxy.empty()) {
    const auto comma = noproxy.find(',');
    auto entry = noproxy.substr(0, comma);
    noproxy = comma == std::string_view::npos ? std::string_view{} : noproxy.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry == "*") return true;
    if (entry.starts_with('.')) entry.remove_prefix(1);
    if (entry.empty()) continue;
    if (host == entry || (host.size() > entry.size() && host.ends_with(entry) &&
                          host[host.size() - entry.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

std::optional<Endpoint> name_to_resolve(const Endpoint& target, const std::vector<ConnectTo>& rules,
                                        const std::vector<ResolveEntry>& resolved,
                                        const std::optional<Endpoint>& proxy,
                                        std::string_view noproxy) {
  const auto where =
      proxy && !proxy_bypassed(target.host, noproxy) ? *proxy : connect_endpoint(target, rules);
  if (is_ip_address(where.host)) return std::nullopt;
  const bool given = std::ranges::any_of(resolved, [&](const ResolveEntry& entry) {
    return entry.endpoint.port == where.port &&
           strcasecmp(entry.endpoint.host.c_str(), where.host.c_str()) == 0;
  });
  if (given) return std::nullopt;
  return where;
}

std::vector<std::pair<std::string, std::string>> read_url_file(const std::string& path) {
  std::istringstream in{read_small_file(path, "--url-file", kMaxUrlFile, FileContent::text)};
  std::vector<std::pair<std::string, std::string>> urls;  // URL, what it is for messages
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    urls.emplace_back(line.substr(first, last - first + 1),
                      fmt::format("URL on line {} of --url-file '{}'", number, path));
  }
  if (urls.empty()) throw UsageError(fmt::format("--url-file '{}' holds no URL", path));
  return urls;
}

std::vector<std::string> given_addresses(const Endpoint& endpoint,
                                         const std::vector<ResolveEntry>& resolved,
                                         IpVersion family) {
  std::vector<std::string> addresses{endpoint.host};
  for (const auto& entry : resolved) {
    if (entry.endpoint.port == endpoint.port &&
        strcasecmp(entry.endpoint.host.c_str(), endpoint.host.c_str()) == 0) {
      addresses = entry.addresses;
      break;
    }
  }
  std::erase_if(addresses, [&](const std::string& address) {
    const bool ipv6 = address.find(':') != std::string::npos;
    return (family == IpVersion::v4 && ipv6) || (family == IpVersion::v6 && !ipv6);
  });
  if (addresses.empty()) {
    throw UsageError(fmt::format("--each-address: {}:{} has no address of the family asked for",
                                 endpoint.host, endpoint.port));
  }
  return addresses;
}

std::string connect_to_entry(const Endpoint& endpoint, const std::string& address) {
  const auto bracketed = [](const std::string& host) {
    return host.find(':') == std::string::npos ? host : "[" + host + "]";
  };
  return fmt::format("{}:{}:{}:{}", bracketed(endpoint.host), endpoint.port, bracketed(address),
                     endpoint.port);
}

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress where;
  std::string_view port = text;
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    auto host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.starts_with('[') && host.ends_with(']')) {
      host = host.substr(1, host.size() - 2);
      in6_addr address{};
      if (inet_pton(AF_INET6, std::string{host}.c_str(), &address) != 1) return std::nullopt;
    } else if (!host.empty()) {
      in_addr address{};
      if (inet_pton(AF_INET, std::string{host}.c_str(), &address) != 1) return std::nullopt;
    }
    where.host = std::string{host};
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  where.port = static_cast<std::uint16_t>(value);
  return where;
}

}  // namespace upwatch
