#include "pseudo_terminal.hpp"

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "process.hpp"

namespace upwatch::testing {

void Screen::write(std::string_view bytes) {
  for (const char byte : bytes) {
    if (!escape_.empty()) {
      escape_ += byte;
      // CSI sequences end with a letter: colours take no room; the cursor goes up (A), and
      // everything from it to the end of the screen is erased (J).
      if (escape_.size() > 2 && byte >= '@' && byte <= '~') {
        const auto count = escape_.size() > 3 ? std::stoul(escape_.substr(2)) : 1UL;
        if (byte == 'A') row_ -= std::min<std::size_t>(count, row_);
        if (byte == 'J') {
          rows_.resize(row_ + 1);
          if (rows_[row_].size() > column_) rows_[row_].resize(column_);
        }
        escape_.clear();
      }
      continue;
    }
    auto& row = rows_[row_];
    if (byte == '\x1b') {
      escape_ = byte;
    } else if (byte == '\r') {
      const auto end = row.find_last_not_of(' ');
      if (end != std::string::npos) overwritten_.push_back(row.substr(0, end + 1));
      column_ = 0;
    } else if (byte == '\n') {
      next_row();
    } else {
      if (column_ == columns_) next_row();
      auto& current = rows_[row_];
      if (current.size() <= column_) current.resize(column_ + 1, ' ');
      current[column_++] = byte;
    }
  }
}

void Screen::next_row() {
  if (++row_ == rows_.size()) rows_.emplace_back();
  column_ = 0;
}

std::vector<std::string> Screen::rows() const {
  std::vector<std::string> trimmed;
  for (const auto& row : rows_) {
    const auto end = row.find_last_not_of(' ');
    trimmed.push_back(end == std::string::npos ? std::string{} : row.substr(0, end + 1));
  }
  return trimmed;
}

PseudoTerminalProcess::PseudoTerminalProcess(const std::vector<std::string>& argv,
                                             const std::string& directory,
                                             const std::map<std::string, std::string>& env,
                                             std::size_t columns)
    : screen_(columns) {
  winsize size{
      .ws_row = 40, .ws_col = static_cast<unsigned short>(columns), .ws_xpixel = 0, .ws_ypixel = 0};
  pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "forkpty");
  if (pid_ == 0) {
    if (::chdir(directory.c_str()) != 0) ::_exit(127);
    for (const auto& [name, value] : env) {
      if (value.empty()) {
        ::unsetenv(name.c_str());
      } else {
        ::setenv(name.c_str(), value.c_str(), 1);
      }
    }
    exec_child(argv);
  }
}

PseudoTerminalProcess::~PseudoTerminalProcess() {
  if (pid_ > 0) kill_child(pid_);
  if (master_ >= 0) ::close(master_);
}

bool PseudoTerminalProcess::read_until(const std::function<bool()>& done,
                                       std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buffer[4096];
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pollfd readable{.fd = master_, .events = POLLIN, .revents = 0};
    if (::poll(&readable, 1, 20) <= 0) continue;
    const auto got = ::read(master_, buffer, sizeof buffer);
    if (got > 0) {
      output_.append(buffer, static_cast<std::size_t>(got));
      screen_.write({buffer, static_cast<std::size_t>(got)});
    } else if (got == 0 || errno != EINTR) {
      return done();  // the child's side is closed: nothing more will come
    }
  }
  return true;
}

void PseudoTerminalProcess::signal(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

int PseudoTerminalProcess::wait(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = -1;
  bool exited = false;
  char buffer[4096];
  while (true) {
    pollfd readable{.fd = master_, .events = POLLIN, .revents = 0};
    const bool more = ::poll(&readable, 1, exited ? 0 : 20) > 0;
    if (more) {
      const auto got = ::read(master_, buffer, sizeof buffer);
      if (got > 0) {
        output_.append(buffer, static_cast<std::size_t>(got));
        screen_.write({buffer, static_cast<std::size_t>(got)});
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (exited) break;  // EIO: the child's side is closed, everything is read
    } else if (exited) {
      break;
    }
    if (!exited) {
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
        pid_ = -1;
        exited = true;
        status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      } else if (std::chrono::steady_clock::now() >= deadline) {
        kill_child(pid_);
        pid_ = -1;
        return -1;
      }
    }
  }
  return status;
}

}  // namespace upwatch::testing
