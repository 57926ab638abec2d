#include "upwatch/log/log_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "upwatch/core/error.hpp"

namespace upwatch {

LogFile::LogFile(std::string path, LostFormat lost_format)
    : path_(std::move(path)), lost_format_(std::move(lost_format)) {
  open();
}

void LogFile::open() {
  // Non-blocking: opening a FIFO nobody reads fails at once (ENXIO) rather than hanging, and
  // writing to a pipe never waits (a regular file ignores the flag).
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK;
  UniqueFd fd{::open(path_.c_str(), kFlags)};
  bool created = false;
  if (!fd && errno == ENOENT) {
    fd = UniqueFd{::open(path_.c_str(), kFlags | O_CREAT | O_EXCL, 0644)};
    created = static_cast<bool>(fd);
  }
  if (!fd) {
    throw UsageError(
        fmt::format("cannot open log file '{}': {}", path_,
                    errno == ENXIO ? "a FIFO that nobody reads" : std::strerror(errno)));
  }
  // One run a file: a device (/dev/null) or a pipe may be shared, and has nothing to mix up.
  struct stat status {};
  const bool regular = ::fstat(fd.get(), &status) == 0 && S_ISREG(status.st_mode);
  if (regular && ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    throw UsageError(fmt::format(
        "log file '{}' is in use by another upwatch run: give this run its own with -o", path_));
  }
  // The same file opened to read what others append to it (upwatch mark): the one written is
  // write-only, so that a FIFO nobody reads is never opened.
  UniqueFd reader;
  if (regular) {
    reader = UniqueFd{::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    struct stat read {};
    if (reader && (::fstat(reader.get(), &read) != 0 || read.st_dev != status.st_dev ||
                   read.st_ino != status.st_ino)) {
      reader.reset();  // the name was given to another file meanwhile
    }
  }
  // Only a file opened whole takes the place of the one written so far.
  fd_ = std::move(fd);
  reader_ = std::move(reader);
  created_ = created;
  regular_ = regular;
  end_ = regular ? status.st_size : 0;
}

bool LogFile::moved() const {
  struct stat named {};
  struct stat open {};
  if (::fstat(fd_.get(), &open) != 0 || !S_ISREG(open.st_mode)) return false;
  return ::stat(path_.c_str(), &named) != 0 || named.st_dev != open.st_dev ||
         named.st_ino != open.st_ino;
}

void LogFile::reopen() {
  open();
  torn_ = false;  // the torn record, if any, is in the file that was moved
  header_pending_ = true;
}

void LogFile::truncate() {
  // A pipe or a terminal cannot be truncated, and has nothing to lose.
  if (::ftruncate(fd_.get(), 0) == 0) end_ = 0;
}

void LogFile::discard_if_created() {
  if (created_) ::unlink(path_.c_str());
}

bool LogFile::write_all(std::string_view text) {
  bool any = false;
  while (!text.empty()) {
    const ssize_t written = ::write(fd_.get(), text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      torn_ = torn_ || any;
      return false;
    }
    any = true;
    // O_APPEND writes after whatever another writer appended since: that comes before this.
    const off_t after = regular_ ? ::lseek(fd_.get(), 0, SEEK_CUR) : -1;
    if (after >= written) keep_appended(after - written);
    end_ += written;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

void LogFile::keep_appended(off_t until) {
  if (reader_ && until > end_ && appended_.size() < kMostAppended) {
    std::string text(std::min<std::size_t>(static_cast<std::size_t>(until - end_),
                                           kMostAppended - appended_.size()),
                     '\0');
    const ssize_t got = ::pread(reader_.get(), text.data(), text.size(), end_);
    if (got > 0) appended_.append(text, 0, static_cast<std::size_t>(got));
  }
  end_ = until;
}

std::string LogFile::take_appended() {
  struct stat status {};
  if (regular_ && ::fstat(fd_.get(), &status) == 0 && status.st_size > end_) {
    keep_appended(status.st_size);
  }
  return std::exchange(appended_, {});
}

bool LogFile::open_run(std::string header) {
  header_ = std::move(header);
  header_pending_ = true;
  return catch_up();
}

bool LogFile::catch_up() {
  struct stat status {};
  if (regular_ && ::fstat(fd_.get(), &status) == 0) {
    if (status.st_size < end_) {
      // Emptied under the run (copytruncate): what was written went with it, the header too.
      torn_ = false;
      header_pending_ = !header_.empty();
    }
    keep_appended(status.st_size);
  }
  if (!torn_ && !header_pending_ && !lost_) return true;
  // A blank line ends the record a failed write left torn (the first ends its last line).
  std::string recovery = torn_ ? "\n\n" : "";
  if (header_pending_) recovery += header_;
  if (lost_) recovery += lost_format_(*lost_);
  // Torn until the recovery is written: a recovery that fails (the disk is still full) must
  // not forget the record it was to end.
  if (!write_all(recovery)) return false;
  torn_ = false;
  header_pending_ = false;
  lost_.reset();
  return true;
}

bool LogFile::append(std::string_view text) {
  const auto lose = [&] {
    const int saved = errno;
    const auto now =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (!lost_) lost_ = LostRecords{.start = now};
    lost_->end = now;
    ++lost_->records;
    errno = saved;
    return false;
  };
  if (!catch_up()) return lose();
  return write_all(text) || lose();
}

}  // namespace upwatch
