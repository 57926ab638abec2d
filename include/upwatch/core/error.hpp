#pragma once

#include <stdexcept>

namespace upwatch {

/// How upwatch's messages on stderr look (an spdlog pattern): "upwatch: error: ...".
inline constexpr const char* kMessagePattern = "upwatch: %l: %v";

/// An error the user caused (a bad option, an unwritable log): main prints it as one line
/// `upwatch: error: ...` and exits with status 2 before anything is probed.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace upwatch
