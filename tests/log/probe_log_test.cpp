#include "upwatch/log/probe_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "log_samples.hpp"
#include "upwatch/core/error.hpp"

using namespace std::chrono_literals;
using upwatch::LogContents;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

using upwatch::testing::kSampleStart;
using upwatch::testing::sample_header;
using upwatch::testing::sample_records;

std::string write_log(const std::vector<ProbeRecord>& records, bool with_summary) {
  std::string text = upwatch::format_run_header(sample_header());
  for (const auto& record : records) text += upwatch::format_record(record);
  if (with_summary) {
    text +=
        upwatch::format_summary_block("START: x\nEND: y\nURL: z\nINT: 1\n", kSampleStart + 1234ms);
  }
  return text;
}

LogContents read(const std::string& text) {
  std::istringstream in{text};
  return upwatch::read_log(in);
}

}  // namespace

TEST(ProbeLog, RecordLineLooksAsDocumented) {
  EXPECT_EQ(upwatch::format_record(sample_records()[0]),
            "* 2026-11-26T00:00:00.000Z #0 200 0.412ms 127.0.0.1:8080 dns=0.012ms "
            "connect=0.120ms ttfb=0.400ms track:etag=\"6538b553-19a\" "
            "track:x-app-version=v1%20beta%20100%25\n"
            "HTTP/1.1 200 OK\nserver: nginx/1.22.1\netag: \"6538b553-19a\"\n\n");
  EXPECT_EQ(upwatch::format_run_header(sample_header()),
            "# upwatch 0.1.0 run start=2026-11-26T00:00:00.000Z interval=0.05 expect=100-499 "
            "track=etag,x-app-version url=http://127.0.0.1:8080/health\n\n");
  // The phases and tracked values of a record are words that grep and awk can take apart.
  const auto back = read(upwatch::format_run_header(sample_header()) +
                         upwatch::format_record(sample_records()[0]) +
                         "* 2026-11-26T00:00:00.050Z #1 200 1ms - dns=x\n\n" +
                         "* 2026-11-26T00:00:00.100Z #2 200 1ms - track:=v\n\n" +
                         "* 2026-11-26T00:00:00.150Z #3 200 1ms - track:a=%2\n\n");
  ASSERT_EQ(back.runs.size(), 1U);
  ASSERT_EQ(back.runs[0].records.size(), 1U);
  EXPECT_EQ(back.runs[0].records[0], sample_records()[0]);
  EXPECT_EQ(back.bad_lines, (std::vector<std::size_t>{8, 10, 12}));
}

TEST(ProbeLog, WriteRead) {
  const auto records = sample_records();
  const auto contents = read(write_log(records, true));
  EXPECT_TRUE(contents.bad_lines.empty());
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_EQ(contents.runs[0].header, sample_header());
  EXPECT_EQ(contents.runs[0].records, records);
  EXPECT_EQ(contents.runs[0].end, kSampleStart + 1234ms);
}

TEST(ProbeLog, WriteReadGapsAndTheControl) {
  auto header = sample_header();
  header.proxy = "socks5h://***@127.0.0.1:1080";
  header.control = "https://***@control.example/";
  std::string text = upwatch::format_run_header(header);
  text += upwatch::format_record(upwatch::testing::sample_control_record());
  for (const auto& gap : upwatch::testing::sample_gaps()) text += upwatch::format_gap(gap);
  EXPECT_EQ(upwatch::format_gap(upwatch::testing::sample_gaps()[0]),
            "# upwatch gap start=2026-11-26T00:00:00.250Z end=2026-11-26T00:00:00.400Z first=5 "
            "ticks=3 cause=overload\n\n");
  EXPECT_EQ(upwatch::format_record(upwatch::testing::sample_control_record()),
            "* 2026-11-26T00:00:00.200Z #4 204 0.388ms 192.0.2.7:443 control\n\n");
  EXPECT_NE(
      text.find(" proxy=socks5h://***@127.0.0.1:1080 control=https://***@control.example/ track="),
      std::string::npos)
      << text;
  const auto contents = read(text);
  EXPECT_TRUE(contents.bad_lines.empty());
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_EQ(contents.runs[0].header, header);
  EXPECT_EQ(contents.runs[0].records,
            std::vector<ProbeRecord>{upwatch::testing::sample_control_record()});
  EXPECT_EQ(contents.runs[0].gaps, upwatch::testing::sample_gaps());
}

