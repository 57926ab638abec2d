#include "upwatch/log/probe_jsonl.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "log_samples.hpp"

using namespace std::chrono_literals;
using upwatch::ProbeRecord;
using upwatch::testing::kSampleStart;
using upwatch::testing::sample_header;
using upwatch::testing::sample_records;

namespace {

std::string write(const std::vector<ProbeRecord>& records, bool with_end) {
  std::string text = upwatch::format_jsonl_run(sample_header("2xx,3xx"));
  for (const auto& record : records) text += upwatch::format_jsonl_record(record);
  if (with_end) text += upwatch::format_jsonl_end(kSampleStart + 1234ms);
  return text;
}

/// What the reader handed over, and the lines it could not read.
struct Read {
  upwatch::LogCollector collected;
  std::vector<std::size_t> bad_lines;
  /// The records of the one run read; none if there is no run.
  [[nodiscard]] std::vector<ProbeRecord> records() const {
    return collected.runs.empty() ? std::vector<ProbeRecord>{} : collected.runs.back().records;
  }
};

Read read(const std::string& text) {
  std::istringstream in{text};
  upwatch::LineReader lines{in};
  Read result;
  upwatch::read_jsonl(lines, result.collected);
  result.bad_lines = result.collected.bad_lines;
  return result;
}

}  // namespace

TEST(ProbeJsonl, EachLineIsOneDocumentedObject) {
  const auto line = nlohmann::json::parse(upwatch::format_jsonl_record(sample_records()[0]));
  EXPECT_EQ(line["type"], "probe");
  EXPECT_EQ(line["seq"], 0);
  EXPECT_EQ(line["sent"], "2026-11-26T00:00:00.000Z");
  EXPECT_EQ(line["outcome"], "200");
  EXPECT_EQ(line["status"], 200);
  EXPECT_TRUE(line["error"].is_null());
  EXPECT_EQ(line["total_us"], 412);
  EXPECT_EQ(line["remote"], "127.0.0.1:8080");
  EXPECT_EQ(line["http_version"], "1.1");
  EXPECT_EQ(line["status_line"], "HTTP/1.1 200 OK");
  EXPECT_EQ(line["headers"],
            nlohmann::json::parse(R"([["server","nginx/1.22.1"],["etag","\"6538b553-19a\""]])"));
  const auto failed = nlohmann::json::parse(upwatch::format_jsonl_record(sample_records()[1]));
  EXPECT_EQ(failed["outcome"], "refused");
  EXPECT_TRUE(failed["status"].is_null());
  EXPECT_EQ(failed["error"], sample_records()[1].lines[0]);
  EXPECT_EQ(
      nlohmann::json::parse(upwatch::format_jsonl_record(sample_records()[3]))["http_version"],
      "2");
  const auto run = nlohmann::json::parse(upwatch::format_jsonl_run(sample_header("2xx,3xx")));
  EXPECT_EQ(run["interval_s"], 0.05);
  EXPECT_EQ(run["expect"], "2xx,3xx");
}

TEST(ProbeJsonl, TheErrorIsTheLastLineOfAProbeNotAnswered) {
  // A header may look like an error line, and a probe may fail after its headers arrived.
  const std::vector<ProbeRecord> records{
      {.sequence = 0,
       .sent = kSampleStart,
       .outcome = upwatch::Outcome::http(200),
       .lines = {"HTTP/1.1 200 OK", "upwatch: not an error", "curl: (7) nor this"}},
      {.sequence = 1,
       .sent = kSampleStart + 50ms,
       .outcome = upwatch::Outcome::failure(upwatch::Transport::timeout),
       .lines = {"HTTP/1.1 200 OK", "content-length: 9", "curl: (28) Operation timed out"}}};
  const auto answered = nlohmann::json::parse(upwatch::format_jsonl_record(records[0]));
  EXPECT_TRUE(answered["error"].is_null());
  EXPECT_EQ(answered["headers"],
            nlohmann::json::parse(R"([["upwatch","not an error"],["curl","(7) nor this"]])"));
  const auto failed = nlohmann::json::parse(upwatch::format_jsonl_record(records[1]));
  EXPECT_EQ(failed["error"], "curl: (28) Operation timed out");
  EXPECT_EQ(failed["status_line"], "HTTP/1.1 200 OK");
  EXPECT_EQ(failed["headers"], nlohmann::json::parse(R"([["content-length","9"]])"));
  EXPECT_EQ(read(write(records, true)).records(), records);
}

TEST(ProbeJsonl, WriteRead) {
  const auto result = read(write(sample_records(), true));
  EXPECT_TRUE(result.bad_lines.empty());
  ASSERT_EQ(result.collected.runs.size(), 1U);
  EXPECT_EQ(result.collected.runs[0].header, sample_header("2xx,3xx"));
  EXPECT_EQ(result.records(), sample_records());
  EXPECT_EQ(result.collected.runs[0].end, kSampleStart + 1234ms);
}

