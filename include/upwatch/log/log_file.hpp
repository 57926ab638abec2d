#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "upwatch/core/unique_fd.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {

/// A log file a run appends to. Each append is one write(2), so a record reaches the file
/// whole the moment it is appended, and a killed process loses nothing appended. The file is
/// locked for the run: a second run on it is refused. A pipe or FIFO is written without
/// blocking: a reader that falls behind loses records rather than holding up the probes. An
/// append that fails is counted; once the file can be written again, a record left torn is
/// ended and a line records what was lost, before anything else.
class LogFile {
 public:
  /// How the log's format writes lost records.
  using LostFormat = std::function<std::string(const LostRecords&)>;

  /// Opens `path` for appending, creating it if there is none, and changes nothing else;
  /// throws UsageError naming the path and the reason on failure (a FIFO nobody reads, a
  /// file another run holds).
  LogFile(std::string path, LostFormat lost_format);

  /// Empties the file (--truncate): to be done once nothing can stop the run from starting.
  void truncate();
  /// Removes the file if this object created it: for a run that stops before it starts.
  void discard_if_created();
  /// Writes `header`, the text that opens the run; false (errno set) if it could not be
  /// written whole. It is written again before anything else is appended if it could not be,
  /// and when the file was emptied under the run (logrotate's copytruncate).
  [[nodiscard]] bool open_run(std::string header);
  /// Appends `text`; false (with errno set) if it could not be written whole.
  [[nodiscard]] bool append(std::string_view text);
  /// True if `path` no longer names the file being written (renamed or deleted: logrotate).
  [[nodiscard]] bool moved() const;
  /// Opens `path` anew (creating it) in place of the file that was moved; throws UsageError as
  /// the constructor does, and then goes on writing the file that was moved.
  void reopen();
  /// What other writers appended to the file since it was last taken (`upwatch mark`'s
  /// lines), at most kMostAppended bytes of it; "" if nothing.
  [[nodiscard]] std::string take_appended();
  /// Records lost since the last append that succeeded, if any.
  [[nodiscard]] const std::optional<LostRecords>& lost() const { return lost_; }

 private:
  /// Writes all of `text`; false (errno set) if it could not, and then notes a torn record.
  bool write_all(std::string_view text);
  /// Writes what must come before the next append: the end of a torn record, the run's header
  /// if it is not in the file, the records lost; false (errno set) if it could not.
  bool catch_up();
  /// Keeps the bytes from end_ to `until`, which another writer appended, and moves end_ there.
  void keep_appended(off_t until);
  /// Opens and locks path_; throws UsageError on failure, leaving the file held so far.
  void open();

  std::string path_;
  LostFormat lost_format_;
  UniqueFd fd_;
  UniqueFd reader_;  ///< the same file, to read what others append; none if not regular
  bool created_ = false;
  bool torn_ = false;  ///< a write stopped part way: the next must first end that record
  std::optional<LostRecords> lost_;
  std::string header_;           ///< the text that opens the run
  bool header_pending_ = false;  ///< the header is not in the file
  bool regular_ = false;         ///< a regular file, whose size tells if it was emptied
  off_t end_ = 0;                ///< its size after the last write, at least
  std::string appended_;         ///< what others appended, not yet taken
};

/// The most bytes LogFile::take_appended keeps between two calls.
inline constexpr std::size_t kMostAppended = std::size_t{64} * 1024;

}  // namespace upwatch
