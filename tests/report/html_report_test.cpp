#include "upwatch/report/html_report.hpp"

#include <gtest/gtest.h>

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

/// `probes` probes 10 ms apart, those in `failed` failing (refused), drawn as HTML.
Drawn draw(std::uint64_t probes, const std::vector<std::uint64_t>& failed,
           std::string url = "http://127.0.0.1:8080/health",
           std::vector<upwatch::Mark> marks = {}) {
  Timeline timeline{kSampleStart};
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 10ms};
  analysis.observe(&timeline);
  auto next_failure = failed.begin();
  for (std::uint64_t k = 0; k < probes; ++k) {
    const bool fails = next_failure != failed.end() && *next_failure == k;
    if (fails) ++next_failure;
    analysis.add({.sequence = k,
                  .sent = kSampleStart + 10ms * static_cast<std::int64_t>(k),
                  .outcome = fails ? Outcome::failure(Transport::refused) : Outcome::http(200),
                  .total = std::chrono::microseconds{500 + static_cast<int>(k % 7)}});
  }
  Drawn drawn{.run = {.start = kSampleStart,
                      .end = kSampleStart + 10ms * static_cast<std::int64_t>(probes),
                      .url = std::move(url),
                      .interval = 10ms,
                      .marks = std::move(marks)},
              .analysis = std::move(analysis).finish()};
  drawn.html = upwatch::render_html(drawn.run, drawn.analysis, timeline);
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

TEST(HtmlReport, MarksAreDrawnOnTheirLaneAndListedEscaped) {
  const std::vector<upwatch::Mark> marks{{.time = kSampleStart + 95ms, .text = "drained <s1>"},
                                         {.time = kSampleStart + 600ms, .text = "healthy s2"}};
  const auto drawn = draw(100, {10, 11, 12}, "http://127.0.0.1:8080/health", marks);
  const auto& html = drawn.html;
  EXPECT_EQ(occurrences(html, R"(<rect class="mark")"), 2U);
  EXPECT_NE(html.find(R"(data-tip="drained &lt;s1&gt;)"
                      "\n"
                      R"(2026-11-26T00:00:00.095Z")"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>2026-11-26T00:00:00.600Z</td><td>healthy s2</td></tr>"),
            std::string::npos);
  EXPECT_EQ(html.find("<s1>"), std::string::npos);
  // In the summary too, in time order with the window.
  EXPECT_NE(html.find("  2026-11-26T00:00:00.095Z  drained &lt;s1&gt;\n"
                      "  2026-11-26T00:00:00.100Z  [downtime begins: 3 failed probes (#10-#12): "
                      "refused x 3]\n"
                      "  2026-11-26T00:00:00.130Z  [downtime ends after 0.030s]\n"
                      "  2026-11-26T00:00:00.600Z  healthy s2\n"),
            std::string::npos)
      << html;
  // Without marks, no lane for them.
  EXPECT_EQ(draw(10, {}).html.find(R"(id="marks")"), std::string::npos);
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
