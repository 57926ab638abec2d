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

namespace {

/// The header that opens run `ID`.
std::string header_of_id() {
  auto run = header(kStart);
  run.id = "ID";
  return upwatch::format_run_header(run);
}

/// The records of run `ID` answered 200 at ticks `first` to `end` - 1.
std::string answered(std::uint64_t first, std::uint64_t end) {
  std::string text;
  for (std::uint64_t k = first; k < end; ++k) {
    text += upwatch::format_record(probe(kStart, k, Outcome::http(200)), "ID");
  }
  return text;
}

/// A run `ID` of a 200 at #0-#2, refused at #3-#5, 200 again at #6-#9, and its summary.
std::string refused_in_the_middle() {
  std::string text = header_of_id();
  for (std::uint64_t k = 0; k < 10; ++k) {
    auto record = probe(
        kStart, k, k >= 3 && k < 6 ? Outcome::failure(Transport::refused) : Outcome::http(200));
    record.lines = {k >= 3 && k < 6 ? "curl: (7) Failed to connect" : "HTTP/1.1 200 OK",
                    "server: test"};
    text += upwatch::format_record(record, "ID");
  }
  return text + upwatch::format_summary_block("START: ...\nVERDICT: down\n", kStart + 1s, "ID");
}

/// The lines of `text` from the `first` (1-based) on, as `sed -n 'FIRST,$p'` prints them.
std::string lines_from(const std::string& text, std::size_t first) {
  std::size_t at = 0;
  for (std::size_t line = 1; line < first; ++line) at = text.find('\n', at) + 1;
  return text.substr(at);
}

}  // namespace

TEST(LoggedRun, ALogThatBeginsInsideARunIsReadAsUpwatchsNeverAsTheBashLoops) {
  const auto whole = refused_in_the_middle();
  // The header is two lines, each record four: from the blank line after the header, from
  // record #0's marker line, from #1's, from inside #1 (its status line, then its header
  // line): the refused probes must be seen however the excerpt begins.
  for (const auto& [first, first_tick] :
       std::vector<std::pair<std::size_t, int>>{{2, 0}, {3, 0}, {7, 1}, {8, 2}, {9, 2}}) {
    std::istringstream in{lines_from(whole, first)};
    const auto reading = upwatch::read_runs(in);
    SCOPED_TRACE(first);
    EXPECT_EQ(reading.format, LogFormat::text);
    ASSERT_EQ(reading.all.size(), 1U);
    const auto& run = reading.all[0];
    EXPECT_EQ(run.info.start, kStart + 100ms * first_tick);
    EXPECT_EQ(run.info.interval, 100ms);  // estimated from the records
    const auto& analysis = run.results.targets.front().analysis;
    ASSERT_EQ(analysis.windows.size(), 1U);
    EXPECT_EQ(analysis.windows[0].start, kStart + 300ms);
    EXPECT_EQ(analysis.windows[0].end, kStart + 600ms);
    EXPECT_EQ(analysis.down, 3U);
    EXPECT_EQ(run.results.verdict(), upwatch::RunVerdict::down);
    ASSERT_FALSE(run.info.notes.empty());
    EXPECT_NE(run.info.notes[0].find("holds no header of this run"), std::string::npos);
  }
}

TEST(LoggedRun, AHeadlessRunIsNeverUp) {
  std::istringstream in{answered(5, 9)};
  const auto reading = upwatch::read_runs(in);
  ASSERT_EQ(reading.all.size(), 1U);
  const auto& analysis = reading.all[0].results.targets.front().analysis;
  EXPECT_EQ(analysis.up, 4U);
  EXPECT_TRUE(analysis.gaps.empty());  // it begins at its first tick in the log, not at 0
  EXPECT_EQ(analysis.verdict(), upwatch::RunVerdict::inconclusive);
  const auto reasons = upwatch::verdict_reasons(reading.all[0].info, analysis);
  EXPECT_EQ(reasons,
            std::vector<std::string>{"its header is not in the log and its end is not in the log"});
}

TEST(LoggedRun, AHeadlessRunsIntervalIsUnknownWhenItsRecordsAreCenturiesApart) {
  // Ticks 0 and 1, sent 300 years apart: no interval upwatch takes, nor one nanoseconds hold.
  const auto later = kStart + std::chrono::hours{24 * 365 * 300};
  std::istringstream in{upwatch::format_record(probe(kStart, 0, Outcome::http(200)), "ID") +
                        upwatch::format_record(probe(later - 100ms, 1, Outcome::http(200)), "ID")};
  const auto reading = upwatch::read_runs(in);
  ASSERT_EQ(reading.all.size(), 1U);
  ASSERT_FALSE(reading.all[0].info.notes.empty());
  EXPECT_NE(reading.all[0].info.notes[0].find("INT is unknown"), std::string::npos)
      << reading.all[0].info.notes[0];
}

TEST(LoggedRun, ARunWhoseEndIsNotInTheLogIsAtBestInconclusive) {
  std::istringstream in{header_of_id() + answered(0, 4)};
  const auto reading = upwatch::read_runs(in);
  ASSERT_EQ(reading.all.size(), 1U);
  const auto& analysis = reading.all[0].results.targets.front().analysis;
  EXPECT_EQ(analysis.up, 4U);
  EXPECT_EQ(analysis.verdict(), upwatch::RunVerdict::inconclusive);
  EXPECT_EQ(analysis.incomplete, "its end is not in the log");
}
