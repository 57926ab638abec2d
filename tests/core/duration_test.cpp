#include "upwatch/core/duration.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using upwatch::format_elapsed;
using upwatch::format_seconds;
using upwatch::parse_duration;

TEST(Duration, ParsesSecondsExactly) {
  EXPECT_EQ(parse_duration("1"), 1s);
  EXPECT_EQ(parse_duration("0.05"), 50ms);
  EXPECT_EQ(parse_duration("0.1"), 100ms);
  EXPECT_EQ(parse_duration(".5"), 500ms);
  EXPECT_EQ(parse_duration("2."), 2s);
  EXPECT_EQ(parse_duration("0.000000001"), 1ns);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("10m"), 10min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("1.5h"), 90min);
  EXPECT_EQ(parse_duration("0.333333333333h"), std::chrono::nanoseconds{1'199'999'999'998});
  EXPECT_EQ(parse_duration("20us"), 20us);
}

TEST(Duration, RejectsWhatIsNotADuration) {
  for (const char* bad :
       {"", "-1", "abc", "1x", "1.2.3", ".", "s", "1 s", "+1", "1e3", "99999999999999999999"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(Duration, FormatsSecondsWithoutTrailingZeros) {
  EXPECT_EQ(format_seconds(1s), "1");
  EXPECT_EQ(format_seconds(5s), "5");
  EXPECT_EQ(format_seconds(50ms), "0.05");
  EXPECT_EQ(format_seconds(1500ms), "1.5");
  EXPECT_EQ(format_seconds(1ns), "0.000000001");
  for (const char* text : {"0.05", "1", "2.5", "0.123456789", "3600"}) {
    EXPECT_EQ(format_seconds(*parse_duration(text)), text);
  }
}

TEST(Duration, FormatsElapsedForPeople) {
  EXPECT_EQ(format_elapsed(0ms), "0.000s");
  EXPECT_EQ(format_elapsed(250ms), "0.250s");
  EXPECT_EQ(format_elapsed(59'999ms), "59.999s");
  EXPECT_EQ(format_elapsed(125'000ms), "2m05.000s");
  EXPECT_EQ(format_elapsed(3'600'000ms + 61'001ms), "1h01m01.001s");
}

TEST(Duration, AppendsMillisecondsToTheMicrosecond) {
  for (const auto& [micros, text] :
       std::vector<std::pair<std::int64_t, std::string>>{{0, "0.000ms"},
                                                         {7, "0.007ms"},
                                                         {412, "0.412ms"},
                                                         {1'000, "1.000ms"},
                                                         {5'000'123, "5000.123ms"}}) {
    std::string out = "x";
    upwatch::append_millis(out, std::chrono::microseconds{micros});
    EXPECT_EQ(out, "x" + text);
  }
}
