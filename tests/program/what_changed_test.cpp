// Runs the real upwatch binary against the test server to check what changed during a run:
// the VERSIONS section (versions answered by script) against the log's own records, and the phases.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/core/wall_time.hpp"

using upwatch::format_iso_utc;
using upwatch::testing::Cli;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

class WhatChanged : public Cli {
 protected:
  /// The summary lines from "VERSIONS: `name`" to the next line that is not indented.
  [[nodiscard]] std::vector<std::string> versions_of(std::string_view name) const {
    std::vector<std::string> lines;
    std::istringstream in{out_};
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("VERSIONS: "))
        inside = line.starts_with(fmt::format("VERSIONS: {}:", name));
      else if (!line.starts_with("  "))
        inside = false;
      if (inside) lines.push_back(line);
    }
    return lines;
  }
};

}  // namespace

TEST_F(WhatChanged, AMixedSwitchAndAValueThatCameBackAreTimedByTheLogsOwnRecords) {
  TestServer server{
      parse_script("ok@v1*10,ok@v2*1,ok@v1*1,ok@v2*3,ok@v1*1,ok@v2*25,ok@v1*3,ok@v2")};
  ASSERT_EQ(run({"--track", "X-App-Version", "--jsonl", "probes.jsonl", "-c", "50", server.url(),
                 "0.05"}),
            0)
      << err_;
  const auto records = this->records();
  ASSERT_EQ(records.size(), 50U);
  const auto sent = [&](std::size_t k) { return format_iso_utc(records[k].sent); };
  EXPECT_EQ(versions_of("x-app-version"),
            (std::vector<std::string>{
                "VERSIONS: x-app-version: 2 values, 1 switch",
                fmt::format("  v1: 15 answers, first {}, last {}", sent(0), sent(43)),
                fmt::format("  v2: 35 answers, first {}, last {}", sent(10), sent(49)),
                fmt::format("  v1 -> v2: first v2 at {}, last v1 at {}, mixed for {} (v1 x 2, v2 x "
                            "4 in between)",
                            sent(10), sent(15),
                            upwatch::format_elapsed(records[15].sent - records[10].sent)),
                fmt::format("  v1 came back after v2 replaced it: first at {}, last at {}, 3 "
                            "answers (a rollback, or an old instance still in rotation)",
                            sent(41), sent(43))}))
      << out_;
  // Each record names its value, so that grep finds when a version answered.
  EXPECT_EQ(upwatch::testing::occurrences(log_text(), " track:x-app-version=v1 "), 15U);
  EXPECT_EQ(run({"report", "--json", "testlog.log"}), 0);
  const auto from_text = out_;
  EXPECT_EQ(run({"report", "--json", "probes.jsonl"}), 0);
  EXPECT_EQ(out_, from_text);
  const auto versions = nlohmann::json::parse(out_)["versions"];
  ASSERT_EQ(versions.size(), 1U);
  EXPECT_EQ(versions[0]["switches"][0]["from"], "v1");
  EXPECT_EQ(versions[0]["switches"][0]["mixed_ms"], (records[15].sent - records[10].sent).count());
  EXPECT_EQ(versions[0]["comebacks"][0]["answers"], 3);
}

TEST_F(WhatChanged, TheLiveSummaryAndTheReportAgreeLineForLine) {
  TestServer server{parse_script("ok@v1*4,ok@v2*1,ok@v1*1,ok@v2")};
  ASSERT_EQ(run({"--track", "x-app-version", "--track", "etag", "-c", "12", server.url(), "0.05"}),
            0)
      << err_;
  EXPECT_NE(out_.find("VERSIONS: etag: 1 value, 0 switches"), std::string::npos) << out_;
  EXPECT_NE(out_.find("VERSIONS: x-app-version: 2 values, 1 switch"), std::string::npos) << out_;
  expect_report_retells(0);
}

