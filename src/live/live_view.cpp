#include "upwatch/live/live_view.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "upwatch/core/error.hpp"

namespace upwatch {

namespace {

/// The most a stalled terminal is owed; event lines beyond it are dropped (the log and the
/// summary have them all).
constexpr std::size_t kMostPending = std::size_t{256} * 1024;

/// Hands upwatch's messages to the live view, so that they appear above its status line.
class ViewSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit ViewSink(LiveView& view) : view_(view) { set_pattern(kMessagePattern); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::string_view text{formatted.data(), formatted.size()};
    while (text.ends_with('\n') || text.ends_with('\r')) text.remove_suffix(1);
    view_.print_line({std::string{text}, text.size()});
  }
  void flush_() override {}

 private:
  LiveView& view_;
};

/// stderr for the view: a terminal or pipe opened anew, non-blocking (its own open file, so
/// the shell's stays as it was); anything else (a file: reopening it would lose its append
/// mode) as it is.
UniqueFd open_view_output() {
  struct stat status {};
  if (fstat(STDERR_FILENO, &status) == 0 && (S_ISCHR(status.st_mode) || S_ISFIFO(status.st_mode))) {
    UniqueFd reopened{::open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (reopened) return reopened;
  }
  return UniqueFd{::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)};
}

}  // namespace

bool live_view_wanted(LiveMode mode, bool quiet, bool on_terminal) {
  if (quiet) return false;
  switch (mode) {
    case LiveMode::on:
      return true;
    case LiveMode::off:
      return false;
    case LiveMode::automatic:
      return on_terminal;
  }
  return false;
}

Colour colour_wanted(bool on_terminal, const char* no_color, const char* term) {
  const bool no_colour_asked = no_color != nullptr && *no_color != '\0';
  const bool dumb = term != nullptr && std::string_view{term} == "dumb";
  return on_terminal && !no_colour_asked && !dumb ? Colour::ansi : Colour::none;
}

LiveView::LiveView(WallTime start, std::chrono::nanoseconds interval, Colour colour)
    : status_(start, interval, colour), fd_(open_view_output()) {
  auto& sinks = spdlog::default_logger_raw()->sinks();
  saved_sinks_ = sinks;
  sinks = {std::make_shared<ViewSink>(*this)};
}

LiveView::~LiveView() {
  for (const auto& event : status_.take_events()) print_line(event);
  erase();
  drain(std::chrono::seconds{1});
  spdlog::default_logger_raw()->sinks() = std::move(saved_sinks_);
}

void LiveView::refresh(WallTime now, std::uint64_t sent) {
  for (const auto& event : status_.take_events()) print_line(event);
  if (!pending_.empty()) return;  // the terminal has not taken the last one: skip this one
  // The last column is left free: writing there makes some terminals wrap.
  const auto line = status_.status(now, sent, columns() - 1);
  write(overwrite(line));
  drawn_ = line.width;
}

void LiveView::print_line(const ScreenText& line) {
  if (pending_.size() > kMostPending) return;
  write(overwrite(line) + '\n');
  drawn_ = 0;
}

std::string LiveView::overwrite(const ScreenText& line) const {
  std::string text = "\r" + line.text;
  if (drawn_ > line.width) text.append(drawn_ - line.width, ' ');
  return text;
}

void LiveView::erase() {
  if (drawn_ == 0) return;
  std::string text = "\r";
  text.append(drawn_ + 2, ' ');  // and the "^C" the terminal may have echoed after it
  text += '\r';
  drawn_ = 0;
  write(text);
}

void LiveView::write(std::string_view text) {
  pending_ += text;
  drain(std::chrono::milliseconds{0});
}

void LiveView::drain(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pending_.empty() && fd_) {
    const auto written = ::write(fd_.get(), pending_.data(), pending_.size());
    if (written > 0) {
      pending_.erase(0, static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno != EAGAIN) {
      pending_.clear();  // the terminal is gone: nobody is watching
      return;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd writable{.fd = fd_.get(), .events = POLLOUT, .revents = 0};
    ::poll(&writable, 1, static_cast<int>(left.count()));
  }
}

std::size_t LiveView::columns() const {
  winsize size{};
  if (::ioctl(fd_.get(), TIOCGWINSZ, &size) == 0 && size.ws_col > 1) return size.ws_col;
  if (const char* env = std::getenv("COLUMNS")) {
    std::size_t value = 0;
    const std::string_view text{env};
    if (std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc{} &&
        value > 1 && value < 10000) {
      return value;
    }
  }
  return 80;
}

}  // namespace upwatch
