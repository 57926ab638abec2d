#pragma once

#include <string>
#include <string_view>

#include "upwatch/core/unique_fd.hpp"

namespace upwatch {

/// A file written whole or not at all (a page, a report): the content goes to a temporary
/// file beside it, which takes its place on commit and is removed otherwise, so that no reader
/// ever sees it half written and a failed run leaves nothing behind.
class ReplacingFile {
 public:
  /// Makes the temporary file; throws UsageError if it cannot (no such directory, no right).
  explicit ReplacingFile(std::string path);
  /// Removes the temporary file unless it was committed.
  ~ReplacingFile();
  ReplacingFile(const ReplacingFile&) = delete;
  ReplacingFile& operator=(const ReplacingFile&) = delete;

  /// Writes `content` as the whole file and puts it in place of `path`, with the permissions
  /// of a new file (0666 less the umask); throws UsageError if it cannot.
  void commit(std::string_view content);

 private:
  [[noreturn]] void fail() const;

  std::string path_;
  std::string temporary_;
  UniqueFd fd_;
  bool committed_ = false;
};

}  // namespace upwatch
