#include "upwatch/core/probe.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>

namespace upwatch {

namespace {

constexpr std::array<std::pair<Transport, std::string_view>, 14> kTransportNames{{
    {Transport::refused, "refused"},
    {Transport::reset, "reset"},
    {Transport::timeout, "timeout"},
    {Transport::dns, "dns"},
    {Transport::tls, "tls"},
    {Transport::empty, "empty"},
    {Transport::malformed, "malformed"},
    {Transport::connect, "connect"},
    {Transport::unreachable, "unreachable"},
    {Transport::error, "error"},
    {Transport::skipped, "skipped"},
    {Transport::abandoned, "abandoned"},
    {Transport::exhausted, "exhausted"},
    {Transport::slow, "slow"},
}};

constexpr std::string_view kDefaultSpec = "100-499";

std::optional<int> parse_status(std::string_view text) {
  if (text.size() != 3 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view format_as(Phase phase) {
  static constexpr std::array<std::string_view, kPhaseCount> kNames{"dns", "connect", "tls",
                                                                    "ttfb"};
  return kNames[static_cast<std::size_t>(phase)];
}

std::string format_as(Outcome outcome) {
  if (outcome.transport == Transport::answered) return std::to_string(outcome.status);
  for (const auto& [transport, name] : kTransportNames) {
    if (transport == outcome.transport) return std::string{name};
  }
  return "error";
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  if (const auto status = parse_status(text)) return Outcome::http(*status);
  for (const auto& [transport, name] : kTransportNames) {
    if (name == text) return Outcome::failure(transport);
  }
  return std::nullopt;
}

StatusExpectation::StatusExpectation() : spec_(kDefaultSpec) {
  for (std::size_t status = 100; status < 500; ++status) up_.set(status);
}

std::optional<StatusExpectation> StatusExpectation::parse(std::string_view spec) {
  StatusExpectation result;
  result.up_.reset();
  result.spec_ = std::string{spec};
  if (spec.empty()) return std::nullopt;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (comma != std::string_view::npos && spec.empty()) return std::nullopt;  // trailing comma
    int first = 0;
    int last = 0;
    if (item.size() == 3 && (item[1] == 'x' || item[1] == 'X') && item[2] == item[1] &&
        item[0] >= '1' && item[0] <= '5') {
      first = (item[0] - '0') * 100;
      last = first + 99;
    } else if (const auto dash = item.find('-'); dash != std::string_view::npos) {
      const auto low = parse_status(item.substr(0, dash));
      const auto high = parse_status(item.substr(dash + 1));
      if (!low || !high) return std::nullopt;
      first = *low;
      last = *high;
    } else if (const auto status = parse_status(item)) {
      first = last = *status;
    } else {
      return std::nullopt;
    }
    if (first < 100 || last > 599 || first > last) return std::nullopt;
    for (int status = first; status <= last; ++status) result.up_.set(status);
  }
  return result;
}

Verdict StatusExpectation::judge(Outcome outcome) const {
  if (outcome.transport == Transport::abandoned) return Verdict::abandoned;
  if (outcome.transport == Transport::skipped || outcome.transport == Transport::exhausted) {
    return Verdict::unobserved;  // not sent: upwatch's own shortage, never the service's
  }
  if (outcome.transport != Transport::answered) return Verdict::down;
  const bool up = outcome.status >= 0 && outcome.status < 600 && up_.test(outcome.status);
  return up ? Verdict::up : Verdict::down;
}

StatusExpectation StatusExpectation::slower_than(
    std::optional<std::chrono::microseconds> limit) const {
  auto slower = *this;
  slower.slow_ = limit;
  return slower;
}

Outcome StatusExpectation::classify(Outcome outcome, std::chrono::microseconds total) const {
  if (slow_ && total > *slow_ && judge(outcome) == Verdict::up) {
    return Outcome::failure(Transport::slow);
  }
  return outcome;
}

std::string target_name(std::string_view url, std::string_view part) {
  if (part.empty()) return std::string{url};
  if (part == kFreshConnection || part == kKeptConnection) {
    return fmt::format("{} on {} connections", url, part);
  }
  return fmt::format("{} at {}", url, part);
}

std::string describe_failure(const ProbeRecord& record) {
  const auto& outcome = record.outcome;
  const std::string_view remote = record.remote == "-" ? std::string_view{} : record.remote;
  std::string words;
  if (outcome.transport == Transport::answered) {
    // "HTTP/1.1 502 Bad Gateway": the status and its reason, if the line holds it.
    const std::string_view line = record.lines.empty() ? std::string_view{} : record.lines.front();
    const auto space = line.find(' ');
    words = line.starts_with("HTTP/") && space != std::string_view::npos
                ? std::string{line.substr(space + 1)}
                : std::to_string(outcome.status);
    while (!words.empty() && words.back() == ' ') words.pop_back();
    if (!remote.empty()) words += " from " + std::string{remote};
  } else if (!remote.empty() &&
             (outcome.transport == Transport::refused || outcome.transport == Transport::reset)) {
    words = fmt::format("connection {} by {}", format_as(outcome), remote);
  } else if (!remote.empty() && outcome.transport == Transport::empty) {
    words = fmt::format("{} closed the connection without answering", remote);
  } else {
    // The last line of an unanswered probe says why, in libcurl's words ("curl: (60) SSL
    // certificate problem: ...") or upwatch's ("upwatch: not sent: ...").
    std::string_view why = record.lines.empty() ? std::string_view{} : record.lines.back();
    if (why.starts_with("curl: (") && why.find(") ") != std::string_view::npos) {
      why.remove_prefix(why.find(") ") + 2);
    } else if (why.starts_with("upwatch: ")) {
      why.remove_prefix(std::string_view{"upwatch: "}.size());
    }
    constexpr std::string_view kCertificate = "SSL certificate problem: ";
    words = why.starts_with(kCertificate)
                ? "certificate verify failed: " + std::string{why.substr(kCertificate.size())}
                : std::string{why.empty() ? format_as(outcome) : why};
    if (!remote.empty() && words.find(remote.substr(0, remote.rfind(':'))) == std::string::npos) {
      words += fmt::format(" ({})", remote);
    }
  }
  if (words.size() > kCauseLength) {
    auto cut = kCauseLength - 3;
    while (cut > 0 && (static_cast<unsigned char>(words[cut]) & 0xC0U) == 0x80U) --cut;
    words = words.substr(0, cut) + "...";
  }
  return words;
}

}  // namespace upwatch
