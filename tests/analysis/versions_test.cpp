#include "upwatch/analysis/versions.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using upwatch::TrackedName;
using upwatch::VersionTracker;
using upwatch::WallTime;

namespace {

const WallTime kStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};

/// Answer k was sent at k x 100 ms.
WallTime at(int k) { return kStart + 100ms * k; }

/// The x-app-version of good answers 0, 1, 2... ("" for an answer without it).
TrackedName follow(const std::vector<std::string>& versions) {
  VersionTracker tracker{{"x-app-version"}};
  for (std::size_t k = 0; k < versions.size(); ++k) {
    std::vector<upwatch::TrackedValue> values;
    if (!versions[k].empty()) values.push_back({"x-app-version", versions[k]});
    tracker.add(at(static_cast<int>(k)), values);
  }
  return tracker.report().at(0);
}

std::vector<std::string> repeat(const std::string& value, std::size_t times) {
  return std::vector<std::string>(times, value);
}

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace

TEST(VersionTracker, ACleanSwitchHasNoOldAnswerAfterTheFirstNewOne) {
  const auto shown = follow(concat({repeat("v1", 5), repeat("v2", 5)}));
  ASSERT_EQ(shown.values.size(), 2U);
  EXPECT_EQ(shown.values[0], (upwatch::SeenValue{"v1", at(0), at(4), 5}));
  EXPECT_EQ(shown.values[1], (upwatch::SeenValue{"v2", at(5), at(9), 5}));
  ASSERT_EQ(shown.switches.size(), 1U);
  const auto& clean = shown.switches[0];
  EXPECT_EQ(clean.from, "v1");
  EXPECT_EQ(clean.to, "v2");
  EXPECT_EQ(clean.first_new, at(5));
  EXPECT_EQ(clean.last_old_before, at(4));
  EXPECT_FALSE(clean.last_old);
  EXPECT_TRUE(shown.comebacks.empty());
}

TEST(VersionTracker, AMixedPeriodLastsFromTheFirstNewToTheLastOldAnswer) {
  // v1 alone, then both behind the load balancer, then v2 alone.
  const auto shown =
      follow(concat({repeat("v1", 3), {"v2", "v1", "v2", "v2", "v1", "v2"}, repeat("v2", 30)}));
  ASSERT_EQ(shown.switches.size(), 1U);
  const auto& mixed = shown.switches[0];
  EXPECT_EQ(mixed.first_new, at(3));
  ASSERT_TRUE(mixed.last_old);
  EXPECT_EQ(*mixed.last_old, at(7));
  EXPECT_EQ(mixed.old_between, 2U);
  EXPECT_EQ(mixed.new_between, 3U);  // #3, #5, #6: those up to the last v1
  EXPECT_TRUE(shown.comebacks.empty());
}

TEST(VersionTracker, AValueBackAfterItWasReplacedCameBack) {
  // v1, then v2 alone for longer than kReplacedAfter answers, then v1 again: a rollback.
  const auto shown = follow(concat({repeat("v1", 3), repeat("v2", 25), repeat("v1", 4)}));
  ASSERT_EQ(shown.switches.size(), 1U);
  EXPECT_FALSE(shown.switches[0].last_old);
  ASSERT_EQ(shown.comebacks.size(), 1U);
  EXPECT_EQ(shown.comebacks[0], (upwatch::Comeback{"v1", "v2", at(28), at(31), 4}));
}

TEST(VersionTracker, InstancesOfTwoVersionsFlappingAreOneLongMixedPeriod) {
  std::vector<std::string> flapping;
  for (int k = 0; k < 50; ++k) flapping.emplace_back(k % 3 == 0 ? "v1" : "v2");
  const auto shown = follow(concat({repeat("v1", 2), flapping}));
  ASSERT_EQ(shown.switches.size(), 1U);
  ASSERT_TRUE(shown.switches[0].last_old);
  EXPECT_EQ(*shown.switches[0].last_old, at(2 + 48));
  EXPECT_EQ(shown.switches[0].old_between, 16U);
  EXPECT_TRUE(shown.comebacks.empty());
}

TEST(VersionTracker, AnswersWithoutTheHeaderAreCountedApartAndAreNoVersion) {
  const auto shown = follow({"", "v1", "", "v1", "v2", ""});
  EXPECT_EQ(shown.none, 3U);
  ASSERT_EQ(shown.values.size(), 2U);
  EXPECT_EQ(shown.values[0].answers, 2U);
  ASSERT_EQ(shown.switches.size(), 1U);
  EXPECT_EQ(shown.switches[0].last_old_before, at(3));
}

TEST(VersionTracker, AThirdValueEndsTheSwitchBeforeIt) {
  const auto shown = follow({"v1", "v2", "v1", "v3", "v1"});
  ASSERT_EQ(shown.switches.size(), 2U);
  EXPECT_EQ(*shown.switches[0].last_old, at(2));
  EXPECT_EQ(shown.switches[1].from, "v2");
  EXPECT_EQ(shown.switches[1].to, "v3");
  ASSERT_EQ(shown.comebacks.size(), 1U);  // v1 after v3 appeared
  EXPECT_EQ(shown.comebacks[0].replaced_by, "v3");
}

TEST(VersionTracker, ValuesBeyondTheLimitAreCountedNotListed) {
  std::vector<std::string> many;
  for (std::size_t k = 0; k < upwatch::kMaxValues + 5; ++k)
    many.push_back("etag-" + std::to_string(k));
  const auto shown = follow(many);
  EXPECT_EQ(shown.values.size(), upwatch::kMaxValues);
  EXPECT_EQ(shown.unlisted, 5U);
  EXPECT_EQ(shown.switches.size(), upwatch::kMaxValues - 1);
}

TEST(VersionTracker, TellsAsItHappensWhatEachAnswerChanged) {
  VersionTracker tracker{{"x-app-version"}};
  std::vector<upwatch::VersionNews> news;
  const auto answer = [&](int k, const std::string& version) {
    tracker.add(at(k), {{"x-app-version", version}}, &news);
  };
  using Kind = upwatch::VersionNews::Kind;
  answer(0, "v1");
  answer(1, "v1");
  answer(2, "v2");
  answer(3, "v1");
  answer(4, "v1");
  for (int k = 5; k < 5 + static_cast<int>(upwatch::kReplacedAfter); ++k) answer(k, "v2");
  answer(30, "v1");
  EXPECT_EQ(news, (std::vector<upwatch::VersionNews>{
                      {Kind::first, "x-app-version", "v1", ""},
                      {Kind::switched, "x-app-version", "v2", "v1"},
                      {Kind::mixing, "x-app-version", "v1", "v1"},
                      {Kind::replaced, "x-app-version", "v2", "v1"},
                      {Kind::came_back, "x-app-version", "v1", "v2"},
                  }));
}
