#include "upwatch/log/script_log.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

using namespace std::chrono_literals;
using upwatch::WallTime;

namespace {

/// Reads the bash loop's log from `in` into `collected`; returns the lines it could not read.
std::vector<std::size_t> read_script(std::istream& in, upwatch::LogCollector& collected) {
  upwatch::LineReader lines{in};
  upwatch::read_script_log(lines, collected);
  return collected.bad_lines;
}

}  // namespace

namespace {

// The example log of the cutover plan, with a 502 between its two probes.
constexpr const char* kSeedLog = R"(HTTP/2 200 
date: Fri, 17 Nov 2023 00:09:32 GMT
content-type: text/html
content-length: 410
server: nginx/1.18.0 (Ubuntu)
etag: "6538b553-19a"
accept-ranges: bytes

HTTP/2 502 
server: awselb/2.0
date: Fri, 17 Nov 2023 00:09:34 GMT
content-type: text/html
content-length: 122

HTTP/2 200 
date: Fri, 17 Nov 2023 00:09:37 GMT
content-type: text/html

HTTP/1.1 200 OK
content-type: text/html


START: Thu Nov 16 16:09:31 PST 2023
END: Thu Nov 16 16:09:38 PST 2023
URL: https://codefriendspdx.com
INT: 5)";

WallTime utc(int hours, int minutes, int seconds) {
  return WallTime{std::chrono::sys_days{std::chrono::year{2023} / 11 / 17}} +
         std::chrono::hours{hours} + std::chrono::minutes{minutes} + std::chrono::seconds{seconds};
}

class ScriptLog : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "PST8PDT", 1);
    ::tzset();
  }
  void TearDown() override {
    ::unsetenv("TZ");
    ::tzset();
  }
};

}  // namespace

TEST_F(ScriptLog, EachStatusLineIsAProbeTimedByItsDateHeader) {
  std::istringstream in{kSeedLog};
  upwatch::LogCollector collected;
  EXPECT_TRUE(read_script(in, collected).empty());
  ASSERT_EQ(collected.runs.size(), 1U);
  const auto& header = collected.runs[0].header;
  EXPECT_EQ(header.version, upwatch::kScriptLogVersion);
  EXPECT_EQ(header.url, "https://codefriendspdx.com");
  EXPECT_EQ(header.interval, 5s);
  EXPECT_EQ(header.start, utc(0, 9, 31));  // 16:09:31 PST
  ASSERT_EQ(collected.runs[0].records.size(), 4U);
  EXPECT_EQ(format_as(collected.runs[0].records[0].outcome), "200");
  EXPECT_EQ(format_as(collected.runs[0].records[1].outcome), "502");
  EXPECT_EQ(collected.runs[0].records[1].sent, utc(0, 9, 34));
  EXPECT_EQ(collected.runs[0].records[2].sent, utc(0, 9, 37));
  EXPECT_EQ(collected.runs[0].records[3].sent, utc(0, 9, 37));  // no date: the one before's
  EXPECT_EQ(collected.runs[0].records[3].sequence, 3U);
  EXPECT_EQ(collected.runs[0].end, utc(0, 9, 38));
}

TEST_F(ScriptLog, AnUnknownZoneFallsBackToTheProbes) {
  std::string text = kSeedLog;
  text.replace(text.find("PST 2023\nEND"), 3, "JST");
  text.replace(text.find("PST 2023\nURL"), 3, "JST");
  std::istringstream in{text};
  upwatch::LogCollector collected;
  EXPECT_TRUE(read_script(in, collected).empty());
  EXPECT_EQ(collected.runs[0].header.start, utc(0, 9, 32));
  EXPECT_EQ(collected.runs[0].end, utc(0, 9, 37));
}

TEST_F(ScriptLog, KilledBeforeTheTrailerAndBadLines) {
  std::string text = kSeedLog;
  text.erase(text.find("\n\nSTART:"));
  text += "\n\ngarbage here\nHTTP/2 abc\n";
  std::istringstream in{text};
  upwatch::LogCollector collected;
  const auto bad_lines = read_script(in, collected);
  EXPECT_EQ(bad_lines, (std::vector<std::size_t>{23, 24}));
  EXPECT_EQ(collected.runs[0].records.size(), 4U);
  EXPECT_EQ(collected.runs[0].end, std::nullopt);
  EXPECT_EQ(collected.runs[0].header.url, "(not recorded)");
}

TEST_F(ScriptLog, DatesBeyondYear9999AreNotRead) {
  // Found by the fuzzer: a year this large overflowed the conversion to a time point.
  std::istringstream in{
      "HTTP/1.1 200 OK\ndate: Fri, 17 Nov 65730111583 00:09:32 GMT\n\n"
      "START: Thu Nov 16 16:09:31 UTC 65730111583\nEND: x\nURL: u\nINT: 1\n"};
  upwatch::LogCollector collected;
  EXPECT_TRUE(read_script(in, collected).empty());
  ASSERT_EQ(collected.runs[0].records.size(), 1U);
  EXPECT_EQ(collected.runs[0].records[0].sent, WallTime{});
  EXPECT_EQ(collected.runs[0].header.start, WallTime{});
}
