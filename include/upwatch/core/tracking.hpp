#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/core/probe.hpp"

namespace upwatch {

/// The name under which the --track-body match is tracked.
inline constexpr std::string_view kBodyName = "body";
/// The most bytes of a body --track-body searches; the rest is read and discarded.
inline constexpr std::size_t kMaxTrackedBody = std::size_t{64} * 1024;

/// Checks a --track header name (an HTTP token); returns it in lower case, as HTTP/2 sends
/// it. Throws UsageError.
[[nodiscard]] std::string check_track_name(std::string_view name);
/// Checks a --track-body pattern (ECMAScript, with a capture group). Throws UsageError.
void check_track_body(const std::string& pattern);

/// The value of the header `name` (lower case) among `lines` (a status line, then
/// "Name: value" lines, as the log keeps them), if any: the first, without surrounding blanks.
[[nodiscard]] std::optional<std::string> header_value(const std::vector<std::string>& lines,
                                                      std::string_view name);

/// Adds to `record.tracked` the value of each of `names` it does not carry, from its logged
/// headers: how a report tracks a header in a log written without --track (the bash loop's).
void track_from_headers(ProbeRecord& record, const std::vector<std::string>& names);

/// The names a run with --track `headers` and --track-body `body_pattern` tracks, as its run
/// header records them: the headers, then "body" if the body is searched.
[[nodiscard]] std::vector<std::string> tracked_names(std::vector<std::string> headers,
                                                     const std::string& body_pattern);

/// What a run tracks (--track, --track-body), and the taking of the values from an answer.
class Tracking {
 public:
  /// Tracks the headers `names` (checked, lower case) and, unless `body_pattern` is empty,
  /// the first capture group of `body_pattern` in the body.
  Tracking(std::vector<std::string> names, const std::string& body_pattern);

  /// Whether the body is searched (then at most kMaxTrackedBody bytes of it are kept).
  [[nodiscard]] bool tracks_body() const { return body_pattern_.has_value(); }
  /// The tracked values an answer with these header `lines` and `body` carried.
  [[nodiscard]] std::vector<TrackedValue> values(const std::vector<std::string>& lines,
                                                 std::string_view body) const;

 private:
  std::vector<std::string> headers_;
  std::optional<std::regex> body_pattern_;
};

}  // namespace upwatch
