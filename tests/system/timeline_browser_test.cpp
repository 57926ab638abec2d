// Writes HTML timelines with the real upwatch binary, from real runs against the test server
// and from the bash loop's log, and opens them in headless Chromium: what a person sees must
// be what the report says.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "dns_server.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/log/probe_log.hpp"

using nlohmann::json;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::Process;
using upwatch::testing::TestServer;

using namespace std::chrono_literals;

namespace {

class Timeline : public Cli {
 protected:
  /// `upwatch report --json` of `log`: the numbers the page must show.
  json report_json(const std::string& log = "testlog.log") {
    run({"report", "--json", log});
    return json::parse(out_);
  }

  /// Opens `page` in Chromium and returns what it showed; writes a screenshot to `screenshot`.
  json open_in_browser(const std::string& page, const std::string& screenshot) {
    Process browser{{"/usr/bin/env", "node", UPWATCH_BROWSER_CHECK, dir_ + "/" + page, screenshot},
                    dir_};
    EXPECT_EQ(browser.wait(kGenerous), 0) << browser.err();
    auto shown = json::parse(browser.out(), nullptr, false);
    EXPECT_FALSE(shown.is_discarded()) << browser.out() << browser.err();
    return shown;
  }

  /// Checks that the page shows what the report says, and that none of its labels is cut off
  /// or hidden by another.
  void expect_page_retells(const json& shown, const json& report) {
    EXPECT_TRUE(shown["ready"].get<bool>());  // its script ran to the end
    EXPECT_EQ(shown["errors"], json::array()) << shown;
    EXPECT_EQ(shown["verdict"], report["verdict"]);
    EXPECT_EQ(shown["seed"], json({"START:", "END:", "URL:", "INT:"}));
    const auto targets = report.contains("targets") ? report["targets"] : json::array({report});
    ASSERT_EQ(shown["targets"].size(), targets.size()) << shown;
    for (std::size_t k = 0; k < targets.size(); ++k) {
      const auto& drawn = shown["targets"][k];
      const auto& target = targets[k];
      EXPECT_EQ(drawn["window_marks"], target["windows"].size()) << drawn["name"];
      EXPECT_EQ(drawn["window_rows"], target["windows"].size()) << drawn["name"];
      EXPECT_EQ(drawn["gap_marks"], target["gaps"].size()) << drawn["name"];
      EXPECT_EQ(drawn["mark_lines"], report["marks"].size()) << drawn["name"];
    }
    EXPECT_EQ(shown["mark_rows"], report["marks"].size());
    EXPECT_EQ(shown["clipped"], json::array()) << shown;
    for (const auto& axis : shown["axis_labels"]) EXPECT_GE(axis.size(), 2U) << shown;
    for (const auto& labels : shown["mark_labels"]) {
      EXPECT_EQ(labels.size(), report["marks"].size()) << shown;
    }
    std::string joined;
    for (const auto& reason : report["verdict_reasons"]) {
      joined += (joined.empty() ? "" : "; ") + reason.get<std::string>();
    }
    EXPECT_EQ(shown["reasons"], joined);
  }
};

}  // namespace

