#include "upwatch/analysis/logged_run.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "log_samples.hpp"
#include "upwatch/log/probe_jsonl.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/report/report.hpp"

using namespace std::chrono_literals;
using upwatch::LogFormat;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::RunHeader;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart = upwatch::testing::kSampleStart;

RunHeader header(WallTime start) {
  return {.version = "0.1.0",
          .start = start,
          .interval = 100ms,
          .expect = "100-499",
          .url = "http://h/"};
}

ProbeRecord probe(WallTime start, std::uint64_t k, Outcome outcome) {
  return upwatch::testing::Probe{.k = k, .outcome = outcome, .total = 2ms, .start = start}.record();
}

/// A log of two runs: the first with a 502 window and its summary, the second killed while down.
std::string two_runs(bool jsonl) {
  const auto run = jsonl ? upwatch::format_jsonl_run : upwatch::format_run_header;
  const auto record = jsonl ? upwatch::format_jsonl_record : upwatch::format_record;
  std::string text = run(header(kStart));
  for (std::uint64_t k = 0; k < 10; ++k) {
    text += record(probe(kStart, k, Outcome::http(k >= 3 && k < 5 ? 502 : 200)), "");
  }
  text += jsonl ? upwatch::format_jsonl_end(kStart + 1s)
                : upwatch::format_summary_block("START: ...\n", kStart + 1s, "");
  const WallTime later = kStart + 1h;
  text += run(header(later));
  text += record(probe(later, 0, Outcome::http(200)), "");
  text += record(probe(later, 1, Outcome::failure(Transport::reset)), "");
  return text;
}

}  // namespace

TEST(LoggedRun, DetectsTheFormat) {
  EXPECT_EQ(upwatch::detect_format("# upwatch 0.1.0 run start=..."), LogFormat::text);
  EXPECT_EQ(upwatch::detect_format(R"({"type":"run"})"), LogFormat::jsonl);
  EXPECT_EQ(upwatch::detect_format("HTTP/2 200 "), LogFormat::script);
  EXPECT_EQ(upwatch::detect_format("START: Thu Nov 16 16:09:31 PST 2023"), LogFormat::script);
  EXPECT_EQ(upwatch::detect_format("anything else"), LogFormat::text);
}

TEST(LoggedRun, TextAndJsonlGiveTheSameRuns) {
  for (const bool jsonl : {false, true}) {
    std::istringstream in{two_runs(jsonl)};
    const auto reading = upwatch::read_runs(in);
    EXPECT_EQ(reading.format, jsonl ? LogFormat::jsonl : LogFormat::text);
    EXPECT_TRUE(reading.bad_lines.empty());
    ASSERT_EQ(reading.all.size(), 2U);
    const auto& first = reading.all[0];
    EXPECT_TRUE(first.summarized);
    EXPECT_EQ(first.records, 10U);
    EXPECT_EQ(first.info.end, kStart + 1s);
    EXPECT_TRUE(first.info.notes.empty());
    ASSERT_EQ(first.results.targets.front().analysis.windows.size(), 1U);
    EXPECT_EQ(first.results.targets.front().analysis.windows[0].first_sequence, 3U);
    EXPECT_EQ(first.results.targets.front().analysis.windows[0].end, kStart + 500ms);
    const auto& killed = reading.all[1];
    EXPECT_FALSE(killed.summarized);
    EXPECT_EQ(killed.info.end, kStart + 1h + 102ms);  // the end of its last record
    ASSERT_EQ(killed.info.notes.size(), 1U);
    EXPECT_NE(killed.info.notes[0].find("without writing its summary"), std::string::npos);
    ASSERT_EQ(killed.results.targets.front().analysis.windows.size(), 1U);
    EXPECT_EQ(killed.results.targets.front().analysis.windows[0].end, std::nullopt);
  }
}

TEST(LoggedRun, ListsRuns) {
  std::istringstream in{two_runs(false)};
  const auto list = upwatch::render_run_list(upwatch::read_runs(in).all);
  std::istringstream lines{list};
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_TRUE(line.starts_with("RUN  START")) << line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_TRUE(line.starts_with("1    2026-11-26T00:00:00.000Z 2026-11-26T00:00:01.000Z")) << line;
  EXPECT_TRUE(line.ends_with(" yes     http://h/")) << line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_TRUE(line.starts_with("2    2026-11-26T01:00:00.000Z")) << line;
  EXPECT_TRUE(line.ends_with(" no      http://h/")) << line;
  EXPECT_FALSE(std::getline(lines, line));
}

