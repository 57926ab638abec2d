#include "upwatch/report/html_report.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "log_samples.hpp"
#include "upwatch/analysis/outage.hpp"

using namespace std::chrono_literals;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::RunInfo;
using upwatch::Timeline;
using upwatch::Transport;
using upwatch::testing::kSampleStart;

namespace {

struct Drawn {
  RunInfo run;
  upwatch::RunAnalysis analysis;
  std::string html;
};

/// The analysis of `probes` probes of `url` sent at `sent(k)`, those in `failed` failing
/// (refused), and their timeline.
std::pair<upwatch::RunAnalysis, Timeline> probe(
    std::uint64_t probes, const std::vector<std::uint64_t>& failed,
    const std::function<upwatch::WallTime(std::uint64_t)>& sent) {
  Timeline timeline{kSampleStart};
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 10ms};
  analysis.observe(&timeline);
  auto next_failure = failed.begin();
  for (std::uint64_t k = 0; k < probes; ++k) {
    const bool fails = next_failure != failed.end() && *next_failure == k;
    if (fails) ++next_failure;
    analysis.add({.sequence = k,
                  .sent = sent(k),
                  .outcome = fails ? Outcome::failure(Transport::refused) : Outcome::http(200),
                  .total = std::chrono::microseconds{500 + static_cast<int>(k % 7)}});
  }
  return {std::move(analysis).finish(), std::move(timeline)};
}

upwatch::WallTime every_10ms(std::uint64_t k) {
  return kSampleStart + 10ms * static_cast<std::int64_t>(k);
}

/// `probes` probes 10 ms apart, those in `failed` failing (refused), drawn as HTML.
Drawn draw(std::uint64_t probes, const std::vector<std::uint64_t>& failed,
           std::string url = "http://127.0.0.1:8080/health", std::vector<upwatch::Mark> marks = {},
           const std::function<upwatch::WallTime(std::uint64_t)>& sent = every_10ms) {
  auto [analysis, timeline] = probe(probes, failed, sent);
  Drawn drawn{.run = {.start = kSampleStart,
                      .end = sent(probes),
                      .url = url,
                      .interval = 10ms,
                      .marks = std::move(marks)},
              .analysis = analysis};
  upwatch::RunResults results;
  results.targets.push_back({.url = std::move(url), .analysis = std::move(analysis)});
  std::vector<Timeline> timelines;
  timelines.push_back(std::move(timeline));
  drawn.html = upwatch::render_html(drawn.run, results, timelines);
  return drawn;
}

std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TEST(HtmlReport, ShowsTheVerdictTheSeedLinesAndEveryWindowOnTheStripAndInTheList) {
  const auto drawn = draw(100, {10, 11, 12, 50});
  const auto& html = drawn.html;
  ASSERT_EQ(drawn.analysis.windows.size(), 2U);
  EXPECT_EQ(occurrences(html, R"(<rect class="window")"), 2U);
  EXPECT_EQ(occurrences(html, R"(<tr class="window-row")"), 2U);
  EXPECT_EQ(occurrences(html, R"(<rect class="down")"), 4U);
  EXPECT_EQ(occurrences(html, R"(<rect class="up")"), 96U);
  EXPECT_NE(html.find(R"(<h1 id="verdict">down</h1>)"), std::string::npos);
  EXPECT_NE(html.find("<p id=\"reasons\">2 windows of downtime, 0.040s in total</p>"),
            std::string::npos);
  for (const auto* seed : {"<dt>START:</dt>", "<dt>END:</dt>", "<dt>URL:</dt>", "<dt>INT:</dt>"}) {
    EXPECT_NE(html.find(seed), std::string::npos) << seed;
  }
  EXPECT_NE(html.find("window 1: 2026-11-26T00:00:00.100Z to 2026-11-26T00:00:00.130Z, 0.030s\n"
                      "3 failed probes (#10-#12): refused x 3"),
            std::string::npos);
  EXPECT_NE(html.find("#10 sent 2026-11-26T00:00:00.100Z\nrefused x 1"), std::string::npos);
  // The text summary is in it, word for word (escaped).
  EXPECT_NE(html.find("VERDICT: down (exit 1): 2 windows of downtime, 0.040s in total"),
            std::string::npos);
}