TEST_F(Timeline, APageOfARealOutageShowsTheReportsWindowsAndTheirDetailsOnHover) {
  TestServer server{parse_script("ok*20,502*6,reset*3,ok*20,refuse:600ms,ok*20,hang*2,ok")};
  auto probing = start({"-m", "0.5", "-c", "100", "--jsonl", "probes.jsonl", server.url(), "0.05"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.requests() >= 10; }, kGenerous));
  ASSERT_EQ(run({"mark", "drained s1"}), 0) << err_;
  ASSERT_EQ(probing->wait(kGenerous), 1) << probing->err();
  ASSERT_EQ(run({"report", "--html", "timeline.html"}), 1) << err_;
  const auto report = report_json();
  ASSERT_GE(report["windows"].size(), 1U) << out_;
  ASSERT_EQ(report["marks"].size(), 1U) << out_;
  // The JSON Lines log of the same run draws the same page, but for the mark, which only the
  // text log holds.
  ASSERT_EQ(run({"report", "--html", "from-jsonl.html", "probes.jsonl"}), 1) << err_;
  const auto from_jsonl = upwatch::testing::read_file(dir_ + "/from-jsonl.html");
  const auto page = upwatch::testing::read_file(dir_ + "/timeline.html");
  EXPECT_EQ(from_jsonl.find("drained s1"), std::string::npos);
  const auto part = [](const std::string& html, const std::string& from, const std::string& to) {
    const auto start = html.find(from);
    return start == std::string::npos ? std::string{}
                                      : html.substr(start, html.find(to, start) - start);
  };
  for (const auto& [from, to] :
       {std::pair{"<!DOCTYPE", "<h2>Every probe"}, std::pair{"<g class=\"probes\">", "</g>"},
        std::pair{"<g class=\"windows\">", "</g>"},
        std::pair{"<svg class=\"latency\"", "<path class=\"mean\""},
        std::pair{"<table class=\"window-list\">", "</table>"}}) {
    EXPECT_FALSE(part(page, from, to).empty()) << from;
    EXPECT_TRUE(part(from_jsonl, from, to) == part(page, from, to)) << from;
  }

  const auto shown = open_in_browser("timeline.html", UPWATCH_SCREENSHOT_DIR "/timeline.png");
  expect_page_retells(shown, report);
  // Each probe of this short run has its column, but for probes that a machine short of CPU
  // sent together after a wait (closer than half an interval), which may share one.
  const auto probes = records();
  std::size_t together = 0;
  for (std::size_t k = 1; k < probes.size(); ++k) {
    together += probes[k].sent - probes[k - 1].sent < 25ms ? 1 : 0;
  }
  const auto columns = shown["probe_columns"].get<std::size_t>();
  const auto down_columns = shown["down_column_widths"].size();
  EXPECT_LE(columns, report["probes"]["sent"].get<std::size_t>());
  EXPECT_GE(columns + together, report["probes"]["sent"].get<std::size_t>());
  EXPECT_LE(down_columns, report["probes"]["down"].get<std::size_t>());
  EXPECT_GE(down_columns + together, report["probes"]["down"].get<std::size_t>());
  // A probe's tip: "#K sent ...", or its column's "#A-#B: N probes sent ..." when shared.
  const auto tip_shows = [&](const std::string& tip, int probe) {
    int from = -1;
    int to = -1;
    if (std::sscanf(tip.c_str(), "#%d-#%d:", &from, &to) == 2) {
      return together > 0 && from <= probe && probe <= to;
    }
    return tip.starts_with(fmt::format("#{} sent ", probe));
  };
  // Hovering the first window shows its times and outcomes, and lights its row in the list.
  const auto& first = report["windows"][0];
  std::string outcomes;
  for (const auto& [outcome, count] : first["outcomes"].items()) {
    outcomes += fmt::format("{}{} x {}", outcomes.empty() ? "" : ", ", outcome, count.get<int>());
  }
  EXPECT_EQ(shown["window_tip"].get<std::string>(),
            fmt::format("window 1: {} to {}, {}\n{} failed probes (#{}-#{}): {}",
                        first["start"].get<std::string>(), first["end"].get<std::string>(),
                        upwatch::format_elapsed(
                            std::chrono::milliseconds{first["duration_ms"].get<std::int64_t>()}),
                        first["failed_probes"].get<int>(), first["first_probe"].get<int>(),
                        first["last_probe"].get<int>(), outcomes))
      << shown;
  EXPECT_EQ(outcomes, "502 x 6, reset x 3");  // the script's first outage
  EXPECT_EQ(shown["window_row_highlighted"], 1);
  // Hovering a probe shows that probe.
  EXPECT_TRUE(tip_shows(shown["down_tip"].get<std::string>(), first["first_probe"].get<int>()))
      << shown;
  EXPECT_NE(shown["down_tip"].get<std::string>().find("502 x "), std::string::npos) << shown;
  EXPECT_TRUE(tip_shows(shown["up_tip"].get<std::string>(), 0)) << shown;
  // The mark is labelled with its text; hovering its line or label shows it, and when.
  EXPECT_EQ(shown["mark_labels"][0], json({"drained s1"}));
  EXPECT_EQ(shown["mark_tip"], "drained s1\n" + report["marks"][0]["time"].get<std::string>());
  EXPECT_EQ(shown["mark_label_tip"], shown["mark_tip"]);
  struct stat written {};
  EXPECT_EQ(::stat(UPWATCH_SCREENSHOT_DIR "/timeline.png", &written), 0);
}

