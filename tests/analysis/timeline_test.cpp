#include "upwatch/analysis/timeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace std::chrono_literals;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::Timeline;
using upwatch::TimelineColumn;
using upwatch::Transport;
using upwatch::Verdict;
using upwatch::WallTime;

namespace {

const WallTime kStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};

void on_probe(Timeline& timeline, std::uint64_t sequence, WallTime sent, Outcome outcome,
              Verdict verdict, std::chrono::microseconds total) {
  timeline.on_probe(
      {.sequence = sequence, .sent = sent, .outcome = outcome, .verdict = verdict, .total = total});
}

std::uint64_t sum(const std::vector<TimelineColumn>& columns,
                  std::uint64_t TimelineColumn::*count) {
  std::uint64_t total = 0;
  for (const auto& column : columns) total += column.*count;
  return total;
}

}  // namespace

TEST(Timeline, ShortRunsKeepEachProbeInAColumnOfItsOwn) {
  Timeline timeline{kStart};
  on_probe(timeline, 0, kStart, Outcome::http(200), Verdict::up, 400us);
  on_probe(timeline, 1, kStart + 100ms, Outcome::http(502), Verdict::down, 900us);
  on_probe(timeline, 2, kStart + 200ms, Outcome::failure(Transport::abandoned), Verdict::abandoned,
           5s);
  const auto& columns = timeline.columns();
  ASSERT_EQ(timeline.span(), 1ms);
  ASSERT_EQ(columns.size(), 201U);
  EXPECT_EQ(columns[0].up, 1U);
  EXPECT_EQ(columns[0].fastest, 400us);
  EXPECT_EQ(columns[100].down, 1U);
  EXPECT_EQ(columns[100].first_sequence, 1U);
  EXPECT_EQ(columns[100].good_total, 0us);  // a failure's time is not latency
  EXPECT_EQ(columns[200].unanswered, 1U);
  EXPECT_EQ(sum(columns, &TimelineColumn::up) + sum(columns, &TimelineColumn::down) +
                sum(columns, &TimelineColumn::unanswered),
            3U);
}

TEST(Timeline, AMillionProbesFitInBoundedColumnsAndOneFailureStillShows) {
  Timeline timeline{kStart};
  constexpr std::uint64_t kProbes = 1'000'000;
  constexpr std::uint64_t kFailed = 654'321;
  for (std::uint64_t k = 0; k < kProbes; ++k) {
    const auto sent = kStart + 10ms * static_cast<std::int64_t>(k);
    if (k == kFailed) {
      on_probe(timeline, k, sent, Outcome::failure(Transport::reset), Verdict::down, 100us);
    } else {
      on_probe(timeline, k, sent, Outcome::http(200), Verdict::up,
               std::chrono::microseconds{300 + static_cast<int>(k % 100)});
    }
  }
  const auto& columns = timeline.columns();
  EXPECT_LE(columns.size(), Timeline::kMaxColumns);
  EXPECT_GT(columns.size(), Timeline::kMaxColumns / 2);
  EXPECT_EQ(sum(columns, &TimelineColumn::up), kProbes - 1);
  EXPECT_EQ(sum(columns, &TimelineColumn::down), 1U);
  const auto failed = std::ranges::find_if(columns, [](const auto& column) { return column.down; });
  ASSERT_NE(failed, columns.end());
  EXPECT_LE(failed->first_sequence, kFailed);
  EXPECT_GE(failed->last_sequence, kFailed);
  EXPECT_EQ(failed->outcomes.at(Outcome::failure(Transport::reset)), 1U);
  EXPECT_EQ(columns.front().first_sequence, 0U);
  EXPECT_EQ(columns.front().fastest, 300us);
  EXPECT_EQ(columns.front().slowest, 399us);
  EXPECT_EQ(columns.back().last_sequence, kProbes - 1);
  // Columns are contiguous in sequence and span equal times.
  for (std::size_t k = 1; k < columns.size(); ++k) {
    EXPECT_EQ(columns[k].first_sequence, columns[k - 1].last_sequence + 1) << k;
  }
  EXPECT_GE(timeline.span() * static_cast<std::int64_t>(Timeline::kMaxColumns),
            10ms * static_cast<std::int64_t>(kProbes));
}

TEST(Timeline, IsFedByTheAnalysisInSequenceOrderWhateverTheFinishOrder) {
  Timeline timeline{kStart};
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
  analysis.observe(&timeline);
  const auto probe = [&](std::uint64_t k, Outcome outcome) {
    analysis.add({.sequence = k,
                  .sent = kStart + 100ms * static_cast<int>(k),
                  .outcome = outcome,
                  .total = 1ms});
  };
  probe(1, Outcome::http(502));  // finished before probe 0: held back until it comes
  EXPECT_TRUE(timeline.columns().empty());
  probe(0, Outcome::http(200));
  ASSERT_EQ(timeline.columns().size(), 101U);
  EXPECT_EQ(timeline.columns()[0].up, 1U);
  EXPECT_EQ(timeline.columns()[100].down, 1U);
  const auto result = std::move(analysis).finish();
  EXPECT_EQ(result.down, 1U);
}