TEST(ProbeLog, WriteReadMarks) {
  const upwatch::Mark drained{.time = kSampleStart + 70ms, .text = "drained s1 run=1"};
  EXPECT_EQ(upwatch::format_mark(drained),
            "# upwatch mark time=2026-11-26T00:00:00.070Z drained s1 run=1\n\n");
  const auto records = sample_records();
  // A mark before any run belongs to none; one between records belongs to the run begun last.
  std::string text = upwatch::format_mark({.time = kSampleStart, .text = "before"});
  text += upwatch::format_run_header(sample_header());
  text += upwatch::format_record(records[0]);
  text += upwatch::format_mark(drained);
  text += upwatch::format_record(records[1]);
  text += "# upwatch mark time=2026-11-26T00:00:00.080Z\n";  // no text
  text += "# upwatch mark time=yesterday drained\n";
  const auto contents = read(text);
  EXPECT_EQ(contents.bad_lines, (std::vector<std::size_t>{15, 16}));
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_EQ(contents.runs[0].marks, std::vector<upwatch::Mark>{drained});
  EXPECT_EQ(contents.runs[0].records, (std::vector<ProbeRecord>{records[0], records[1]}));
}

TEST(ProbeLog, BadGapLinesAreNamed) {
  std::string text = upwatch::format_run_header(sample_header());
  text += "# upwatch gap start=2026-11-26T00:00:00.250Z end=x first=5 ticks=3 cause=overload\n";
  text +=
      "# upwatch gap start=2026-11-26T00:00:00.250Z end=2026-11-26T00:00:00.400Z first=5 "
      "ticks=3 cause=tea\n";
  text += "* 2026-11-26T00:00:00.200Z #4 204 0.388ms 192.0.2.7:443 bystander\n\n";
  const auto contents = read(text);
  EXPECT_EQ(contents.bad_lines, (std::vector<std::size_t>{3, 4, 5}));
}

TEST(ProbeLog, RunWithoutSummaryIsMarked) {
  const auto contents = read(write_log(sample_records(), false));
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_EQ(contents.runs[0].end, std::nullopt);
  EXPECT_EQ(contents.runs[0].records.size(), 4U);
}

TEST(ProbeLog, SeveralRunsInOneFile) {
  const std::string text =
      write_log(sample_records(), true) + write_log({sample_records()[1]}, false);
  const auto contents = read(text);
  EXPECT_TRUE(contents.bad_lines.empty());
  ASSERT_EQ(contents.runs.size(), 2U);
  EXPECT_EQ(contents.runs[0].records.size(), 4U);
  EXPECT_EQ(contents.runs[1].records.size(), 1U);
  EXPECT_EQ(contents.runs[1].records[0].sequence, 2U);
}

TEST(ProbeLog, Truncate) {
  // Cut the log at every byte of its last record: the complete records always read back,
  // and the cut one is named as a bad line unless nothing of it remains.
  const auto records = sample_records();
  const std::string whole = write_log(records, false);
  const std::string before_last = write_log({records.begin(), records.end() - 1}, false);
  const std::size_t last_line =
      static_cast<std::size_t>(std::count(before_last.begin(), before_last.end(), '\n')) + 1;
  for (std::size_t cut = before_last.size(); cut < whole.size(); ++cut) {
    const auto contents = read(whole.substr(0, cut));
    ASSERT_EQ(contents.runs.size(), 1U) << cut;
    const auto& read_records = contents.runs[0].records;
    ASSERT_EQ(read_records.size(), 3U) << "cut at " << cut;
    EXPECT_TRUE(std::equal(read_records.begin(), read_records.end(), records.begin())) << cut;
    if (cut == before_last.size()) {
      EXPECT_TRUE(contents.bad_lines.empty());
    } else {
      EXPECT_EQ(contents.bad_lines, std::vector<std::size_t>{last_line}) << "cut at " << cut;
    }
  }
  EXPECT_EQ(read(whole).runs[0].records.size(), 4U);
}

