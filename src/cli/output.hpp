#pragma once

// What the commands share to write their output.

#include <string_view>

namespace upwatch {

/// Writes `text` to stdout; false, said once on stderr, if it could not be written whole (a
/// full disk, a closed pipe): the caller's exit status then says so too.
[[nodiscard]] bool print(std::string_view text);

}  // namespace upwatch