TEST_F(Timeline, APageShowsTheTrackedVersionsAndThePhasesOfEachProbe) {
  TestServer server{parse_script("ok@v1*10,ok@v2*1,ok@v1*1,ok@v2")};
  // A name that upwatch resolves, with a scripted DNS server, so that each probe has every
  // phase but TLS.
  upwatch::testing::DnsServer dns{upwatch::testing::DnsServer::Mode::answer};
  dns.set_addresses({"127.0.0.1"});
  const auto url = fmt::format("http://upwatch.test:{}/health", server.port());
  const int status = run({"--track", "x-app-version", "-c", "40", "--dns-servers",
                          fmt::format("127.0.0.1:{}", dns.port()), url, "0.05"});
  // A machine that did not run upwatch for a while leaves a gap: inconclusive, as it should.
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 0) << err_;
  ASSERT_EQ(run({"report", "--html", "versions.html"}), 0) << err_;
  const auto report = report_json();
  const auto shown = open_in_browser("versions.html", UPWATCH_SCREENSHOT_DIR "/versions.png");
  expect_page_retells(shown, report);
  ASSERT_EQ(shown["version_lanes"].size(), 1U) << shown;
  EXPECT_EQ(shown["version_lanes"][0]["name"], "x-app-version");
  // A mark in each probe's column, at least: every answer carried a version.
  EXPECT_GE(shown["version_lanes"][0]["marks"], shown["probe_columns"]) << shown;
  // The server answers in the order requests reach it, which on a loaded machine need not be
  // the order they were sent in: the page retells the switch the report found, whatever its
  // mix.
  const auto& change = report["versions"][0]["switches"][0];
  ASSERT_EQ(shown["switches"].size(), 1U) << shown;
  EXPECT_EQ(
      shown["switches"][0],
      fmt::format("v1 -> v2: first v2 at {}, last v1 at {}, mixed for {} (v1 x {}, v2 x {} in "
                  "between)",
                  change["first_new"].get<std::string>(), change["last_old"].get<std::string>(),
                  upwatch::format_elapsed(
                      std::chrono::milliseconds{change["mixed_ms"].get<std::int64_t>()}),
                  change["old_between"].get<int>(), change["new_between"].get<int>()));
  // The first column's: one probe, or two sent together after a wait on a loaded machine.
  EXPECT_TRUE(shown["version_tip"].get<std::string>().starts_with("x-app-version: v1 x ")) << shown;
  // A plain http:// URL: no TLS phase.
  EXPECT_EQ(shown["phase_lines"], json({"dns", "connect", "ttfb"})) << shown;
}

TEST_F(Timeline, APageOfSeveralTargetsHasALaneAndASectionForEachTheUsersViewFirst) {
  // Two load-balancer nodes behind one name, the second answering 502 for a while, and a
  // second URL.
  TestServer good{parse_script("ok")};
  TestServer bad{parse_script("ok*10,502*10,ok"), good.port(), "127.0.0.2"};
  TestServer api{parse_script("ok")};
  const auto url = fmt::format("http://lb.test:{}/health", good.port());
  auto probing = start({"--each-address", "--resolve",
                        fmt::format("lb.test:{}:127.0.0.1,127.0.0.2", good.port()), url, api.url(),
                        "0.05", "-c", "40"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return bad.requests() >= 5; }, kGenerous));
  ASSERT_EQ(run({"mark", "launched s2 v2"}), 0) << err_;
  ASSERT_EQ(probing->wait(kGenerous), 1) << probing->err();
  ASSERT_EQ(run({"report", "--html", "several.html"}), 1) << err_;
  const auto report = report_json();
  const auto shown = open_in_browser("several.html", UPWATCH_SCREENSHOT_DIR "/several.png");
  expect_page_retells(shown, report);
  // Each target, in the report's order (a URL as users saw it, then its nodes), has its lane
  // and its section, named.
  json names = json::array();
  for (const auto& target : report["targets"]) {
    names.push_back(target["address"].is_null()
                        ? target["url"].get<std::string>()
                        : fmt::format("{} at {}", target["url"].get<std::string>(),
                                      target["address"].get<std::string>()));
  }
  ASSERT_GE(names.size(), 4U) << report;
  EXPECT_EQ(names[0], url);
  EXPECT_EQ(names[1], url + " at 127.0.0.1");
  EXPECT_EQ(names[2], url + " at 127.0.0.2");
  EXPECT_EQ(names[3], api.url());
  EXPECT_EQ(shown["lanes"], names);
  json sections = json::array();
  for (const auto& target : shown["targets"]) sections.push_back(target["name"]);
  EXPECT_EQ(sections, names);
  // The mark is a labelled line across the lanes and every section's drawings.
  for (const auto& labels : shown["mark_labels"]) EXPECT_EQ(labels, json({"launched s2 v2"}));
  EXPECT_GE(shown["mark_labels"].size(), 1U + 2U * names.size());
}

