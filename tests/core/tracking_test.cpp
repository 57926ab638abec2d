#include "upwatch/core/tracking.hpp"

#include <gtest/gtest.h>

#include "upwatch/core/error.hpp"

using upwatch::ProbeRecord;
using upwatch::TrackedValue;
using upwatch::UsageError;

TEST(Tracking, NamesAreHttpTokensInLowerCase) {
  EXPECT_EQ(upwatch::check_track_name("X-App-Version"), "x-app-version");
  EXPECT_EQ(upwatch::check_track_name("etag"), "etag");
  EXPECT_THROW(static_cast<void>(upwatch::check_track_name("")), UsageError);
  EXPECT_THROW(static_cast<void>(upwatch::check_track_name("x app")), UsageError);
  EXPECT_THROW(static_cast<void>(upwatch::check_track_name("x:y")), UsageError);
  EXPECT_THROW(static_cast<void>(upwatch::check_track_name("Body")), UsageError);
  EXPECT_NO_THROW(upwatch::check_track_body(R"re("version":"([^"]+)")re"));
  EXPECT_THROW(upwatch::check_track_body("version"), UsageError);  // no capture group
  EXPECT_THROW(upwatch::check_track_body("(unclosed"), UsageError);
}

TEST(Tracking, ValuesComeFromTheHeadersWhateverTheirCaseAndFromTheBody) {
  const std::vector<std::string> lines{"HTTP/2 200", "x-app-version:  v2 ", "ETag: \"abc\"",
                                       "X-App-Version: second"};
  EXPECT_EQ(upwatch::header_value(lines, "x-app-version"), "v2");
  EXPECT_EQ(upwatch::header_value(lines, "etag"), "\"abc\"");
  EXPECT_EQ(upwatch::header_value(lines, "server"), std::nullopt);
  EXPECT_EQ(upwatch::header_value({"HTTP/1.1 200 OK"}, "http/1.1 200 ok"), std::nullopt);

  const upwatch::Tracking tracking{{"x-app-version", "server"}, R"re("version":"([^"]+)")re"};
  EXPECT_TRUE(tracking.tracks_body());
  EXPECT_EQ(tracking.values(lines, R"re({"status":"ok","version":"2.4.1"})re"),
            (std::vector<TrackedValue>{{"x-app-version", "v2"}, {"body", "2.4.1"}}));
  EXPECT_EQ(tracking.values(lines, "no version here"),
            (std::vector<TrackedValue>{{"x-app-version", "v2"}}));
  EXPECT_EQ(upwatch::tracked_names({"etag"}, "(x)"), (std::vector<std::string>{"etag", "body"}));
}

TEST(Tracking, AReportTakesFromLoggedHeadersWhatARecordDoesNotCarry) {
  ProbeRecord record{.outcome = upwatch::Outcome::http(200),
                     .lines = {"HTTP/1.1 200 OK", "X-App-Version: v1", "Server: nginx"},
                     .tracked = {{"body", "1.0"}}};
  upwatch::track_from_headers(record, {"x-app-version", "body", "etag"});
  EXPECT_EQ(record.tracked, (std::vector<TrackedValue>{{"body", "1.0"}, {"x-app-version", "v1"}}));
  ProbeRecord failed{.outcome = upwatch::Outcome::failure(upwatch::Transport::reset),
                     .lines = {"X-App-Version: v1"}};
  upwatch::track_from_headers(failed, {"x-app-version"});
  EXPECT_TRUE(failed.tracked.empty());
}