TEST(LoggedRun, JsonSummaryCarriesTheReport) {
  std::istringstream in{two_runs(false)};
  const auto reading = upwatch::read_runs(in);
  const auto& run = reading.all[0];
  const auto document =
      nlohmann::json::parse(upwatch::render_json(run.info, run.results.targets.front().analysis));
  EXPECT_EQ(document["url"], "http://h/");
  EXPECT_EQ(document["interval_s"], 0.1);
  EXPECT_EQ(document["start"], "2026-11-26T00:00:00.000Z");
  EXPECT_EQ(document["end"], "2026-11-26T00:00:01.000Z");
  EXPECT_EQ(document["probes"],
            nlohmann::json::parse(R"({"sent":10,"up":8,"down":2,"unanswered":0})"));
  EXPECT_EQ(document["availability_percent"], 80.0);
  EXPECT_EQ(document["outcomes"], nlohmann::json::parse(R"({"200":8,"502":2})"));
  EXPECT_EQ(document["downtime_ms"], 200);
  ASSERT_EQ(document["windows"].size(), 1U);
  const auto& window = document["windows"][0];
  EXPECT_EQ(window["start"], "2026-11-26T00:00:00.300Z");
  EXPECT_EQ(window["end"], "2026-11-26T00:00:00.500Z");
  EXPECT_EQ(window["still_down_at_end"], false);
  EXPECT_EQ(window["duration_ms"], 200);
  EXPECT_EQ(window["failed_probes"], 2);
  EXPECT_EQ(window["first_probe"], 3);
  EXPECT_EQ(window["last_probe"], 4);
  EXPECT_EQ(window["outcomes"], nlohmann::json::parse(R"({"502":2})"));
  EXPECT_EQ(document["latency_ms"]["count"], 8);
  EXPECT_EQ(document["latency_ms"]["p50"], 2.0);
  EXPECT_EQ(window["cause"], "service");
  EXPECT_EQ(window["began_in_gap"], false);
  EXPECT_EQ(document["verdict"], "down");
  EXPECT_EQ(document["gaps"], nlohmann::json::array());
  EXPECT_EQ(document["unobserved_ms"], 0);
  EXPECT_EQ(document["unanswered"]["overdue"], 0);
  EXPECT_EQ(document["exit_status"], 1);
  const auto& killed = reading.all[1];
  const auto still_down = nlohmann::json::parse(
      upwatch::render_json(killed.info, killed.results.targets.front().analysis));
  EXPECT_TRUE(still_down["windows"][0]["end"].is_null());
  EXPECT_EQ(still_down["windows"][0]["still_down_at_end"], true);
  EXPECT_EQ(still_down["notes"].size(), 1U);
}

TEST(LoggedRun, RunsAreToldApartByTheirIdentifierNotByPosition) {
  // Two runs whose lines are interleaved, as two probers writing one shared file would.
  auto first = header(kStart);
  first.id = "aaaa0001";
  auto second = header(kStart + 1min);
  second.id = "bbbb0002";
  std::string text = upwatch::format_run_header(first) + upwatch::format_run_header(second);
  for (std::uint64_t k = 0; k < 6; ++k) {
    text += upwatch::format_record(probe(kStart, k, Outcome::http(k == 2 ? 502 : 200)), first.id);
    text += upwatch::format_record(probe(kStart + 1min, k, Outcome::http(200)), second.id);
  }
  text += upwatch::format_summary_block("START: ...\n", kStart + 1s, first.id);
  text += upwatch::format_summary_block("START: ...\n", kStart + 1min + 1s, second.id);
  std::istringstream in{text};
  const auto reading = upwatch::read_runs(in);
  EXPECT_TRUE(reading.bad_lines.empty());
  ASSERT_EQ(reading.all.size(), 2U);
  EXPECT_EQ(reading.all[0].results.targets.front().analysis.probes(), 6U);
  EXPECT_EQ(reading.all[0].results.targets.front().analysis.down, 1U);
  EXPECT_EQ(reading.all[1].results.targets.front().analysis.probes(), 6U);
  EXPECT_EQ(reading.all[1].results.targets.front().analysis.down, 0U);
  EXPECT_TRUE(reading.all[1].summarized);
}
