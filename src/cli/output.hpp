#pragma once

// What the commands share to write their output.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/log/replacing_file.hpp"

namespace upwatch {

/// Writes `text` to stdout; false, said once on stderr, if it could not be written whole (a
/// full disk, a closed pipe): the caller's exit status then says so too.
[[nodiscard]] bool print(std::string_view text);

/// The file that option `option` (--html, --junit) names, to be written whole once known, or
/// none if `path` is empty; throws UsageError if it is one of `logs`, or cannot be made.
[[nodiscard]] std::optional<ReplacingFile> output_file(const std::string& path,
                                                       std::string_view option,
                                                       const std::vector<std::string>& logs);

}  // namespace upwatch
