#pragma once

#include <string>
#include <string_view>

#include "upwatch/core/unique_fd.hpp"

namespace upwatch {

/// A file written whole or not at all (a page, a report): the content goes to a temporary
/// file beside it, which takes its place on commit and is removed otherwise, so that no reader
/// ever sees it half written and a failed run leaves nothing behind. Only a regular file (or
/// none) is replaced so: a symbolic link's target is written, not the link; a device or a FIFO
/// is written in place; a directory is refused.
class ReplacingFile {
 public:
  /// Makes the temporary file, or opens a device or FIFO; throws UsageError if it cannot (no
  /// such directory, no right, a directory, a FIFO nobody reads).
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

  std::string path_;       ///< as the user gave it
  std::string target_;     ///< the regular file it names, links followed; "" if written in place
  std::string temporary_;  ///< beside target_; "" if written in place
  UniqueFd fd_;
  bool committed_ = false;
};

}  // namespace upwatch
