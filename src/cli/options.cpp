#include "upwatch/cli/options.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iterator>
#include <sstream>

#include "upwatch/core/duration.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/core/small_file.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/core/url.hpp"

namespace upwatch {

namespace {

/// The longest -H @FILE read: far more headers than any server takes.
constexpr std::size_t kMaxHeaderFile = std::size_t{1024} * 1024;
/// The longest -d @FILE read: a probe's body, not an upload.
constexpr std::size_t kMaxBody = std::size_t{16} * 1024 * 1024;

}  // namespace

std::string shown(std::string_view text) {
  constexpr std::size_t kLongest = 40;
  if (text.size() <= kLongest) return std::string{text};
  return fmt::format("{}...", text.substr(0, kLongest - 3));
}

std::chrono::nanoseconds positive_duration(const std::string& text, std::string_view what) {
  const auto value = parse_duration(text);
  if (!value || value->count() <= 0) {
    throw UsageError(fmt::format(
        "bad {} '{}': expected a positive number of seconds such as 1 or 0.05, or 250ms, 10m, 1h",
        what, shown(text)));
  }
  if (*value > kLongestDuration) {
    throw UsageError(fmt::format("bad {} '{}': at most {}h (a year)", what, shown(text),
                                 kLongestDuration.count()));
  }
  return *value;
}

std::uint64_t whole_number(const std::string& text, std::string_view what, std::uint64_t low,
                           std::uint64_t high) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      error != std::errc{} || end != text.data() + text.size() || value < low || value > high) {
    throw UsageError(fmt::format("bad {} '{}': expected a whole number from {} to {}", what,
                                 shown(text), low, high));
  }
  return value;
}

namespace {

/// Checks a request header: "Name: value" or curl's "Name;" for an empty one, with a name
/// of token characters, no line break, and not a URL (an option that swallowed the URL).
void check_header(const std::string& header) {
  check_one_line(header, "--header");
  const auto bad = [&](std::string_view why) {
    return UsageError(fmt::format("bad --header '{}': {}", redact_url(header), why));
  };
  if (header.starts_with("http://") || header.starts_with("https://")) {
    throw bad("this is a URL, not a header 'Name: value'");
  }
  const auto end_of_name = header.find_first_of(":;");
  constexpr std::string_view kTokenCharacters =
      "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  if (end_of_name == 0 || end_of_name == std::string::npos ||
      std::string_view{header}.substr(0, end_of_name).find_first_not_of(kTokenCharacters) !=
          std::string_view::npos) {
    throw bad("expected 'Name: value'");
  }
}

}  // namespace

std::vector<std::string> read_headers(const std::vector<std::string>& values) {
  std::vector<std::string> headers;
  for (const auto& value : values) {
    if (!value.starts_with('@')) {
      headers.push_back(value);
      continue;
    }
    std::istringstream in{
        read_small_file(value.substr(1), "--header", kMaxHeaderFile, FileContent::bytes)};
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) headers.push_back(line);
    }
  }
  for (const auto& header : headers) check_header(header);
  return headers;
}

void check_dns_servers(const std::string& servers) {
  std::string_view list = servers;
  while (true) {
    const auto comma = list.find(',');
    auto entry = list.substr(0, comma);
    const auto bracket = entry.find(']');
    const auto colon = entry.rfind(':');
    // "[::1]:53", "127.0.0.1:53": the address ends where the port begins.
    const bool has_port =
        colon != std::string_view::npos &&
        (entry.starts_with('[') ? colon == bracket + 1 : entry.find(':') == colon);
    const auto address = has_port ? entry.substr(0, colon) : entry;
    unsigned port = 53;
    if (has_port) {
      const auto digits = entry.substr(colon + 1);
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (error != std::errc{} || end != digits.data() + digits.size()) port = 0;
    }
    if (!is_ip_address(address) || port == 0 || port > 65535) {
      throw UsageError(fmt::format(
          "bad --dns-servers '{}': expected IP[:PORT],... such as 127.0.0.1:5353 or [::1]:53",
          servers));
    }
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

void check_readable(const std::string& path, std::string_view what) {
  if (::access(path.c_str(), R_OK) != 0) {
    throw UsageError(fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno)));
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the table: two back, one back, this one.
  std::vector<std::size_t> two_back(b.size() + 1);
  std::vector<std::size_t> one_back(b.size() + 1);
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) one_back[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min(
          {one_back[j] + 1, row[j - 1] + 1, one_back[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], two_back[j - 2] + 1);
      }
    }
    std::swap(two_back, one_back);
    std::swap(one_back, row);
  }
  return one_back[b.size()];
}

void check_not_a_command(std::string_view first) {
  if (first == "help") throw UsageError("'help' is not a command; try 'upwatch --help'");
  for (const auto& [command, edits] : {std::pair{"report", 2}, std::pair{"mark", 1}}) {
    if (first != command && edit_distance(first, command) <= static_cast<std::size_t>(edits)) {
      throw UsageError(
          fmt::format("'{}' is not a command: did you mean 'upwatch {}'?", first, command));
    }
  }
}

std::vector<std::string> track_names_of(const std::vector<std::string>& given) {
  std::vector<std::string> names;
  for (const auto& name : given) {
    auto checked = check_track_name(name);
    if (std::ranges::find(names, checked) == names.end()) names.push_back(std::move(checked));
  }
  return names;
}

void check_body(Config& config, const std::string& text, bool method_given) {
  if (text.empty()) return;
  if (text.starts_with('@')) {
    config.data = read_small_file(text.substr(1), "-d", kMaxBody, FileContent::bytes);
  } else {
    config.data = text;
  }
  if (!method_given) config.method = "POST";
  if (config.method == "HEAD") throw UsageError("-d sends a body, which a HEAD request has not");
}

void check_interface(const std::string& interface) {
  in6_addr address{};
  if (if_nametoindex(interface.c_str()) != 0 ||
      inet_pton(AF_INET, interface.c_str(), &address) == 1 ||
      inet_pton(AF_INET6, interface.c_str(), &address) == 1) {
    return;
  }
  throw UsageError(fmt::format(
      "bad --interface '{}': no such network interface on this machine (ip link lists them)",
      interface));
}

namespace {

/// Whether `name` may name a vantage point: 1 to 64 letters, digits, '.', '_', ':' or '-'.
bool valid_vantage(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::ranges::all_of(name, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

}  // namespace

void check_metrics(Config& config, const std::string& linger_text) {
  if (config.vantage.empty()) {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) == 0) config.vantage = host.data();
    if (!valid_vantage(config.vantage)) config.vantage = "unknown";
  } else if (!valid_vantage(config.vantage)) {
    throw UsageError(
        fmt::format("bad --vantage '{}': expected 1 to 64 letters, digits, '.', '_', ':' or '-'",
                    config.vantage));
  }
  if (!config.metrics_listen_text.empty()) {
    config.metrics_listen = parse_listen_address(config.metrics_listen_text);
    if (!config.metrics_listen) {
      throw UsageError(
          fmt::format("bad --metrics-listen '{}': expected [ADDR:]PORT, ADDR an IP address, e.g. "
                      "127.0.0.1:9115 or [::1]:9115",
                      config.metrics_listen_text));
    }
  }
  if (!linger_text.empty()) {
    if (!config.metrics_listen) throw UsageError("--metrics-linger needs --metrics-listen");
    config.metrics_linger = positive_duration(linger_text, "--metrics-linger");
  }
}

}  // namespace upwatch
