#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace upwatch {

/// Whether a file read for an option must be text (no NUL byte) or may be any bytes.
enum class FileContent { text, bytes };

/// The whole of the file at `path`, read for `what` (such as "--url-file" or "-d"); throws
/// UsageError naming `what` and `path` if it cannot be read, is a directory, holds more than
/// `limit` bytes (a device such as /dev/zero never ends), or is not text when it must be.
[[nodiscard]] std::string read_small_file(const std::string& path, std::string_view what,
                                          std::size_t limit, FileContent content);

}  // namespace upwatch