TEST(HtmlReport, MarksAreLabelledLinesAcrossEachDrawingAndEventsInTimeOrder) {
  const std::vector<upwatch::Mark> marks{{.time = kSampleStart + 95ms, .text = "drained <s1>"},
                                         {.time = kSampleStart + 600ms, .text = "healthy s2"},
                                         {.time = kSampleStart + 990ms, .text = "done"}};
  const auto drawn = draw(100, {10, 11, 12}, "http://127.0.0.1:8080/health", marks);
  const auto& html = drawn.html;
  // A line across the strip and the latency drawing for each, and a label with its text.
  EXPECT_EQ(occurrences(html, R"(<rect class="mark")"), 6U);
  EXPECT_EQ(occurrences(html, R"(<div class="mark-labels")"), 2U);
  EXPECT_NE(html.find(R"(<span class="mark-label" style="left:9.50%;top:0px" data-tip="drained )"
                      R"(&lt;s1&gt;)"
                      "\n"
                      R"(2026-11-26T00:00:00.095Z">drained &lt;s1&gt;</span>)"),
            std::string::npos)
      << html;
  // A label that would run off the drawing ends at its line instead.
  EXPECT_NE(html.find(R"(<span class="mark-label leftwards" style="right:1.00%;top:0px")"),
            std::string::npos);
  EXPECT_EQ(html.find("<s1>"), std::string::npos);
  // The table of events: marks and the window, in time order.
  const auto events = html.substr(html.find(R"(<table id="events">)"));
  const auto at = [&](std::string_view text) { return events.find(text); };
  EXPECT_LT(at("<tr class=\"mark\"><td>2026-11-26T00:00:00.095Z</td><td>drained &lt;s1&gt;"),
            at("<tr class=\"window\"><td>2026-11-26T00:00:00.100Z</td><td>downtime begins: 3 "
               "failed probes (#10-#12): refused x 3</td>"));
  EXPECT_LT(at("<td>downtime ends after 0.030s</td>"), at("<td>healthy s2</td>"));
  EXPECT_NE(at("<td>healthy s2</td>"), std::string::npos);
  // In the summary too, in time order with the window.
  EXPECT_NE(html.find("  2026-11-26T00:00:00.095Z  drained &lt;s1&gt;\n"
                      "  2026-11-26T00:00:00.100Z  [downtime begins: 3 failed probes (#10-#12): "
                      "refused x 3]\n"
                      "  2026-11-26T00:00:00.130Z  [downtime ends after 0.030s]\n"
                      "  2026-11-26T00:00:00.600Z  healthy s2\n"),
            std::string::npos)
      << html;
  // Without marks, no line and no label.
  const auto plain = draw(10, {}).html;
  EXPECT_EQ(plain.find(R"(class="mark)"), std::string::npos);
  EXPECT_EQ(plain.find(R"(<table id="events">)"), std::string::npos);
}

TEST(HtmlReport, MarksCloseTogetherAreLabelledOnRowsOfTheirOwn) {
  std::vector<upwatch::Mark> marks;
  for (int k = 0; k < 3; ++k) {
    marks.push_back({.time = kSampleStart + 100ms + 5ms * k, .text = fmt::format("step {}", k)});
  }
  const auto html = draw(100, {}, "http://127.0.0.1:8080/health", marks).html;
  for (const auto* row : {"top:0px", "top:16px", "top:32px"}) {
    EXPECT_NE(html.find(row), std::string::npos) << row;
  }
  EXPECT_NE(html.find(R"(<div class="mark-labels" style="height:50px">)"), std::string::npos);
}

TEST(HtmlReport, TheAxisIsLabelledAtRoundInstantsChosenForTheSpan) {
  const auto ticks = [](upwatch::WallTime start, std::chrono::milliseconds length) {
    std::vector<std::string> labels;
    for (const auto& tick : upwatch::axis_ticks(start, start + length)) {
      labels.push_back(tick.label);
    }
    return labels;
  };
  const auto noon = kSampleStart + 12h;
  EXPECT_EQ(ticks(noon + 3250ms, 10s),
            (std::vector<std::string>{"12:00:04", "12:00:06", "12:00:08", "12:00:10", "12:00:12"}));
  EXPECT_EQ(ticks(noon + 3250ms, 800ms),
            (std::vector<std::string>{"12:00:03.4", "12:00:03.6", "12:00:03.8", "12:00:04.0"}));
  EXPECT_EQ(ticks(noon + 20s, 90s), (std::vector<std::string>{"12:00:30", "12:00:45", "12:01:00",
                                                              "12:01:15", "12:01:30", "12:01:45"}));
  EXPECT_EQ(ticks(noon - 7min, 30min),
            (std::vector<std::string>{"11:55", "12:00", "12:05", "12:10", "12:15", "12:20"}));
  EXPECT_EQ(ticks(noon + 1ms, 3 * 24h),
            (std::vector<std::string>{"11-27 00:00", "11-27 12:00", "11-28 00:00", "11-28 12:00",
                                      "11-29 00:00", "11-29 12:00"}));
  EXPECT_EQ(ticks(noon + 5ms, 40ms),
            (std::vector<std::string>{"12:00:00.01", "12:00:00.02", "12:00:00.03", "12:00:00.04"}));
  // Never more than 8, over any span.
  for (auto length = 1ms; length < 24h * 400; length = length * 3 + 7ms) {
    const auto count = upwatch::axis_ticks(noon, noon + length).size();
    EXPECT_LE(count, 8U) << length;
    EXPECT_GE(count, length >= 100ms ? 2U : 0U) << length;
  }
  // On the page, each label is placed at its instant.
  const auto html = draw(1000, {}).html;  // 10 s from midnight
  EXPECT_NE(html.find(R"(<div class="axis-name">UTC</div><div class="axis">)"
                      R"(<span style="left:0.00%">00:00:00</span>)"
                      R"(<span style="left:20.00%">00:00:02</span>)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<span style="left:100.00%">00:00:10</span></div>)"), std::string::npos);
}

