#include "upwatch/core/tracking.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "upwatch/core/error.hpp"

namespace upwatch {

namespace {

/// The characters of an HTTP token (RFC 9110 tchar).
bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::regex compile(const std::string& pattern) {
  try {
    return std::regex{pattern, std::regex::ECMAScript};
  } catch (const std::regex_error& error) {
    throw UsageError(fmt::format("bad --track-body '{}': {}", pattern, error.what()));
  }
}

}  // namespace

std::string check_track_name(std::string_view name) {
  if (name.empty() || !std::ranges::all_of(name, is_token_char)) {
    throw UsageError(fmt::format(
        "bad --track '{}': expected a header name such as x-app-version or etag", name));
  }
  std::string lowered{name};
  std::ranges::transform(lowered, lowered.begin(), lower);
  if (lowered == kBodyName) {
    throw UsageError("bad --track 'body': that name stands for the --track-body match");
  }
  return lowered;
}

void check_track_body(const std::string& pattern) {
  if (compile(pattern).mark_count() < 1) {
    throw UsageError(fmt::format(
        "bad --track-body '{}': it needs a capture group, e.g. \"version\":\"([^\"]+)\"", pattern));
  }
}

std::optional<std::string> header_value(const std::vector<std::string>& lines,
                                        std::string_view name) {
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const auto colon = line.find(':');
    if (colon != name.size() || !std::ranges::equal(line.substr(0, colon), name,
                                                    [](char a, char b) { return lower(a) == b; })) {
      continue;
    }
    const auto begin = line.find_first_not_of(" \t", colon + 1);
    if (begin == std::string_view::npos) return std::string{};
    const auto end = line.find_last_not_of(" \t");
    return std::string{line.substr(begin, end + 1 - begin)};
  }
  return std::nullopt;
}

void track_from_headers(ProbeRecord& record, const std::vector<std::string>& names) {
  if (record.outcome.transport != Transport::answered) return;
  for (const auto& name : names) {
    if (name == kBodyName || std::ranges::any_of(record.tracked, [&](const TrackedValue& each) {
          return each.name == name;
        })) {
      continue;
    }
    if (auto value = header_value(record.lines, name)) {
      record.tracked.push_back({name, std::move(*value)});
    }
  }
}

Tracking::Tracking(std::vector<std::string> names, const std::string& body_pattern)
    : headers_(std::move(names)) {
  if (!body_pattern.empty()) body_pattern_ = compile(body_pattern);
}

std::vector<std::string> tracked_names(std::vector<std::string> headers,
                                       const std::string& body_pattern) {
  if (!body_pattern.empty()) headers.emplace_back(kBodyName);
  return headers;
}

std::vector<TrackedValue> Tracking::values(const std::vector<std::string>& lines,
                                           std::string_view body) const {
  std::vector<TrackedValue> values;
  for (const auto& name : headers_) {
    if (auto value = header_value(lines, name)) values.push_back({name, std::move(*value)});
  }
  if (body_pattern_) {
    std::match_results<std::string_view::const_iterator> match;
    if (std::regex_search(body.begin(), body.end(), match, *body_pattern_) && match[1].matched) {
      values.push_back({std::string{kBodyName}, match[1].str()});
    }
  }
  return values;
}

}  // namespace upwatch
