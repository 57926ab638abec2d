#pragma once

#include <unistd.h>

#include <utility>

namespace upwatch {

/// Owns a file descriptor and closes it; -1 holds none.
class UniqueFd {
 public:
  UniqueFd() = default;
  /// Takes ownership of `fd` (may be -1).
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  /// The descriptor, or -1.
  [[nodiscard]] int get() const { return fd_; }
  /// True if it holds a descriptor.
  explicit operator bool() const { return fd_ >= 0; }
  /// Gives the descriptor up to the caller, who is to close it; -1 if none.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }
  /// Closes the descriptor held, if any.
  void reset() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

}  // namespace upwatch
