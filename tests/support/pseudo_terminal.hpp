#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace upwatch::testing {

/// What a terminal of `columns` shows of the text written to it: printable characters at the
/// cursor, carriage return, newline and wrapping at the last column; SGR colour sequences
/// take no room; the cursor moves up (CSI A) and the screen is erased below it (CSI J). Keeps
/// every row ever written (no scrolling off) and, each time a row is overwritten from its start
/// (a carriage return), what the row showed just before.
class Screen {
 public:
  explicit Screen(std::size_t columns) : columns_(columns) {}
  /// Takes what was written to the terminal.
  void write(std::string_view bytes);
  /// Every row, top to bottom, without trailing blanks.
  [[nodiscard]] std::vector<std::string> rows() const;
  /// What rows showed each time they were overwritten from their start, in order.
  [[nodiscard]] const std::vector<std::string>& overwritten() const { return overwritten_; }

 private:
  /// Moves the cursor to the start of the next row, adding one at the bottom.
  void next_row();

  std::size_t columns_;
  std::vector<std::string> rows_{std::string{}};
  std::size_t row_ = 0;  ///< the cursor's row
  std::size_t column_ = 0;
  std::vector<std::string> overwritten_;
  std::string escape_;  ///< an escape sequence being read
};

/// A child process on a pseudo-terminal of `columns` x 40, as a person would run it: stdin,
/// stdout and stderr are the terminal. The destructor kills it (by its PID) if it still runs.
class PseudoTerminalProcess {
 public:
  /// Starts `argv[0]` with `argv` in `directory`, with the environment changed by `env`
  /// (a value of "" removes the variable).
  PseudoTerminalProcess(const std::vector<std::string>& argv, const std::string& directory,
                        const std::map<std::string, std::string>& env, std::size_t columns);
  ~PseudoTerminalProcess();
  PseudoTerminalProcess(const PseudoTerminalProcess&) = delete;
  PseudoTerminalProcess& operator=(const PseudoTerminalProcess&) = delete;

  /// Reads what the child writes until it exits (up to `limit`, then it is killed); returns
  /// its exit status, or -1 on timeout.
  int wait(std::chrono::milliseconds limit);
  /// Reads what the child writes until `done` holds (checked every 20 ms at most) or `limit`
  /// has passed; returns whether it held.
  bool read_until(const std::function<bool()>& done, std::chrono::milliseconds limit);
  /// Sends `signal` to the child (by its PID), if it still runs.
  void signal(int signal) const;
  /// Everything the child wrote, as bytes.
  [[nodiscard]] const std::string& output() const { return output_; }
  /// The terminal's screen.
  [[nodiscard]] const Screen& screen() const { return screen_; }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
  Screen screen_;
};

}  // namespace upwatch::testing
