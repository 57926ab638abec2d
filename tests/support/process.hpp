#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace upwatch::testing {

/// A child process started by a test, with its stdout and stderr captured to files.
/// The destructor kills it (by its PID) if it is still running.
class Process {
 public:
  /// Starts `argv[0]` with `argv` in `directory`.
  Process(const std::vector<std::string>& argv, const std::string& directory);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// The child's process ID.
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Sends a signal to the child.
  void signal(int number) const;
  /// Waits up to `limit` for the child to exit; returns its exit status, or -1 on timeout
  /// (the child is then killed). A child killed by a signal gives 128 + the signal number.
  int wait(std::chrono::milliseconds limit);
  /// Everything the child wrote to stdout so far.
  [[nodiscard]] std::string out() const;
  /// Everything the child wrote to stderr so far.
  [[nodiscard]] std::string err() const;

 private:
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
};

/// In a child just forked: restores the default hangup (whatever ran the tests: nohup, CI) and
/// executes `argv`; exits with 127 if it cannot.
[[noreturn]] void exec_child(const std::vector<std::string>& argv);
/// Kills the child `pid` (by its PID) and waits for it.
void kill_child(pid_t pid);

/// The whole content of a file, or "" if it cannot be read.
[[nodiscard]] std::string read_file(const std::string& path);
/// Replaces a file's content.
void write_file(const std::string& path, const std::string& content);
/// A fresh empty directory under the system's temporary directory.
[[nodiscard]] std::string make_temp_dir();
/// Removes a directory tree made by make_temp_dir.
void remove_tree(const std::string& path);
/// A TCP port of 127.0.0.1 that was free a moment ago (the kernel's pick), for a server a test
/// starts and tells where to listen.
[[nodiscard]] std::uint16_t free_port();
/// The body of an HTTP GET of `url` (on loopback), or nullopt if it was not answered 200.
[[nodiscard]] std::optional<std::string> http_get(const std::string& url);
/// Polls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return condition();
}

}  // namespace upwatch::testing
