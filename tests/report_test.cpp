#include "upwatch/report.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

using namespace std::chrono_literals;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart = WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}} + 10h;

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

upwatch::RunAnalysis analyse(const std::vector<Outcome>& outcomes) {
  OutageAnalysis analysis{upwatch::StatusExpectation{}};
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    analysis.add(ProbeRecord{.sequence = k,
                             .sent = kStart + 250ms * static_cast<int>(k),
                             .outcome = outcomes[k],
                             .total = std::chrono::microseconds{500 + 100 * static_cast<int>(k)}});
  }
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
  EXPECT_EQ(
      upwatch::render_summary(run, analysis),
      "START: Thu Nov 26 10:00:00 UTC 2026\n"
      "END: Thu Nov 26 10:00:02 UTC 2026\n"
      "URL: https://example.com/health\n"
      "INT: 0.25\n"
      "PROBES: 9 sent, 4 up, 5 down, 0 abandoned; availability 44.444%\n"
      "OUTCOMES: 200 x 4, 502 x 2, refused x 3\n"
      "DOWNTIME: 2 windows, 1.300s in total\n"
      "  2026-11-26T10:00:00.500Z -> 2026-11-26T10:00:01.250Z  0.750s  3 failed probes "
      "(#2-#4): 502 x 2, refused x 1\n"
      "  2026-11-26T10:00:01.750Z -> still down at END  0.550s  2 failed probes (#7-#8): "
      "refused x 2\n"
      "LATENCY: min 0.500ms p50 0.602ms p90 1.100ms p99 1.100ms max 1.100ms (4 good probes)\n");
  EXPECT_EQ(upwatch::exit_status(analysis), 1);
}

TEST_F(Report, NoDowntimeIsSaidExplicitly) {
  const auto analysis = analyse({Outcome::http(200), Outcome::http(204)});
  const auto text = upwatch::render_summary(
      {.start = kStart, .end = kStart + 1s, .url = "http://h/", .interval = 1s}, analysis);
  EXPECT_NE(text.find("\nINT: 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nDOWNTIME: no downtime: every probe succeeded\n"), std::string::npos);
  EXPECT_NE(text.find("availability 100.000%"), std::string::npos);
  EXPECT_EQ(upwatch::exit_status(analysis), 0);
}

TEST_F(Report, NoProbesAtAll) {
  const auto analysis = analyse({});
  const auto text = upwatch::render_summary(
      {.start = kStart, .end = kStart, .url = "http://h/", .interval = 1s}, analysis);
  EXPECT_NE(text.find("\nOUTCOMES: none\n"), std::string::npos);
  EXPECT_NE(text.find("\nLATENCY: no good probes\n"), std::string::npos);
  EXPECT_EQ(upwatch::exit_status(analysis), 0);
}
