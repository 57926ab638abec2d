#include "upwatch/net/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <system_error>

namespace upwatch {

namespace {

constexpr std::array<int, 3> kStopSignals{SIGINT, SIGTERM, SIGHUP};

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_summary_requested = 0;
struct sigaction g_previous_summary {};
std::array<int, 2> g_pipe{-1, -1};
std::array<struct sigaction, kStopSignals.size()> g_previous{};

extern "C" void on_stop_signal(int signal_number) {
  if (g_signal != 0 && signal_number != SIGHUP) _exit(130);  // the second Ctrl-C
  if (g_signal == 0) g_signal = signal_number;
  const int saved_errno = errno;
  const char byte = 1;
  [[maybe_unused]] const auto ignored = write(g_pipe[1], &byte, 1);
  errno = saved_errno;
}

extern "C" void on_summary_signal(int) {
  g_summary_requested = 1;
  const int saved_errno = errno;
  const char byte = 1;
  [[maybe_unused]] const auto ignored = write(g_pipe[1], &byte, 1);
  errno = saved_errno;
}

}  // namespace

StopSignals::StopSignals() {
  if (pipe2(g_pipe.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  g_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) {
    sigaction(kStopSignals[i], nullptr, &g_previous[i]);
    // A hangup ignored by who started us (nohup) stays ignored: the run goes on.
    if (kStopSignals[i] == SIGHUP && g_previous[i].sa_handler == SIG_IGN) continue;
    sigaction(kStopSignals[i], &action, nullptr);
  }
  g_summary_requested = 0;
  action.sa_handler = on_summary_signal;
  sigaction(SIGUSR1, &action, &g_previous_summary);
}

StopSignals::~StopSignals() {
  sigaction(SIGUSR1, &g_previous_summary, nullptr);
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) {
    sigaction(kStopSignals[i], &g_previous[i], nullptr);
  }
  close(g_pipe[0]);
  close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
}

int StopSignals::wake_fd() const { return g_pipe[0]; }

bool StopSignals::stop_requested() const { return g_signal != 0; }

int StopSignals::signal_number() const { return g_signal; }

bool StopSignals::take_summary_request() const {
  if (g_summary_requested == 0) return false;
  g_summary_requested = 0;
  std::array<char, 64> bytes{};
  while (read(g_pipe[0], bytes.data(), bytes.size()) > 0) {
  }
  return true;
}

}  // namespace upwatch
