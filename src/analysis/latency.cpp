#include "upwatch/analysis/latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace upwatch {

std::size_t LatencyHistogram::bucket_of(std::uint64_t value) {
  if (value < kSubBuckets) return value;
  value = std::min<std::uint64_t>(value, (std::uint64_t{1} << (kMaxExponent + 1)) - 1);
  const int exponent = static_cast<int>(std::bit_width(value)) - 1;  // >= kSubBucketBits
  const int shift = exponent - kSubBucketBits;
  const std::uint64_t sub = (value >> shift) - kSubBuckets;  // 0..127
  return kSubBuckets * (shift + 1) + sub;
}

std::uint64_t LatencyHistogram::middle_of(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const auto shift = static_cast<int>(bucket / kSubBuckets) - 1;
  const std::uint64_t low = (kSubBuckets + bucket % kSubBuckets) << shift;
  return low + ((std::uint64_t{1} << shift) >> 1);
}

void LatencyHistogram::add(Micros value) {
  const auto sample = static_cast<std::uint64_t>(std::max<Micros::rep>(value.count(), 0));
  const auto bucket = bucket_of(sample);
  if (counts_.empty()) {
    first_ = bucket;
  } else if (bucket < first_) {
    counts_.insert(counts_.begin(), first_ - bucket, 0);
    first_ = bucket;
  }
  if (bucket - first_ >= counts_.size()) counts_.resize(bucket - first_ + 1);
  ++counts_[bucket - first_];
  min_ = count_ == 0 ? sample : std::min(min_, sample);
  max_ = std::max(max_, sample);
  ++count_;
}

LatencyHistogram::Micros LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return Micros{0};
  const auto rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))), 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return Micros{std::clamp(middle_of(first_ + i), min_, max_)};
  }
  return Micros{max_};
}

}  // namespace upwatch