TEST(ProbeLog, BadLinesAreNamedAndTheRestIsRead) {
  std::string text = write_log(sample_records(), false);
  text.insert(0, "some junk before any run\n");
  text += "* not-a-time #9 200 1ms x\n\n";
  text += "stray line\n";
  text += upwatch::format_record(sample_records()[0]);
  const auto contents = read(text);
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_EQ(contents.runs[0].records.size(), 5U);
  ASSERT_EQ(contents.bad_lines.size(), 3U);
  EXPECT_EQ(contents.bad_lines[0], 1U);
}

TEST(ProbeLog, MalformedRecordLinesAreRejected) {
  const std::string prefix = upwatch::format_run_header(sample_header());
  for (const char* bad : {"* 2026-11-26T00:00:00.000Z 0 200 0.412ms 127.0.0.1:80",
                          "* 2026-11-26T00:00:00.000Z #x 200 0.412ms 127.0.0.1:80",
                          "* 2026-11-26T00:00:00.000Z #0 20 0.412ms 127.0.0.1:80",
                          "* 2026-11-26T00:00:00.000Z #0 200 0.412 127.0.0.1:80",
                          "* 2026-11-26T00:00:00.000Z #0 200 0.412ms",
                          "* 2026-11-26T00:00:00.000Z #0 200 0.412ms a b",
                          // Found by the fuzzer: a total this long overflowed the run's end.
                          "* 2026-11-26T00:00:00.000Z #0 200 99999999999999ms 127.0.0.1:80"}) {
    const auto contents = read(prefix + bad + "\n\n");
    EXPECT_EQ(contents.bad_lines, std::vector<std::size_t>{3}) << bad;
    EXPECT_TRUE(contents.runs[0].records.empty()) << bad;
  }
}

TEST(ProbeLog, WriteReadSeveralUrlsAndTheirAddresses) {
  auto header = sample_header();
  header.id = "0a1b2c3d";
  header.each_address = true;
  header.vantage = "eu-west-1a";
  header.slow = std::chrono::microseconds{250'000};
  header.both_connections = true;
  header.user = "alice";
  header.more_urls = {"http://127.0.0.1:8080/api", "https://***@lb.test/"};
  auto record = sample_records()[0];
  record.url = "http://127.0.0.1:8080/api";
  record.address = "127.0.0.2";
  record.connection = "kept-alive";
  const upwatch::AddressSet set{.url = "http://127.0.0.1:8080/api",
                                .first_tick = 12,
                                .time = kSampleStart + 600ms,
                                .addresses = {"127.0.0.1", "127.0.0.2", "::1"}};
  const std::string text = upwatch::format_run_header(header) +
                           upwatch::format_addresses(set, header.id) +
                           upwatch::format_record(record, header.id);
  // Each further URL has a line of its own; each record names its URL and address, so that
  // grep finds them.
  EXPECT_NE(text.find(" vantage=eu-west-1a each-address connections=both "
                      "url=http://127.0.0.1:8080/health\n"
                      "# upwatch target url=http://127.0.0.1:8080/api run=0a1b2c3d\n"
                      "# upwatch target url=https://***@lb.test/ run=0a1b2c3d\n\n"
                      "# upwatch addresses time=2026-11-26T00:00:00.600Z first=12 "
                      "set=127.0.0.1,127.0.0.2,::1 url=http://127.0.0.1:8080/api run=0a1b2c3d\n\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" user=alice:*** track="), std::string::npos) << text;
  EXPECT_NE(text.find(" slow=0.25 "), std::string::npos) << text;
  EXPECT_NE(text.find(" url=http://127.0.0.1:8080/api address=127.0.0.2 connection=kept-alive "
                      "run=0a1b2c3d\n"),
            std::string::npos)
      << text;
  const auto contents = read(text + "# upwatch target url=http://late/ run=0a1b2c3d\n\n");
  EXPECT_EQ(contents.bad_lines, std::vector<std::size_t>{12});  // a target line out of place
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_EQ(contents.runs[0].header, header);
  EXPECT_EQ(contents.runs[0].address_sets, std::vector<upwatch::AddressSet>{set});
  EXPECT_EQ(contents.runs[0].records, std::vector<ProbeRecord>{record});
}
