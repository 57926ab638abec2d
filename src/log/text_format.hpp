#pragma once

// The text log's format as its writer and its reader share it: the marker lines that tell
// upwatch's lines apart, and the parsing of each. Private to the log library.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/log/probe_log.hpp"

namespace upwatch::text_format {

inline constexpr std::string_view kRunMarker = "# upwatch ";
inline constexpr std::string_view kRecordMarker = "* ";
inline constexpr std::string_view kSummaryStart = "START: ";
inline constexpr std::string_view kEndMarker = "# upwatch end ";
inline constexpr std::string_view kGapMarker = "# upwatch gap ";
inline constexpr std::string_view kLostMarker = "# upwatch lost ";
inline constexpr std::string_view kTargetMarker = "# upwatch target ";
inline constexpr std::string_view kAddressesMarker = "# upwatch addresses ";
inline constexpr std::string_view kMarkMarker = "# upwatch mark time=";
inline constexpr std::string_view kEachAddressWord = "each-address";
/// The run header's word for --connections both.
inline constexpr std::string_view kBothConnectionsWord = "connections=both";
inline constexpr std::string_view kControlWord = "control";
inline constexpr std::string_view kTrackPrefix = " track:";

/// Splits off the text up to the first space; `rest` keeps what follows the space.
std::string_view next_word(std::string_view& rest);

/// The value of `key=value`, or nullopt if `word` is not that key.
[[nodiscard]] std::optional<std::string_view> value_of(std::string_view word, std::string_view key);

/// The items of a comma-separated list.
[[nodiscard]] std::vector<std::string> split_commas(std::string_view list);

/// Takes a trailing " run=ID" off `line`; returns the ID, or "" if there is none.
std::string_view take_run_id(std::string_view& line);

/// The run header of a `# upwatch VERSION run ...` line; nullopt if it is not one.
[[nodiscard]] std::optional<RunHeader> parse_run_header(std::string_view line);

/// Reads one of the words after a record's REMOTE into `record`: a phase, a tracked value or
/// the word control; false if it is none of them.
[[nodiscard]] bool parse_record_word(std::string_view word, ProbeRecord& record);

/// The record of a `* TIME #N OUTCOME TOTAL REMOTE ...` line (its run id taken off), without
/// its head lines; nullopt if it is not one.
[[nodiscard]] std::optional<ProbeRecord> parse_record_line(std::string_view line);

/// A number of `key=N`, or nullopt.
[[nodiscard]] std::optional<std::uint64_t> number_of(std::string_view word, std::string_view key);

/// The gap of a `# upwatch gap ...` line (its run id taken off); nullopt if it is not one.
[[nodiscard]] std::optional<Gap> parse_gap_line(std::string_view line);

/// The set of a `# upwatch addresses ...` line (its run id taken off); nullopt if not one.
[[nodiscard]] std::optional<AddressSet> parse_addresses_line(std::string_view line);

/// What a `# upwatch lost ...` line (its run id taken off) says was lost; nullopt if not one.
[[nodiscard]] std::optional<LostRecords> parse_lost_line(std::string_view line);

}  // namespace upwatch::text_format
