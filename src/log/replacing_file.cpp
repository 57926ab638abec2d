#include "upwatch/log/replacing_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "upwatch/core/error.hpp"

namespace upwatch {

namespace {

/// The most symbolic links followed to find the file a path names, as the kernel does.
constexpr int kMaxLinks = 40;

/// The path that `path` names once its symbolic links are followed (the target of a link to
/// nothing yet too); `path` itself if it is no link. Throws UsageError for a loop.
std::string follow_links(std::string path) {
  for (int links = 0; links < kMaxLinks; ++links) {
    std::error_code error;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(path, error))) return path;
    const auto target = std::filesystem::read_symlink(path, error);
    if (error) break;
    path = (target.is_absolute() ? target : std::filesystem::path{path}.parent_path() / target)
               .string();
  }
  throw UsageError(fmt::format("cannot write '{}': too many symbolic links", path));
}

}  // namespace

ReplacingFile::ReplacingFile(std::string path) : path_(std::move(path)) {
  const auto target = follow_links(path_);
  struct stat status {};
  if (::stat(target.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) {
    if (S_ISDIR(status.st_mode)) {
      throw UsageError(fmt::format("cannot write '{}': a directory", path_));
    }
    // A device or a FIFO is written in place: renaming a file over it would destroy it.
    fd_ = UniqueFd{::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK)};
    if (!fd_) fail();
    const int flags = ::fcntl(fd_.get(), F_GETFL);
    static_cast<void>(::fcntl(fd_.get(), F_SETFL, flags & ~O_NONBLOCK));
    return;
  }
  // A regular file, or none yet: the content goes beside it, and takes its place whole.
  target_ = target;
  temporary_ = target + ".XXXXXX";
  fd_ = UniqueFd{::mkstemp(temporary_.data())};
  if (!fd_) fail();
}

ReplacingFile::~ReplacingFile() {
  if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

void ReplacingFile::commit(std::string_view content) {
  while (!content.empty()) {
    const auto written = ::write(fd_.get(), content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) fail();
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  if (temporary_.empty()) {
    committed_ = true;
    return;
  }
  const auto mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_.get(), 0666 & ~mask) != 0 || ::fsync(fd_.get()) != 0) fail();
  if (::rename(temporary_.c_str(), target_.c_str()) != 0) fail();
  committed_ = true;
}

void ReplacingFile::fail() const {
  throw UsageError(fmt::format("cannot write '{}': {}", path_,
                               errno == ENXIO ? "a FIFO that nobody reads" : std::strerror(errno)));
}

}  // namespace upwatch