TEST_F(WhatChanged, TheBodyIsTrackedWithGetAndFailedOrUnmarkedAnswersAreNoVersion) {
  TestServer server{parse_script("ok*2,ok@v1*2,502@v2*2,ok@v1*1,ok@2.0.1")};
  ASSERT_EQ(run({"-X", "GET", "--track-body", R"re("version":"([^"]+)")re", "--track",
                 "x-app-version", "-c", "10", server.url(), "0.05"}),
            1)
      << err_;
  const auto body = versions_of("body");
  ASSERT_EQ(body.size(), 5U) << out_;
  EXPECT_EQ(body[0], "VERSIONS: body: 2 values, 1 switch");
  EXPECT_TRUE(body[1].starts_with("  v1: 3 answers, ")) << body[1];  // not the 502s' v2
  EXPECT_TRUE(body[2].starts_with("  2.0.1: 3 answers, ")) << body[2];
  EXPECT_EQ(body[3], "  (none): 2 answers");
  EXPECT_TRUE(body[4].starts_with("  v1 -> 2.0.1: clean switch at ")) << body[4];
  EXPECT_EQ(versions_of("x-app-version")[0], "VERSIONS: x-app-version: 2 values, 1 switch");
}

TEST_F(WhatChanged, AReportFollowsAHeaderInTheBashLoopsLog) {
  TestServer server{parse_script("ok@v1*3,ok@v2")};
  run_bash_loop(server, 6);
  ASSERT_EQ(run({"report", "--track", "X-App-Version"}), 0) << err_;
  const auto lines = versions_of("x-app-version");
  ASSERT_GE(lines.size(), 4U) << out_;
  EXPECT_EQ(lines[0], "VERSIONS: x-app-version: 2 values, 1 switch");
  EXPECT_TRUE(lines[1].starts_with("  v1: 3 answers, first ")) << lines[1];
  EXPECT_TRUE(lines[3].starts_with("  v1 -> v2: clean switch at ")) << lines[3];
}

TEST_F(WhatChanged, AProbeKeepsThePhasesItReachedAndTheSummaryTimesEachPhase) {
  TestServer server{parse_script("ok*3,hang")};
  ASSERT_EQ(run({"-m", "0.3", "-c", "5", server.url(), "0.1"}), 1) << err_;
  const auto records = this->records();
  ASSERT_EQ(records.size(), 5U);
  const auto has = [](const upwatch::ProbeRecord& record, upwatch::Phase phase) {
    return record.phases[static_cast<std::size_t>(phase)].has_value();
  };
  // Answered: connected, and the first byte came; plain http: no TLS.
  EXPECT_TRUE(has(records[0], upwatch::Phase::connect));
  EXPECT_TRUE(has(records[0], upwatch::Phase::first_byte));
  EXPECT_FALSE(has(records[0], upwatch::Phase::tls));
  EXPECT_LE(*records[0].phases[1], records[0].total);
  // Timed out waiting for the answer: connected, no first byte.
  EXPECT_EQ(format_as(records[4].outcome), "timeout");
  EXPECT_TRUE(has(records[4], upwatch::Phase::connect));
  EXPECT_FALSE(has(records[4], upwatch::Phase::first_byte));
  EXPECT_TRUE(summary_line("LATENCY connect: ").ends_with("(3 good probes)")) << out_;
  EXPECT_TRUE(summary_line("LATENCY ttfb: ").ends_with("(3 good probes)")) << out_;
  EXPECT_EQ(summary_line("LATENCY tls:"), "(no LATENCY tls: line)");
}

TEST_F(WhatChanged, BadTrackingIsOneErrorAndTheLogIsUntouched) {
  upwatch::testing::write_file(log_path(), "kept\n");
  const std::string url = "http://127.0.0.1:9/";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--track", ""}, "upwatch: error: --track: an empty value"},
      {{"--track", "x app"}, "upwatch: error: bad --track 'x app': expected a header name"},
      {{"--track-body", "(v"}, "upwatch: error: --track-body needs -X GET"},
      {{"-X", "GET", "--track-body", "(v"}, "upwatch: error: bad --track-body '(v': "},
      {{"-X", "GET", "--track-body", "v"},
       "upwatch: error: bad --track-body 'v': it needs a capture group"},
  };
  for (const auto& [args, error] : cases) {
    auto all = args;
    all.push_back(url);
    EXPECT_EQ(run(all), 2) << error;
    EXPECT_TRUE(err_.starts_with(error)) << err_;
    EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << err_;
    EXPECT_EQ(log_text(), "kept\n");
  }
}
