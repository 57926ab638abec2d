#include "upwatch/core/small_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "upwatch/core/error.hpp"
#include "upwatch/core/unique_fd.hpp"

namespace upwatch {

std::string read_small_file(const std::string& path, std::string_view what, std::size_t limit,
                            FileContent content) {
  const auto fail = [&](std::string_view why) {
    return UsageError(fmt::format("cannot read {} file '{}': {}", what, path, why));
  };
  const UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (!fd) throw fail(std::strerror(errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) == 0 && S_ISDIR(status.st_mode)) throw fail("a directory");
  std::string text;
  std::array<char, 65536> buffer{};
  while (true) {
    const auto got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw fail(std::strerror(errno));
    if (got == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(got));
    if (text.size() > limit) throw fail(fmt::format("larger than {} bytes", limit));
  }
  if (content == FileContent::text && text.find('\0') != std::string::npos) {
    throw fail("not text (it holds NUL bytes)");
  }
  return text;
}

}  // namespace upwatch
