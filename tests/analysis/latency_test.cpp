#include "upwatch/analysis/latency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using upwatch::LatencyHistogram;
using Micros = std::chrono::microseconds;

namespace {
/// The nearest-rank percentile of sorted samples.
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}
}  // namespace

TEST(LatencyHistogram, EmptyIsZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.min(), Micros{0});
  EXPECT_EQ(histogram.max(), Micros{0});
  EXPECT_EQ(histogram.percentile(50), Micros{0});
}

TEST(LatencyHistogram, ExactForSmallValues) {
  LatencyHistogram histogram;
  for (int value = 1; value <= 100; ++value) histogram.add(Micros{value});
  EXPECT_EQ(histogram.min(), Micros{1});
  EXPECT_EQ(histogram.max(), Micros{100});
  EXPECT_EQ(histogram.percentile(50), Micros{50});
  EXPECT_EQ(histogram.percentile(90), Micros{90});
  EXPECT_EQ(histogram.percentile(99), Micros{99});
  EXPECT_EQ(histogram.percentile(100), Micros{100});
}

TEST(LatencyHistogram, MatchesExactPercentilesWithinHalfAPercent) {
  std::mt19937_64 random{42};
  std::lognormal_distribution<double> latency{7.0, 1.5};  // around 1 ms, long tail
  for (int round = 0; round < 5; ++round) {
    LatencyHistogram histogram;
    std::vector<std::int64_t> samples;
    for (int i = 0; i < 20'000; ++i) {
      const auto value = static_cast<std::int64_t>(latency(random));
      samples.push_back(value);
      histogram.add(Micros{value});
    }
    std::sort(samples.begin(), samples.end());
    EXPECT_EQ(histogram.min().count(), samples.front());
    EXPECT_EQ(histogram.max().count(), samples.back());
    for (const double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
      const auto exact = static_cast<double>(exact_percentile(samples, p));
      const auto estimate = static_cast<double>(histogram.percentile(p).count());
      EXPECT_NEAR(estimate, exact, std::max(1.0, exact * 0.005)) << "p" << p;
    }
  }
}

TEST(LatencyHistogram, ClampsHugeAndNegativeValues) {
  LatencyHistogram histogram;
  histogram.add(Micros{-5});
  histogram.add(Micros{std::int64_t{1} << 50});
  EXPECT_EQ(histogram.min(), Micros{0});
  EXPECT_EQ(histogram.max(), Micros{std::int64_t{1} << 50});
  EXPECT_EQ(histogram.percentile(50), Micros{0});
  EXPECT_GT(histogram.percentile(100).count(), std::int64_t{1} << 40);
}
