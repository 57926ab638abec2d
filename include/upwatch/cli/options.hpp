#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/url.hpp"

namespace upwatch {

// The checks of option values: each returns the value understood or throws UsageError with a
// one-line message naming the option.

/// `text` as a message shows it: whole if short, else its start and "...", so that a 300-digit
/// number does not fill the terminal.
[[nodiscard]] std::string shown(std::string_view text);

/// A duration from 1 ns to a year: seconds (0.05), or with a unit (250ms, 10m, 1h).
[[nodiscard]] std::chrono::nanoseconds positive_duration(const std::string& text,
                                                         std::string_view what);

/// A whole number from `low` to `high`, digits only (no sign, no octal or hex).
[[nodiscard]] std::uint64_t whole_number(const std::string& text, std::string_view what,
                                         std::uint64_t low, std::uint64_t high);

/// The headers of -H: each value as it is, or the lines of FILE for "@FILE" (as curl reads
/// them), each "Name: value" or curl's "Name;" for an empty one.
[[nodiscard]] std::vector<std::string> read_headers(const std::vector<std::string>& values);

/// Checks a --dns-servers list: IP[:PORT] entries, an IPv6 address with a port in brackets.
void check_dns_servers(const std::string& servers);

/// Checks that the file `path` given for `what` can be read.
void check_readable(const std::string& path, std::string_view what);

/// The edits (insertions, deletions, changes of one letter, swaps of two neighbours) that make
/// `a` into `b`.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// Throws UsageError if `first`, the first argument, is a command misspelt ("reprot", "makr") or
/// one upwatch does not have ("help"), rather than letting it be taken for a URL.
void check_not_a_command(std::string_view first);

/// The --track names checked, lower case, each once.
[[nodiscard]] std::vector<std::string> track_names_of(const std::vector<std::string>& given);

/// Takes -d's `text` (or the file it names with @FILE) as the body of `config`'s requests,
/// which are POSTs unless -X was `method_given`; throws UsageError for a HEAD with a body.
void check_body(Config& config, const std::string& text, bool method_given);

/// Throws UsageError unless `interface` names a network interface of this machine or is an IP
/// address.
void check_interface(const std::string& interface);

/// Checks --vantage (the host name if not given) and the metrics options of `config`, with
/// --metrics-linger given as `linger_text`.
void check_metrics(Config& config, const std::string& linger_text);

}  // namespace upwatch
