// upwatch-gap-stats: schedule accuracy from arrival times measured at the server.
// Reads one arrival per line: a time (seconds, fractions to the microsecond) and, for the
// probes of several targets, the target's key (its port). Prints, for the expected interval:
// n, the achieved rate of all arrivals, the p50 / p99 / max deviation of each target's
// inter-arrival gaps from the interval (pooled over the targets), the worst target's p99, and
// the drift: last - first - (n - 1) x interval of the target that drifted most, in milliseconds.
// Usage: upwatch-gap-stats INTERVAL_SECONDS < arrivals

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// The p-th percentile of sorted `values`, by rank.
double percentile(const std::vector<double>& values, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: upwatch-gap-stats INTERVAL_SECONDS < arrivals\n", stderr);
    return 2;
  }
  const double interval_us = std::strtod(argv[1], nullptr) * 1e6;
  // Arrivals are read as whole microseconds so that no floating-point error creeps in.
  std::map<std::string, std::vector<long long>> by_target;
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream words{line};
    std::string time;
    std::string key;
    words >> time >> key;
    const auto dot = time.find('.');
    if (time.empty() || dot == std::string::npos) continue;
    std::string micros = time.substr(dot + 1, 6);
    micros.resize(6, '0');
    by_target[key].push_back(std::stoll(time.substr(0, dot)) * 1'000'000 + std::stoll(micros));
  }
  std::vector<double> deviations;  // in milliseconds, of every target
  double worst_p99 = 0;
  double worst_drift = 0;
  std::size_t n = 0;
  long long first = 0;
  long long last = 0;
  for (auto& [key, arrivals] : by_target) {
    std::sort(arrivals.begin(), arrivals.end());
    first = n == 0 ? arrivals.front() : std::min(first, arrivals.front());
    last = n == 0 ? arrivals.back() : std::max(last, arrivals.back());
    n += arrivals.size();
    if (arrivals.size() < 2) continue;
    std::vector<double> own;
    for (std::size_t i = 1; i < arrivals.size(); ++i) {
      own.push_back(std::abs(static_cast<double>(arrivals[i] - arrivals[i - 1]) - interval_us) /
                    1000.0);
    }
    deviations.insert(deviations.end(), own.begin(), own.end());
    std::sort(own.begin(), own.end());
    worst_p99 = std::max(worst_p99, percentile(own, 99));
    const double span_us = static_cast<double>(arrivals.back() - arrivals.front());
    const double drift =
        (span_us - static_cast<double>(arrivals.size() - 1) * interval_us) / 1000.0;
    if (std::abs(drift) > std::abs(worst_drift)) worst_drift = drift;
  }
  if (deviations.empty()) {
    std::puts("n=0");
    return 1;
  }
  std::sort(deviations.begin(), deviations.end());
  std::printf(
      "n=%zu targets=%zu rate=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f worst_p99_ms=%.3f "
      "drift_ms=%.3f\n",
      n, by_target.size(), static_cast<double>(n - 1) / (static_cast<double>(last - first) / 1e6),
      percentile(deviations, 50), percentile(deviations, 99), deviations.back(), worst_p99,
      worst_drift);
  return 0;
}
