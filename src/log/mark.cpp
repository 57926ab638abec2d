#include "upwatch/log/mark.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "upwatch/core/error.hpp"
#include "upwatch/core/unique_fd.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {

void check_mark_text(std::string_view text) {
  if (text.empty() || text.find_first_not_of(' ') == std::string_view::npos) {
    throw UsageError("a mark needs TEXT, such as 'upwatch mark drained s1'");
  }
  if (text.size() > kMarkLongest) {
    throw UsageError(
        fmt::format("a mark is at most {} bytes; this one has {}", kMarkLongest, text.size()));
  }
  if (std::ranges::any_of(text, [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f;
      })) {
    throw UsageError("a mark is one line of text, without tabs or line breaks");
  }
}

void write_mark(const std::string& path, const Mark& mark) {
  // Never created: a mark belongs in the log of a run, and a misspelt -o is an error.
  // No lock: the run holds one against a second run, not against its own notes.
  const UniqueFd fd{::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC | O_NONBLOCK)};
  if (!fd) {
    throw UsageError(fmt::format("cannot mark log '{}': {}{}", path, std::strerror(errno),
                                 errno == ENOENT ? " (give the run's log with -o)" : ""));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
    throw UsageError(fmt::format("cannot mark log '{}': not a regular file", path));
  }
  // A line of upwatch's text log would be an unreadable line of a JSON Lines log.
  char first = 0;
  if (::pread(fd.get(), &first, 1, 0) == 1 && first == '{') {
    throw UsageError(fmt::format(
        "cannot mark log '{}': a JSON Lines log (--jsonl); mark the run's log (-o)", path));
  }
  // The run holds the log locked while it goes on: a lock had at once means no run would
  // ever report the mark.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
    throw UsageError(
        fmt::format("no run is going on in log '{}': a mark is told by the run that holds the log; "
                    "nothing was written",
                    path));
  }
  const auto line = format_mark(mark);
  const ssize_t written = ::write(fd.get(), line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) {
    throw UsageError(fmt::format("cannot mark log '{}': {}", path,
                                 written < 0 ? std::strerror(errno) : "written in part"));
  }
}

}  // namespace upwatch
