#include "upwatch/live/live_view.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
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

LiveView::LiveView(WallTime start, std::chrono::nanoseconds interval, Colour colour, bool several)
    : status_(start, interval, colour),
      start_(start),
      interval_(interval),
      colour_(colour),
      several_(several),
      cursor_moves_([] {
        const char* term = std::getenv("TERM");
        return term == nullptr || std::string_view{term} != "dumb";
      }()),
      fd_(open_view_output()) {
  auto& sinks = spdlog::default_logger_raw()->sinks();
  saved_sinks_ = sinks;
  sinks = {std::make_shared<ViewSink>(*this)};
}

LiveView::~LiveView() {
  print_events();
  erase();
  drain(std::chrono::seconds{1});
  spdlog::default_logger_raw()->sinks() = std::move(saved_sinks_);
}

AnalysisObserver* LiveView::target(const std::string& url, const std::string& address) {
  lanes_.push_back(
      std::make_unique<LiveStatus>(start_, interval_, colour_, target_name(url, address)));
  return lanes_.back().get();
}

std::vector<AnalysisObserver*> LiveView::targets() const {
  std::vector<AnalysisObserver*> observers;
  for (const auto& lane : lanes_) observers.push_back(lane.get());
  return observers;
}

void LiveView::print_events() {
  auto events = status_.take_events();
  for (const auto& lane : lanes_) {
    for (auto& event : lane->take_events()) events.push_back(std::move(event));
  }
  // Each begins with its time in ISO 8601, which sorts as text.
  std::ranges::stable_sort(events, {}, [](const ScreenText& event) {
    return std::string_view{event.text}.substr(0, 24);
  });
  for (const auto& event : events) print_line(event);
}

std::vector<ScreenText> LiveView::status_lines(WallTime now, std::uint64_t sent) const {
  // The last column is left free: writing there makes some terminals wrap.
  const auto width = columns() - 1;
  if (!several_) return {status_.status(now, sent, width)};
  std::vector<const LiveStatus*> lanes;
  for (const auto& lane : lanes_) lanes.push_back(lane.get());
  if (!cursor_moves_) {  // one line: the worst target's
    auto lines = lane_lines(std::move(lanes), now, width, lanes_.size());
    lines.resize(std::min<std::size_t>(lines.size(), 1));
    return lines;
  }
  // Half the terminal at most: the events above stay in sight.
  return lane_lines(std::move(lanes), now, width, std::max<std::size_t>(rows() / 2, 2));
}

void LiveView::refresh(WallTime now, std::uint64_t sent) {
  print_events();
  if (!pending_.empty()) return;  // the terminal has not taken the last one: skip this one
  const auto lines = status_lines(now, sent);
  if (lines.empty()) return;
  std::string text = overwrite(lines.front());
  for (std::size_t i = 1; i < lines.size(); ++i) text += "\n" + lines[i].text;
  write(text);
  drawn_ = lines.back().width;
  drawn_lines_ = lines.size();
}

void LiveView::print_line(const ScreenText& line) {
  if (pending_.size() > kMostPending) return;
  write(overwrite(line) + '\n');
  drawn_ = 0;
  drawn_lines_ = 0;
}

std::string LiveView::overwrite(const ScreenText& line) const {
  if (drawn_lines_ > 1) {
    // Up to the area's first row, which and all below it are cleared.
    return fmt::format("\r\x1b[{}A\x1b[J{}", drawn_lines_ - 1, line.text);
  }
  std::string text = "\r" + line.text;
  if (drawn_ > line.width) text.append(drawn_ - line.width, ' ');
  return text;
}

void LiveView::erase() {
  if (drawn_lines_ > 1) {
    write(fmt::format("\r\x1b[{}A\x1b[J", drawn_lines_ - 1));
  } else if (drawn_ > 0) {
    std::string text = "\r";
    text.append(drawn_ + 2, ' ');  // and the "^C" the terminal may have echoed after it
    text += '\r';
    write(text);
  }
  drawn_ = 0;
  drawn_lines_ = 0;
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

std::size_t LiveView::rows() const {
  winsize size{};
  if (::ioctl(fd_.get(), TIOCGWINSZ, &size) == 0 && size.ws_row > 0) return size.ws_row;
  return 24;
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
