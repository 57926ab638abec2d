#include "upwatch/report/report.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "records.hpp"
#include "upwatch/report/junit.hpp"

using namespace std::chrono_literals;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart = upwatch::testing::kSampleStart + 10h;

class Report : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    ::unsetenv("TZ");
    ::tzset();
  }
};

/// Probe k sent at start + k x 250 ms, 0.5 ms + k x 0.1 ms long.
ProbeRecord probe(std::uint64_t k, Outcome outcome) {
  return upwatch::testing::Probe{.k = k,
                                 .outcome = outcome,
                                 .total = std::chrono::microseconds{500 + 100 * k},
                                 .start = kStart,
                                 .interval = 250ms}
      .record();
}

upwatch::RunAnalysis analyse(const std::vector<Outcome>& outcomes) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 250ms};
  for (std::size_t k = 0; k < outcomes.size(); ++k) analysis.add(probe(k, outcomes[k]));
  return std::move(analysis).finish();
}

}  // namespace

TEST_F(Report, WindowsTotalsAndLatency) {
  const auto ok = Outcome::http(200);
  const auto bad = Outcome::http(502);
  const auto refused = Outcome::failure(Transport::refused);
  const auto analysis = analyse({ok, ok, bad, bad, refused, ok, ok, refused, refused});
  const upwatch::RunInfo run{.start = kStart,
                             .end = kStart + 2300ms,
                             .url = "https://example.com/health",
                             .interval = 250ms};
  EXPECT_EQ(upwatch::render_summary(run, analysis),
            "START: Thu Nov 26 10:00:00 UTC 2026\n"
            "END: Thu Nov 26 10:00:02 UTC 2026\n"
            "URL: https://example.com/health\n"
            "INT: 0.25\n"
            "PROBES: 9 sent, 4 up, 5 down, 0 unanswered; availability 44.444%\n"
            "OUTCOMES: 200 x 4, 502 x 2, refused x 3\n"
            "DOWNTIME: 2 windows, 1.300s in total\n"
            "  2026-11-26T10:00:00.500Z -> 2026-11-26T10:00:01.250Z  0.750s  3 failed probes "
            "(#2-#4): 502 x 2, refused x 1\n"
            "  2026-11-26T10:00:01.750Z -> still down at END  0.550s  2 failed probes (#7-#8): "
            "refused x 2\n"
            "LATENCY: min 0.500ms p50 0.602ms p90 1.100ms p99 1.100ms max 1.100ms (4 good probes)\n"
            "VERDICT: down (exit 1): 2 windows of downtime, 1.300s in total\n");
  EXPECT_EQ(upwatch::exit_status(analysis), 1);
}

TEST_F(Report, NoDowntimeIsSaidExplicitly) {
  const auto analysis = analyse({Outcome::http(200), Outcome::http(204)});
  const auto text = upwatch::render_summary(
      {.start = kStart, .end = kStart + 1s, .url = "http://h/", .interval = 1s}, analysis);
  EXPECT_NE(text.find("\nINT: 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nDOWNTIME: no downtime: every probe succeeded\n"), std::string::npos);
  EXPECT_NE(text.find("availability 100.000%"), std::string::npos);
  EXPECT_NE(text.find("\nVERDICT: up (exit 0): every tick was observed and every probe was "
                      "answered well\n"),
            std::string::npos);
  EXPECT_EQ(upwatch::exit_status(analysis), 0);
}

TEST_F(Report, NoProbesAtAllIsNotSuccess) {
  const auto analysis = analyse({});
  const auto text = upwatch::render_summary(
      {.start = kStart, .end = kStart, .url = "http://h/", .interval = 1s}, analysis);
  EXPECT_NE(text.find("\nOUTCOMES: none\n"), std::string::npos);
  EXPECT_NE(text.find("availability unknown (no probe was judged)\n"), std::string::npos);
  EXPECT_NE(text.find("\nLATENCY: no good probes\n"), std::string::npos);
  EXPECT_NE(text.find("\nVERDICT: inconclusive (exit 5): no probe was judged\n"),
            std::string::npos);
  EXPECT_EQ(text.find("every probe succeeded"), std::string::npos);
  EXPECT_EQ(upwatch::exit_status(analysis), upwatch::kExitInconclusive);
}

