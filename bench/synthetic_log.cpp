// upwatch-synthetic-log: writes the log of one long run, as upwatch writes it (through the same
// format code), for benchmarks of reading and drawing big logs: PROBES probes 10 ms apart,
// each answered 200 with a status line, except one refused probe three quarters of the way in
// and a window of three 502 answers every 100,000 probes. The run has no end line, as if
// upwatch was killed: the report ends it at its last record.
// Usage: upwatch-synthetic-log PROBES > LOG

#include <cstdio>
#include <cstdlib>
#include <string>

#include "upwatch/log/probe_log.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: upwatch-synthetic-log PROBES > LOG\n", stderr);
    return 2;
  }
  const auto probes = std::strtoull(argv[1], nullptr, 10);
  const upwatch::RunHeader header{
      .id = "5e7e7e7e",
      .version = UPWATCH_VERSION,
      .start = upwatch::WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}},
      .interval = std::chrono::milliseconds{10},
      .expect = "100-499",
      .url = "http://127.0.0.1:8080/health"};
  std::string out = upwatch::format_run_header(header);
  const auto refused = probes / 4 * 3 + 12'345;
  for (std::uint64_t k = 0; k < probes; ++k) {
    const bool refuse = k == refused;
    const bool bad_gateway = k % 100'000 >= 50'000 && k % 100'000 < 50'003;
    const upwatch::ProbeRecord record{
        .sequence = k,
        .sent = header.start + std::chrono::milliseconds{10} * static_cast<std::int64_t>(k),
        .outcome = refuse        ? upwatch::Outcome::failure(upwatch::Transport::refused)
                   : bad_gateway ? upwatch::Outcome::http(502)
                                 : upwatch::Outcome::http(200),
        .total = std::chrono::microseconds{300 + static_cast<std::int64_t>(k * 7919 % 500)},
        .remote = refuse ? std::string{"-"} : std::string{"127.0.0.1:8080"},
        .lines = {refuse ? "curl: (7) Failed to connect to 127.0.0.1 port 8080: Connection refused"
                  : bad_gateway ? "HTTP/1.1 502 Bad Gateway"
                                : "HTTP/1.1 200 OK"}};
    out += upwatch::format_record(record, header.id);
    if (out.size() > (1U << 20U)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
