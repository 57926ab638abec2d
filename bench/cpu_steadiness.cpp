// upwatch-cpu-steadiness: how steadily this machine's CPU runs, apart from any prober.
// Repeats one fixed unit of work (about 20 us of memory-touching arithmetic) for SECONDS and
// takes the thread CPU time of each unit: a unit that took 3 times the fastest one ran on a
// slowed CPU (a virtual machine's CPU shared or throttled by its host; that time is charged to
// the thread as if it ran). Slow units are grouped into 10 ms bins; a bin more than half of
// whose time was slow is slow, and slow bins at most 100 ms apart make one slow window. Prints one
// line: units, the fastest unit in us, the share of the time spent in slow units, the slow windows,
// their median and longest length and the median time from the start of one to the start of the
// next, in milliseconds. Usage: upwatch-cpu-steadiness SECONDS

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

namespace {

/// Nanoseconds on `clock`.
long long now_ns(clockid_t clock) {
  timespec at{};
  clock_gettime(clock, &at);
  return at.tv_sec * 1'000'000'000LL + at.tv_nsec;
}

/// The median of `values`, or 0 for none.
long long median(std::vector<long long> values) {
  if (values.empty()) return 0;
  std::ranges::sort(values);
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::atoi(argv[1]) <= 0) {
    std::fputs("usage: upwatch-cpu-steadiness SECONDS\n", stderr);
    return 2;
  }
  constexpr long long kBinNs = 10'000'000;
  const long long seconds = std::atoi(argv[1]);
  static std::vector<unsigned> buffer(1U << 16U);
  struct Unit {
    long long start;  // ns since the start, wall clock
    long long cpu;    // ns of thread CPU time
  };
  std::vector<Unit> units;
  units.reserve(static_cast<std::size_t>(seconds) * 100'000);
  const long long start = now_ns(CLOCK_MONOTONIC);
  for (long long at = start; at - start < seconds * 1'000'000'000LL; at = now_ns(CLOCK_MONOTONIC)) {
    const long long cpu_before = now_ns(CLOCK_THREAD_CPUTIME_ID);
    for (int round = 0; round < 4; ++round) {
      for (std::size_t i = 0; i < buffer.size(); i += 16) {
        buffer[i] = buffer[i] * 31U + static_cast<unsigned>(i);
      }
    }
    units.push_back({at - start, now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_before});
  }
  const long long fastest = std::ranges::min(units, {}, &Unit::cpu).cpu;
  long long total = 0;
  long long slow = 0;
  std::vector<long long> slow_in_bin(static_cast<std::size_t>(seconds * 1'000'000'000LL / kBinNs) +
                                     2);
  for (const auto& unit : units) {
    total += unit.cpu;
    if (unit.cpu >= 3 * fastest) {
      slow += unit.cpu;
      slow_in_bin[static_cast<std::size_t>(unit.start / kBinNs)] += unit.cpu;
    }
  }
  // Windows: runs of bins more than half slow, at most 100 ms apart.
  std::vector<long long> lengths;
  std::vector<long long> starts;
  long long window_start = -1;
  long long last_slow_bin = -10;
  for (std::size_t bin = 0; bin < slow_in_bin.size(); ++bin) {
    if (slow_in_bin[bin] * 2 <= kBinNs) continue;
    const auto b = static_cast<long long>(bin);
    if (b - last_slow_bin > 10) {
      if (window_start >= 0) lengths.push_back((last_slow_bin - window_start + 1) * 10);
      window_start = b;
      starts.push_back(b * 10);
    }
    last_slow_bin = b;
  }
  if (window_start >= 0) lengths.push_back((last_slow_bin - window_start + 1) * 10);
  std::vector<long long> apart;
  for (std::size_t i = 1; i < starts.size(); ++i) apart.push_back(starts[i] - starts[i - 1]);
  std::printf(
      "units=%zu fastest_us=%.1f slow_share=%.2f%% slow_windows=%zu median_window_ms=%lld "
      "longest_window_ms=%lld median_apart_ms=%lld\n",
      units.size(), static_cast<double>(fastest) / 1e3,
      100.0 * static_cast<double>(slow) / static_cast<double>(total), lengths.size(),
      median(lengths), lengths.empty() ? 0 : std::ranges::max(lengths), median(apart));
  return 0;
}