TEST_F(Report, GapsUnansweredProbesTheControlAndWarnings) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 250ms};
  const auto not_found = Outcome::http(404);
  const auto refused = Outcome::failure(Transport::refused);
  analysis.add(probe(0, not_found));
  analysis.add(probe(1, refused));
  auto control = probe(1, refused);
  control.role = upwatch::Role::control;
  analysis.add(control);
  analysis.add(probe(2, not_found));
  analysis.add_gap({.first_tick = 3,
                    .ticks = 8,
                    .start = kStart + 750ms,
                    .end = kStart + 2750ms,
                    .cause = upwatch::GapCause::stalled});
  analysis.add(probe(11, not_found));
  auto hung = probe(12, Outcome::failure(Transport::abandoned));
  hung.total = 1200ms;
  analysis.add(hung);
  const auto result = std::move(analysis).finish();
  const upwatch::RunInfo run{.start = kStart,
                             .end = kStart + 4200ms,
                             .url = "https://example.com/helth",
                             .control = "https://control.example/",
                             .interval = 250ms};
  EXPECT_EQ(
      upwatch::render_summary(run, result),
      "START: Thu Nov 26 10:00:00 UTC 2026\n"
      "END: Thu Nov 26 10:00:04 UTC 2026\n"
      "URL: https://example.com/helth\n"
      "INT: 0.25\n"
      "CONTROL: https://control.example/\n"
      "PROBES: 5 sent, 3 up, 1 down, 1 unanswered; availability 100.000%\n"
      "OUTCOMES: 404 x 3, refused x 1, abandoned x 1\n"
      "DOWNTIME: none seen, but the run is inconclusive (see VERDICT)\n"
      "PROBER NETWORK: 1 window when the control failed too: probably the prober's own "
      "network, not counted as downtime\n"
      "  2026-11-26T10:00:00.250Z -> 2026-11-26T10:00:00.500Z  0.250s  1 failed probe (#1-#1): "
      "refused x 1\n"
      "GAPS: 1 gap, 2.000s not observed (47.619% of the run); availability is over the probes "
      "observed\n"
      "  2026-11-26T10:00:00.750Z -> 2026-11-26T10:00:02.750Z  2.000s  8 ticks not sent "
      "(#3-#10): upwatch did not run (stopped, or starved of CPU)\n"
      "UNANSWERED: 1 probe still in flight at END, waiting 1.200s to 1.200s; 1 longer than "
      "0.250s (the slowest answer, or one interval if longer)\n"
      "  #12 sent 2026-11-26T10:00:03.000Z, waited 1.200s\n"
      "LATENCY: min 0.500ms p50 0.702ms p90 1.600ms p99 1.600ms max 1.600ms (3 good probes)\n"
      "WARNING: 3 of 3 answers counted as up were not 2xx (404 x 3): the URL may not be the "
      "health endpoint intended (--expect 2xx would count them as down)\n"
      "VERDICT: inconclusive (exit 5): 2.000s of the run not observed (1 gap, 8 ticks not "
      "sent); 1 probe left unanswered longer than 0.250s; 1 window when the control failed "
      "too: probably the prober's own network, not the service\n");
  EXPECT_EQ(upwatch::exit_status(result), upwatch::kExitInconclusive);
}

TEST_F(Report, WindowsBeyondTheListAreCountedNotListed) {
  std::vector<Outcome> outcomes;
  for (std::size_t i = 0; i < upwatch::kMaxListed + 3; ++i) {
    outcomes.push_back(Outcome::http(200));
    outcomes.push_back(Outcome::http(502));
  }
  outcomes.push_back(Outcome::http(200));
  const auto analysis = analyse(outcomes);
  const auto text = upwatch::render_summary(
      {.start = kStart, .end = kStart + 1h, .url = "http://h/", .interval = 250ms}, analysis);
  EXPECT_NE(text.find("\nDOWNTIME: 1003 windows, 4m10.750s in total\n"), std::string::npos);
  EXPECT_NE(
      text.find("\n  ... and 3 more windows (3 failed probes, 0.750s of downtime) not listed\n"),
      std::string::npos)
      << text.substr(text.rfind("  2026"));
}

