#include "upwatch/probe_jsonl.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

using namespace std::chrono_literals;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::RunHeader;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};

const RunHeader kHeader{.version = "0.1.0",
                        .start = kStart,
                        .interval = 50ms,
                        .expect = "2xx,3xx",
                        .url = "http://127.0.0.1:8080/health"};

std::vector<ProbeRecord> sample_records() {
  return {
      {.sequence = 0,
       .sent = kStart,
       .outcome = Outcome::http(200),
       .total = 412us,
       .remote = "127.0.0.1:8080",
       .lines = {"HTTP/1.1 200 OK", "Server: nginx/1.22.1", "ETag: \"6538b553-19a\""}},
      {.sequence = 2,
       .sent = kStart + 100ms,
       .outcome = Outcome::failure(Transport::refused),
       .total = 101us,
       .lines =
           {"curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Connection refused"}},
      {.sequence = 1,
       .sent = kStart + 50ms,
       .outcome = Outcome::http(502),
       .total = 5'000'123us,
       .remote = "[::1]:8080",
       .lines = {"HTTP/2 502 ", "date: Fri, 17 Nov 2023 00:09:32 GMT"}},
  };
}

struct Collected : upwatch::LogVisitor {
  void on_run(RunHeader header) override { headers.push_back(std::move(header)); }
  void on_record(ProbeRecord record) override { records.push_back(std::move(record)); }
  void on_end(WallTime end) override { ends.push_back(end); }
  std::vector<RunHeader> headers;
  std::vector<ProbeRecord> records;
  std::vector<WallTime> ends;
};

std::string write(const std::vector<ProbeRecord>& records, bool with_end) {
  std::string text = upwatch::format_jsonl_run(kHeader);
  for (const auto& record : records) text += upwatch::format_jsonl_record(record);
  if (with_end) text += upwatch::format_jsonl_end(kStart + 1234ms);
  return text;
}

std::pair<Collected, std::vector<std::size_t>> read(const std::string& text) {
  std::istringstream in{text};
  Collected collected;
  auto bad_lines = upwatch::read_jsonl(in, collected);
  return {std::move(collected), std::move(bad_lines)};
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
            nlohmann::json::parse(R"([["Server","nginx/1.22.1"],["ETag","\"6538b553-19a\""]])"));
  const auto failed = nlohmann::json::parse(upwatch::format_jsonl_record(sample_records()[1]));
  EXPECT_EQ(failed["outcome"], "refused");
  EXPECT_TRUE(failed["status"].is_null());
  EXPECT_EQ(failed["error"], sample_records()[1].lines[0]);
  EXPECT_EQ(
      nlohmann::json::parse(upwatch::format_jsonl_record(sample_records()[2]))["http_version"],
      "2");
  const auto run = nlohmann::json::parse(upwatch::format_jsonl_run(kHeader));
  EXPECT_EQ(run["interval_s"], 0.05);
  EXPECT_EQ(run["expect"], "2xx,3xx");
}

TEST(ProbeJsonl, WriteRead) {
  const auto [collected, bad_lines] = read(write(sample_records(), true));
  EXPECT_TRUE(bad_lines.empty());
  ASSERT_EQ(collected.headers.size(), 1U);
  EXPECT_EQ(collected.headers[0], kHeader);
  EXPECT_EQ(collected.records, sample_records());
  EXPECT_EQ(collected.ends, std::vector<WallTime>{kStart + 1234ms});
}

TEST(ProbeJsonl, Truncate) {
  const auto records = sample_records();
  const std::string whole = write(records, false);
  const std::string before_last = write({records.begin(), records.end() - 1}, false);
  // Cut anywhere before its final newline (without which the line is still whole).
  for (std::size_t cut = before_last.size(); cut + 1 < whole.size(); ++cut) {
    const auto [collected, bad_lines] = read(whole.substr(0, cut));
    ASSERT_EQ(collected.records.size(), 2U) << "cut at " << cut;
    EXPECT_EQ(collected.records[1], records[1]);
    if (cut == before_last.size()) {
      EXPECT_TRUE(bad_lines.empty());
    } else {
      EXPECT_EQ(bad_lines, std::vector<std::size_t>{4}) << "cut at " << cut;
    }
  }
  EXPECT_EQ(read(whole.substr(0, whole.size() - 1)).first.records, records);
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
  const auto [collected, bad_lines] = read(text);
  EXPECT_EQ(collected.records.size(), 4U);
  EXPECT_EQ(bad_lines, (std::vector<std::size_t>{1, 6, 7, 8, 9, 10, 11, 12}));
}
