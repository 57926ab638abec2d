// upwatch-test-server: the scripted local HTTP server of upwatch's tests and demonstration.
// Usage: upwatch-test-server SCRIPT [PORT [LIFETIME_SECONDS [ADDRESS]]]
// Prints "port N" once listening; stops on SIGINT/SIGTERM or after LIFETIME_SECONDS (600).

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

#include "test_server.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: upwatch-test-server SCRIPT [PORT [LIFETIME_SECONDS [ADDRESS]]]\n", stderr);
    return 2;
  }
  try {
    const auto port = static_cast<std::uint16_t>(argc > 2 ? std::atoi(argv[2]) : 0);
    const int lifetime = argc > 3 ? std::atoi(argv[3]) : 600;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    upwatch::testing::TestServer server{upwatch::testing::parse_script(argv[1]), port,
                                        argc > 4 ? argv[4] : "127.0.0.1"};
    std::printf("port %u\n", server.port());
    std::fflush(stdout);
    for (int tick = 0; tick < lifetime * 10 && g_stop == 0; ++tick) {
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "upwatch-test-server: %s\n", error.what());
    return 1;
  }
  return 0;
}
