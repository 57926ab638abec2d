#include "upwatch/log/replacing_file.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "upwatch/core/error.hpp"

namespace upwatch {

ReplacingFile::ReplacingFile(std::string path)
    : path_(std::move(path)), temporary_(path_ + ".XXXXXX"), fd_(::mkstemp(temporary_.data())) {
  if (!fd_) fail();
}

ReplacingFile::~ReplacingFile() {
  if (!committed_) ::unlink(temporary_.c_str());
}

void ReplacingFile::commit(std::string_view content) {
  while (!content.empty()) {
    const auto written = ::write(fd_.get(), content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) fail();
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  const auto mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_.get(), 0666 & ~mask) != 0 || ::fsync(fd_.get()) != 0) fail();
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) fail();
  committed_ = true;
}

void ReplacingFile::fail() const {
  throw UsageError(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
}

}  // namespace upwatch