TEST_F(Timeline, APageOfTheBashLoopsLog) {
  TestServer server{parse_script("ok*3,502*3,ok")};
  run_bash_loop(server, 9);
  ASSERT_EQ(run({"report", "--html", "loop.html"}), 1) << err_;
  const auto report = report_json();
  ASSERT_EQ(report["windows"].size(), 1U);
  const auto shown = open_in_browser("loop.html", dir_ + "/loop.png");
  expect_page_retells(shown, report);
  EXPECT_EQ(shown["latency_marks"], 0);  // the bash loop's log holds no latency
  EXPECT_NE(upwatch::testing::read_file(dir_ + "/loop.html").find("Latency is not recorded"),
            std::string::npos);
}

TEST_F(Timeline, AMillionProbesMakeASmallPageWhereOneFailureStillShows) {
  // A log of a million probes, 10 ms apart, one of them refused.
  constexpr std::uint64_t kProbes = 1'000'000;
  constexpr std::uint64_t kFailed = 765'432;
  {
    const upwatch::RunHeader header{
        .id = "m1",
        .version = UPWATCH_VERSION,
        .start = upwatch::WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}},
        .interval = std::chrono::milliseconds{10},
        .expect = "100-499",
        .url = "http://127.0.0.1:8080/health"};
    std::string log = upwatch::format_run_header(header);
    for (std::uint64_t k = 0; k < kProbes; ++k) {
      log += upwatch::format_record(
          {.sequence = k,
           .sent = header.start + std::chrono::milliseconds{10} * static_cast<std::int64_t>(k),
           .outcome = k == kFailed ? upwatch::Outcome::failure(upwatch::Transport::refused)
                                   : upwatch::Outcome::http(200),
           .total = std::chrono::microseconds{400 + static_cast<int>(k % 300)},
           .remote = "127.0.0.1:8080"},
          header.id);
    }
    upwatch::testing::write_file(log_path(), log);
  }
  ASSERT_EQ(run({"report", "--html", "big.html"}), 1) << err_;
  struct stat page {};
  ASSERT_EQ(::stat((dir_ + "/big.html").c_str(), &page), 0);
  EXPECT_LT(page.st_size, 3 << 20) << "bytes";
  const auto report = report_json();
  ASSERT_EQ(report["probes"]["sent"], kProbes);
  const auto shown = open_in_browser("big.html", dir_ + "/big.png");
  expect_page_retells(shown, report);
  EXPECT_LE(shown["probe_columns"].get<int>(), 1024);
  ASSERT_EQ(shown["down_column_widths"].size(), 1U) << shown;
  EXPECT_GE(shown["down_column_widths"][0].get<double>(), 0.9);  // at least a pixel
  EXPECT_GE(shown["window_mark_widths"][0].get<double>(), 1.8);
  EXPECT_NE(shown["down_tip"].get<std::string>().find("refused x 1"), std::string::npos) << shown;
}

TEST_F(Timeline, NeverOverwritesALogAndLeavesNoHalfWrittenPage) {
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({"-c", "3", server.url(), "0.05"}), 0) << err_;
  const auto log = log_text();
  EXPECT_EQ(run({"report", "--html", "testlog.log"}), 2);
  EXPECT_EQ(err_,
            "upwatch: error: --html file 'testlog.log' is the log 'testlog.log': not "
            "overwriting it\n");
  EXPECT_EQ(log_text(), log);
  EXPECT_EQ(run({"report", "--html", "no/such/dir/page.html"}), 2);
  EXPECT_TRUE(
      err_.starts_with("upwatch: error: cannot write 'no/such/dir/page.html': No such "
                       "file or directory"))
      << err_;
  EXPECT_EQ(run({"report", "--html", "page.html", "missing.log"}), 2);
  struct stat left {};
  EXPECT_NE(::stat((dir_ + "/page.html").c_str(), &left), 0);  // nothing written
  EXPECT_EQ(run({"report", "--html", "page.html", "--list"}), 2);
  EXPECT_EQ(run({"report", "--html", "page.html"}), 0);
  EXPECT_EQ(::stat((dir_ + "/page.html").c_str(), &left), 0);
}