TEST(ProbeJsonl, WriteReadGapsAndTheControl) {
  auto header = sample_header();
  header.proxy = "http://127.0.0.1:3128";
  header.control = "https://control.example/";
  std::string text = upwatch::format_jsonl_run(header);
  text += upwatch::format_jsonl_record(upwatch::testing::sample_control_record());
  for (const auto& gap : upwatch::testing::sample_gaps()) text += upwatch::format_jsonl_gap(gap);
  const auto gap =
      nlohmann::json::parse(upwatch::format_jsonl_gap(upwatch::testing::sample_gaps()[0]));
  EXPECT_EQ(gap, nlohmann::json::parse(R"({"type":"gap","start":"2026-11-26T00:00:00.250Z",
      "end":"2026-11-26T00:00:00.400Z","first":5,"ticks":3,"cause":"overload"})"));
  const auto control = nlohmann::json::parse(
      upwatch::format_jsonl_record(upwatch::testing::sample_control_record()));
  EXPECT_EQ(control["role"], "control");
  const auto result = read(text);
  EXPECT_TRUE(result.bad_lines.empty());
  ASSERT_EQ(result.collected.runs.size(), 1U);
  EXPECT_EQ(result.collected.runs[0].header, header);
  EXPECT_EQ(result.records(), std::vector<ProbeRecord>{upwatch::testing::sample_control_record()});
  EXPECT_EQ(result.collected.runs[0].gaps, upwatch::testing::sample_gaps());
}

TEST(ProbeJsonl, Truncate) {
  const auto records = sample_records();
  const std::string whole = write(records, false);
  const std::string before_last = write({records.begin(), records.end() - 1}, false);
  // Cut anywhere before its final newline (without which the line is still whole).
  for (std::size_t cut = before_last.size(); cut + 1 < whole.size(); ++cut) {
    const auto result = read(whole.substr(0, cut));
    const auto read_records = result.records();
    ASSERT_EQ(read_records.size(), 3U) << "cut at " << cut;
    EXPECT_TRUE(std::equal(read_records.begin(), read_records.end(), records.begin())) << cut;
    if (cut == before_last.size()) {
      EXPECT_TRUE(result.bad_lines.empty());
    } else {
      EXPECT_EQ(result.bad_lines, std::vector<std::size_t>{5}) << "cut at " << cut;
    }
  }
  EXPECT_EQ(read(whole.substr(0, whole.size() - 1)).records(), records);
}

TEST(ProbeJsonl, BadLinesAreNamedAndTheRestIsRead) {
  std::string text = R"({"type":"probe","seq":0})"
                     "\n";  // before any run
  text += write(sample_records(), false);
  text += "not json\n";
  text +=
      R"({"type":"probe","seq":-1,"sent":"2026-11-26T00:00:00.000Z","outcome":"200","total_us":1})"
      "\n";
  text += R"({"type":"probe","seq":9,"sent":5,"outcome":"200","total_us":1})"
          "\n";
  text += R"({"type":"run","start":"x","interval_s":1})"
          "\n";
  text += R"([1,2,3])"
          "\n";
  // Found by the fuzzer: totals out of range overflowed the run's end.
  text +=
      R"({"type":"probe","seq":3,"sent":"2026-11-26T00:00:00.000Z","outcome":"200","total_us":9223372036854775807})"
      "\n";
  text +=
      R"({"type":"probe","seq":3,"sent":"2026-11-26T00:00:00.000Z","outcome":"200","total_us":-1})"
      "\n";
  text += upwatch::format_jsonl_record(sample_records()[0]);
  const auto result = read(text);
  EXPECT_EQ(result.records().size(), 5U);
  EXPECT_EQ(result.bad_lines, (std::vector<std::size_t>{1, 7, 8, 9, 10, 11, 12, 13}));
}

TEST(ProbeJsonl, WriteReadSeveralUrlsAndTheirAddresses) {
  auto header = sample_header("2xx,3xx");
  header.each_address = true;
  header.vantage = "eu-west-1a";
  header.slow = std::chrono::microseconds{250'000};
  header.both_connections = true;
  header.user = "alice";
  header.more_urls = {"http://127.0.0.1:8080/api"};
  auto record = sample_records()[0];
  record.url = "http://127.0.0.1:8080/api";
  record.address = "127.0.0.2";
  record.connection = "kept-alive";
  const upwatch::AddressSet set{.url = "http://127.0.0.1:8080/api",
                                .first_tick = 3,
                                .time = kSampleStart + 600ms,
                                .addresses = {"127.0.0.1", "127.0.0.2"}};
  const auto line = upwatch::format_jsonl_addresses(set);
  EXPECT_EQ(line, R"({"type":"addresses","time":"2026-11-26T00:00:00.600Z","first":3,)"
                  R"("set":["127.0.0.1","127.0.0.2"],"url":"http://127.0.0.1:8080/api"})"
                  "\n");
  const auto result =
      read(upwatch::format_jsonl_run(header) + line + upwatch::format_jsonl_record(record));
  EXPECT_TRUE(result.bad_lines.empty());
  ASSERT_EQ(result.collected.runs.size(), 1U);
  EXPECT_EQ(result.collected.runs[0].header, header);
  EXPECT_EQ(result.collected.runs[0].address_sets, std::vector<upwatch::AddressSet>{set});
  EXPECT_EQ(result.records(), std::vector<upwatch::ProbeRecord>{record});
}

TEST(ProbeJsonl, BytesThatAreNotUtf8AreReplacedNotFailedOn) {
  // A text log read back may hold any bytes in a URL or an address.
  const upwatch::AddressSet set{.url = "http://h/\xff", .addresses = {"10.0.0.\xfe"}};
  EXPECT_NE(upwatch::format_jsonl_addresses(set).find("\xef\xbf\xbd"), std::string::npos);
  auto header = sample_header("2xx");
  header.url = "http://h/\xc3";
  EXPECT_NE(upwatch::format_jsonl_run(header).find("\xef\xbf\xbd"), std::string::npos);
}
