#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace upwatch {

/// A log-linear histogram of latencies: exact below 128 us, within 0.4% above, up to about
/// 12 days. Memory does not grow with the number of samples: it holds the buckets between the
/// smallest and the largest sample (a few KiB for latencies within a factor of ten), so that
/// a run of many targets can keep several for each.
class LatencyHistogram {
 public:
  using Micros = std::chrono::microseconds;

  /// Adds one sample (negative values count as zero).
  void add(Micros value);

  /// The number of samples.
  [[nodiscard]] std::uint64_t count() const { return count_; }
  /// The smallest sample, exactly; zero if there are none.
  [[nodiscard]] Micros min() const { return count_ ? Micros{min_} : Micros{0}; }
  /// The largest sample, exactly; zero if there are none.
  [[nodiscard]] Micros max() const { return Micros{max_}; }
  /// The nearest-rank percentile (0 < p <= 100): the smallest sample with at least p% of
  /// the samples at or below it, to the histogram's precision; zero if there are none.
  [[nodiscard]] Micros percentile(double p) const;

 private:
  static constexpr int kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBuckets = 1U << kSubBucketBits;  // 128
  static constexpr int kMaxExponent = 40;                             // 2^40 us ~ 12.7 days

  [[nodiscard]] static std::size_t bucket_of(std::uint64_t value);
  [[nodiscard]] static std::uint64_t middle_of(std::size_t bucket);

  std::vector<std::uint64_t> counts_;  ///< of the buckets from first_ on
  std::size_t first_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace upwatch
