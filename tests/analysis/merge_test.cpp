// Merging the runs of several vantage points: windows all of them saw apart from those only
// some saw, over the time all watched, never claiming what one of them did not observe.

#include "upwatch/analysis/merge.hpp"

#include <gtest/gtest.h>

#include "upwatch/core/error.hpp"

using namespace std::chrono_literals;
using upwatch::DowntimeWindow;
using upwatch::Gap;
using upwatch::MergedWindow;
using upwatch::VantageRun;
using upwatch::WallTime;

namespace {

const WallTime kStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};
const std::string kUrl = "https://shop.test/health";

/// A run of kUrl from `name`, from `start` to `end` seconds after kStart, with `windows` and
/// `gaps` (each [from, to) in seconds after kStart).
VantageRun run_of(std::string name, double start, double end,
                  const std::vector<std::pair<double, double>>& windows,
                  const std::vector<std::pair<double, double>>& gaps = {}) {
  const auto at = [](double seconds) {
    return kStart + std::chrono::milliseconds{static_cast<int>(seconds * 1000)};
  };
  upwatch::RunAnalysis analysis;
  for (const auto& [from, to] : windows) {
    analysis.windows.push_back({.start = at(from), .end = at(to), .failed = 1});
  }
  for (const auto& [from, to] : gaps) analysis.gaps.push_back({.start = at(from), .end = at(to)});
  VantageRun run{.name = name, .log = name + ".log"};
  run.info.start = at(start);
  run.info.end = at(end);
  run.info.url = kUrl;
  run.results.targets.push_back({.url = kUrl, .analysis = std::move(analysis)});
  return run;
}

}  // namespace

TEST(Merge, WindowsAllSawApartFromThoseSomeSawOverTheTimeAllWatched) {
  // a watches 0-60 s, b 10-70 s: the merge covers 10-60 s. a is down 5-20 s (before b began:
  // cut at 10 s) and 40-45 s; b is down 15-25 s and 50-65 s (cut at 60 s).
  const std::vector<VantageRun> runs{run_of("a", 0, 60, {{5, 20}, {40, 45}}),
                                     run_of("b", 10, 70, {{15, 25}, {50, 65}})};
  const auto merged = upwatch::merge_runs(runs);
  EXPECT_EQ(merged.start, kStart + 10s);
  EXPECT_EQ(merged.end, kStart + 60s);
  ASSERT_EQ(merged.urls.size(), 1U);
  const auto& windows = merged.urls[0].windows;
  const std::vector<std::pair<std::chrono::seconds, std::vector<std::string>>> expected{
      {10s, {"a"}}, {15s, {"a", "b"}}, {20s, {"b"}}, {40s, {"a"}}, {50s, {"b"}}};
  ASSERT_EQ(windows.size(), expected.size());
  for (std::size_t i = 0; i < windows.size(); ++i) {
    EXPECT_EQ(windows[i].start, kStart + expected[i].first) << i;
    EXPECT_EQ(windows[i].down, expected[i].second) << i;
    EXPECT_EQ(windows[i].everywhere, expected[i].second.size() == 2) << i;
  }
  EXPECT_EQ(windows.back().end, kStart + 60s);
  EXPECT_EQ(merged.urls[0].downtime(true), 5s);
  EXPECT_EQ(merged.urls[0].downtime(false), 5s + 5s + 5s + 10s);
  EXPECT_EQ(merged.verdict(), upwatch::RunVerdict::down);
  // What was cut is named, never silently dropped.
  ASSERT_EQ(merged.outside.size(), 2U);
  EXPECT_TRUE(merged.outside[0].starts_with("a saw ")) << merged.outside[0];
  EXPECT_NE(merged.outside[0].find(" partly outside the time all watched"), std::string::npos);
  EXPECT_TRUE(merged.outside[1].starts_with("b saw ")) << merged.outside[1];
}

TEST(Merge, AWindowWhollyOutsideTheCommonTimeIsNamed) {
  // b's clock runs 30 s behind: its window at 62-65 s is a's 32-35 s, but lies after a ended.
  const std::vector<VantageRun> runs{run_of("a", 0, 60, {}), run_of("b", 10, 70, {{62, 65}})};
  const auto merged = upwatch::merge_runs(runs);
  EXPECT_TRUE(merged.urls[0].windows.empty());
  ASSERT_EQ(merged.outside.size(), 1U);
  EXPECT_NE(merged.outside[0].find(" outside the time all watched: not merged"), std::string::npos)
      << merged.outside[0];
  EXPECT_EQ(merged.outside[0].find("partly"), std::string::npos);
  EXPECT_EQ(merged.verdict(), upwatch::RunVerdict::inconclusive);  // never up over it
}

TEST(Merge, WhatOneVantagePointDidNotObserveIsNeverSeenEverywhere) {
  // b did not observe 10-20 s: a's window there is a's only, not observed from b.
  const std::vector<VantageRun> runs{run_of("a", 0, 60, {{10, 20}}),
                                     run_of("b", 0, 60, {}, {{5, 20}})};
  const auto merged = upwatch::merge_runs(runs);
  ASSERT_EQ(merged.urls[0].windows.size(), 1U);
  const auto& window = merged.urls[0].windows[0];
  EXPECT_FALSE(window.everywhere);
  EXPECT_EQ(window.down, std::vector<std::string>{"a"});
  EXPECT_EQ(window.unobserved, std::vector<std::string>{"b"});
  EXPECT_EQ(window.duration(), 10s);
  // Without downtime, a gap makes the merge inconclusive, not up.
  const auto quiet =
      upwatch::merge_runs({run_of("a", 0, 60, {}), run_of("b", 0, 60, {}, {{5, 6}})});
  EXPECT_TRUE(quiet.urls[0].windows.empty());
  EXPECT_EQ(quiet.verdict(), upwatch::RunVerdict::inconclusive);
  EXPECT_EQ(upwatch::merge_runs({run_of("a", 0, 60, {}), run_of("b", 0, 60, {})}).verdict(),
            upwatch::RunVerdict::up);
}

TEST(Merge, AWindowOfTheProbersOwnNetworkIsLeftOut) {
  auto a = run_of("a", 0, 60, {{10, 20}});
  a.results.targets[0].analysis.windows[0].prober_network = true;
  const auto merged = upwatch::merge_runs({a, run_of("b", 0, 60, {{10, 20}})});
  ASSERT_EQ(merged.urls[0].windows.size(), 1U);
  EXPECT_EQ(merged.urls[0].windows[0].down, std::vector<std::string>{"b"});
}

TEST(Merge, RunsOfOtherUrlsOrTimesCannotBeMerged) {
  auto other = run_of("b", 0, 60, {});
  other.info.url = "https://other.test/";
  other.results.targets[0].url = other.info.url;
  EXPECT_THROW(static_cast<void>(upwatch::merge_runs({run_of("a", 0, 60, {}), other})),
               upwatch::UsageError);
  EXPECT_THROW(
      static_cast<void>(upwatch::merge_runs({run_of("a", 0, 60, {}), run_of("b", 60, 70, {})})),
      upwatch::UsageError);
  EXPECT_THROW(static_cast<void>(upwatch::merge_runs({run_of("a", 0, 60, {})})),
               upwatch::UsageError);
}
