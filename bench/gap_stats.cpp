// upwatch-gap-stats: schedule accuracy from arrival times measured at the server.
// Reads one arrival time per line (seconds, fractions to the microsecond) and prints, for the
// expected interval: n, the achieved rate, the p50 / p99 / max deviation of inter-arrival gaps
// from the interval, and the drift: last - first - (n - 1) x interval, all in milliseconds.
// Usage: upwatch-gap-stats INTERVAL_SECONDS < arrivals

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: upwatch-gap-stats INTERVAL_SECONDS < arrivals\n", stderr);
    return 2;
  }
  const double interval = std::strtod(argv[1], nullptr);
  // Arrivals are read as whole microseconds so that no floating-point error creeps in.
  std::vector<long long> arrivals;
  for (std::string line; std::getline(std::cin, line);) {
    const auto dot = line.find('.');
    if (line.empty() || dot == std::string::npos) continue;
    std::string micros = line.substr(dot + 1, 6);
    micros.resize(6, '0');
    arrivals.push_back(std::stoll(line.substr(0, dot)) * 1'000'000 + std::stoll(micros));
  }
  std::sort(arrivals.begin(), arrivals.end());
  if (arrivals.size() < 2) {
    std::puts("n=0");
    return 1;
  }
  const double interval_us = interval * 1e6;
  std::vector<double> deviations;
  for (std::size_t i = 1; i < arrivals.size(); ++i) {
    deviations.push_back(
        std::abs(static_cast<double>(arrivals[i] - arrivals[i - 1]) - interval_us));
  }
  std::sort(deviations.begin(), deviations.end());
  const auto percentile = [&](double p) {
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(deviations.size())));
    return deviations[std::max<std::size_t>(rank, 1) - 1] / 1000.0;
  };
  const auto n = arrivals.size();
  const double span_us = static_cast<double>(arrivals.back() - arrivals.front());
  const double drift_ms = (span_us - static_cast<double>(n - 1) * interval_us) / 1000.0;
  std::printf("n=%zu rate=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f drift_ms=%.3f\n", n,
              static_cast<double>(n - 1) / (span_us / 1e6), percentile(50), percentile(99),
              deviations.back() / 1000.0, drift_ms);
  return 0;
}