TEST_F(Report, MarksAreToldInTimeOrderWithTheWindowsOfEachTarget) {
  const auto ok = Outcome::http(200);
  const auto bad = Outcome::http(503);
  upwatch::RunResults results;
  results.targets.push_back({.url = "http://h/", .analysis = analyse({ok, ok, ok, ok})});
  results.targets.push_back({.url = "http://h/api", .analysis = analyse({ok, bad, bad, ok})});
  const upwatch::RunInfo run{.start = kStart,
                             .end = kStart + 1s,
                             .url = "http://h/",
                             .more_urls = {"http://h/api"},
                             .interval = 250ms,
                             .marks = {{.time = kStart + 100ms, .text = "killing a1"},
                                       {.time = kStart + 900ms, .text = "healthy a1"}}};
  const auto text = upwatch::render_report(run, results);
  EXPECT_TRUE(text.ends_with(
      "\nMARKS: 2 marks (upwatch mark), in time order with the windows\n"
      "  2026-11-26T10:00:00.100Z  killing a1\n"
      "  2026-11-26T10:00:00.250Z  [downtime of http://h/api begins: 2 failed probes (#1-#2): "
      "503 x 2]\n"
      "  2026-11-26T10:00:00.750Z  [downtime of http://h/api ends after 0.500s]\n"
      "  2026-11-26T10:00:00.900Z  healthy a1\n"))
      << text;
  // Without marks, no section.
  EXPECT_EQ(upwatch::render_summary({.start = kStart, .end = kStart + 1s, .url = "http://h/"},
                                    results.targets[1].analysis)
                .find("MARKS"),
            std::string::npos);
}

TEST(Junit, ATestCasePerTargetFailedOnlyBeyondTheBudget) {
  using upwatch::Outcome;
  using upwatch::testing::kSampleStart;
  const auto analysed = [](const std::vector<Outcome>& outcomes) {
    upwatch::OutageAnalysis analysis{upwatch::StatusExpectation{}, std::chrono::milliseconds{100}};
    for (std::uint64_t k = 0; k < outcomes.size(); ++k) {
      analysis.add({.sequence = k,
                    .sent = kSampleStart + std::chrono::milliseconds{100} * static_cast<int>(k),
                    .outcome = outcomes[k],
                    .total = std::chrono::microseconds{800}});
    }
    return std::move(analysis).finish();
  };
  const auto ok = Outcome::http(200);
  const auto bad = Outcome::http(502);
  upwatch::RunResults results;
  results.targets.push_back({.url = "http://a/", .analysis = analysed({ok, bad, bad, ok})});
  results.targets.push_back({.url = "http://b/<x>", .analysis = analysed({ok, ok, ok, ok})});
  upwatch::RunInfo run{.start = kSampleStart,
                       .end = kSampleStart + std::chrono::milliseconds{400},
                       .url = "http://a/",
                       .more_urls = {"http://b/<x>"},
                       .interval = std::chrono::milliseconds{100}};
  auto xml = upwatch::render_junit(run, results);
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
  EXPECT_NE(xml.find(R"(<testsuite name="upwatch http://a/ and 1 more" tests="2" failures="1" )"
                     R"(errors="0" skipped="0" time="0.400" timestamp="2026-11-26T00:00:00">)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testcase name="http://a/" classname="upwatch" time="0.400">)"
                     "\n"
                     R"(      <failure type="downtime" message="1 window of downtime, 0.200s in )"
                     R"(total">  2026-11-26T00:00:00.100Z -&gt; 2026-11-26T00:00:00.300Z  0.200s  )"
                     "2 failed probes (#1-#2): 502 x 2\n</failure>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testcase name="http://b/&lt;x&gt;" classname="upwatch" time="0.400"/>)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("VERDICT: down (exit 1): 1 of 2 targets had downtime"), std::string::npos);
  // Within a budget: it passes, its window still told.
  run.budget.total = std::chrono::milliseconds{500};
  xml = upwatch::render_junit(run, results);
  EXPECT_NE(xml.find(R"(tests="2" failures="0" errors="0")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<system-out>down: 1 window of downtime, 0.200s in total, within "
                     "--max-downtime 0.5s\n  2026-11-26T00:00:00.100Z -&gt; "),
            std::string::npos)
      << xml;
}

TEST(Junit, WhatAServerOrAPersonWroteCannotBreakTheXml) {
  EXPECT_EQ(upwatch::escape_xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(upwatch::escape_xml("tab\tline\nbell\x07"
                                "esc\x1b"
                                "del\x7f"),
            "tab\tline\nbell?esc?del?");
  EXPECT_EQ(upwatch::escape_xml("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(upwatch::escape_xml("bad \xc3 cut \xff\xfe \xc0\xaf"), "bad ? cut ?? ??");
  EXPECT_EQ(upwatch::escape_xml("\xe2\x9c"), "??");
}