TEST(HtmlReport, TheProbeStripHasNoSeamsWhereProbesWereSentLateButOnlyWhereNoneWasSent) {
  // Every third probe 4 ms late, and none sent for ticks 50 to 59.
  const auto jittered = [](std::uint64_t k) {
    const auto tick = k < 50 ? k : k + 10;
    return kSampleStart + 10ms * static_cast<std::int64_t>(tick) + (k % 3 == 0 ? 4ms : 0ms);
  };
  const auto html = draw(100, {20}, "http://127.0.0.1:8080/health", {}, jittered).html;
  const auto strip = html.substr(html.find(R"(<g class="probes">)"));
  std::vector<std::pair<double, double>> drawn;  // each column's left and right
  for (auto at = strip.find("<rect"); at < strip.find("</g>"); at = strip.find("<rect", at + 1)) {
    double x = 0;
    double width = 0;
    ASSERT_EQ(std::sscanf(strip.c_str() + strip.find(" x=", at), R"( x="%lf" y="%*f" width="%lf")",
                          &x, &width),
              2);
    drawn.emplace_back(x, x + width);
  }
  ASSERT_EQ(drawn.size(), 100U);
  std::size_t empty_stretches = 0;
  for (std::size_t k = 1; k < drawn.size(); ++k) {
    if (drawn[k].first > drawn[k - 1].second) {
      ++empty_stretches;
      // The 10 ticks not sent, 100 ms of the run's 1.1 s drawn 1,000 units wide.
      EXPECT_EQ(k, 50U);
      EXPECT_NEAR(drawn[k].first - drawn[k - 1].second, 1000.0 * 100 / 1100, 1.0);
    }
  }
  EXPECT_EQ(empty_stretches, 1U);
}

TEST(HtmlReport, NeedsNothingFromTheNetworkAndEscapesWhatTheLogSays) {
  const auto drawn = draw(5, {}, "http://127.0.0.1:8080/<script>alert(1)</script>?a=1&b=\"2\"");
  const auto& html = drawn.html;
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("/&lt;script&gt;alert(1)&lt;/script&gt;?a=1&amp;b=&quot;2&quot;"),
            std::string::npos);
  for (const auto* fetches : {"src=", "href=", "@import", "url(", "<link", "<iframe"}) {
    EXPECT_EQ(html.find(fetches), std::string::npos) << fetches;
  }
  EXPECT_EQ(occurrences(html, "<script>"), 1U);
  EXPECT_NE(html.find(R"(<h1 id="verdict">up</h1>)"), std::string::npos);
  EXPECT_NE(html.find("<p>No downtime window.</p>"), std::string::npos);
}

TEST(HtmlReport, AMillionProbesMakeAFileOfAFewMiBWithEveryFailureMarked) {
  std::vector<std::uint64_t> failed{123'457};
  for (std::uint64_t k = 0; k < 1000; ++k) failed.push_back(200'000 + k * 700);  // 1000 windows
  const auto drawn = draw(1'000'000, failed);
  EXPECT_LT(drawn.html.size(), 3U << 20U);
  EXPECT_EQ(drawn.analysis.windows.size(), 1000U);  // and one more, not listed
  EXPECT_EQ(occurrences(drawn.html, R"(<rect class="window")"), 1000U);
  EXPECT_NE(
      drawn.html.find("... and 1 more window (1 failed probe, 0.010s of downtime) not listed."),
      std::string::npos);
  EXPECT_GE(occurrences(drawn.html, R"(<rect class="down")"), 1U);
  EXPECT_NE(drawn.html.find("#123457"), std::string::npos);  // named in its column's details
}
