// --metrics-listen run for real: the metrics are served while the run lasts, their numbers are
// those of the run's own report, and where they cannot be served nothing is probed or touched.
// And the runs of several vantage points merged by `upwatch report --merge`.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "upwatch/core/unique_fd.hpp"

using upwatch::testing::Cli;
using upwatch::testing::eventually;
using upwatch::testing::http_get;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

/// The value of the sample of `series` (its name and labels, as exposed) in `text`, or -1.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find(series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 1));
}

}  // namespace

TEST_F(Cli, MetricsAreServedWhileTheRunLastsAndEqualItsReport) {
  TestServer server{parse_script("ok*4,502*3,ok")};
  const auto port = upwatch::testing::free_port();
  const auto address = fmt::format("127.0.0.1:{}", port);
  const auto metrics_url = fmt::format("http://{}/metrics", address);
  auto process = start({server.url(), "0.05", "-c", "12", "--vantage", "lap1", "--metrics-listen",
                        address, "--metrics-linger", "60s"});
  const std::string labels = fmt::format(R"(url="{}",vantage="lap1")", server.url());
  // While it runs, the URL's series are there.
  ASSERT_TRUE(eventually(
      [&] {
        const auto text = http_get(metrics_url);
        return text && text->find("upwatch_probes_total{") != std::string::npos;
      },
      kGenerous));
  // Once its summary is out, it waits for a scrape of the final numbers, then stops serving.
  ASSERT_TRUE(
      eventually([&] { return process->out().find("VERDICT:") != std::string::npos; }, kGenerous));
  std::string last;
  ASSERT_TRUE(eventually(
      [&] {
        const auto text = http_get(metrics_url);
        if (text) last = *text;
        return !text;
      },
      kGenerous));
  ASSERT_EQ(process->wait(kGenerous), 1) << process->err();
  EXPECT_NE(process->err().find("waiting up to 60s for a scrape of the final numbers"),
            std::string::npos)
      << process->err();
  EXPECT_EQ(server.requests(), 12U);

  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = nlohmann::json::parse(out_);
  EXPECT_EQ(report["outcomes"]["200"], 9);
  EXPECT_EQ(report["outcomes"]["502"], 3);
  EXPECT_EQ(sample(last, R"(upwatch_probes_total{outcome="200",result="up",)" + labels + "}"), 9)
      << last;
  EXPECT_EQ(sample(last, R"(upwatch_probes_total{outcome="502",result="down",)" + labels + "}"), 3);
  EXPECT_EQ(sample(last, "upwatch_downtime_windows_total{" + labels + "}"), 1);
  EXPECT_NEAR(sample(last, "upwatch_downtime_seconds_total{" + labels + "}"),
              report["downtime_ms"].get<double>() / 1000, 0.001);
  EXPECT_EQ(sample(last, "upwatch_target_up{" + labels + "}"), 1);
  EXPECT_EQ(sample(last, "upwatch_probe_duration_seconds_count{" + labels + "}"), 9);
  EXPECT_NE(log_text().find(" vantage=lap1 url="), std::string::npos) << log_text();
}

TEST_F(Cli, MetricsThatCannotBeServedStopTheRunBeforeAnythingIsTouched) {
  TestServer server{parse_script("ok")};
  upwatch::testing::write_file(log_path(), "an earlier run\n");
  // The port is the test server's own: taken.
  const auto taken = fmt::format("127.0.0.1:{}", server.port());
  EXPECT_EQ(run({server.url(), "0.05", "-c", "3", "--metrics-listen", taken}), 2);
  EXPECT_EQ(err_, fmt::format("upwatch: error: --metrics-listen {}: cannot listen there: "
                              "Address already in use\n",
                              taken));
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--metrics-listen", "localhost:9115"},
        {"--metrics-listen", "70000"},
        {"--metrics-listen", "192.0.2.1:9115"},  // not an address of this machine
        {"--metrics-linger", "5s"},
        {"--vantage", "the office"}}) {
    std::vector<std::string> args{server.url(), "0.05", "-c", "3"};
    args.insert(args.end(), bad.begin(), bad.end());
    EXPECT_EQ(run(args), 2) << bad[1];
    EXPECT_TRUE(err_.starts_with("upwatch: error: ") && err_.find('\n') == err_.size() - 1) << err_;
  }
  EXPECT_EQ(server.requests(), 0U);
  EXPECT_EQ(log_text(), "an earlier run\n");
}

TEST_F(Cli, TheVantagePointIsTheHostNameUnlessNamed) {
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "1", "--jsonl", "run.jsonl"}), 0) << err_;
  std::array<char, 256> host{};
  ASSERT_EQ(gethostname(host.data(), host.size() - 1), 0);
  EXPECT_NE(log_text().find(fmt::format(" vantage={} url=", host.data())), std::string::npos)
      << log_text();
  EXPECT_NE(upwatch::testing::read_file(dir_ + "/run.jsonl")
                .find(fmt::format(R"("vantage":"{}")", host.data())),
            std::string::npos);
  const auto runs_read = runs();
  ASSERT_EQ(runs_read.size(), 1U);
  EXPECT_EQ(runs_read[0].header.vantage, host.data());
}

TEST_F(Cli, AMergedReportTellsWhatEveryVantagePointSawFromWhatOnlySomeDid) {
  // One URL, reached by the office at 127.0.0.1 and by the region at 127.0.0.2: the office sees
  // it fail from 3 s into its run to 7 s, the region from 4 s into its own to 4.5 s. The region
  // starts once the office has its first answer; up to 2.5 s after, its window still lies within
  // the office's, and the office's whole window within the time both watched.
  TestServer office{parse_script("ok*30,502*40,ok")};
  TestServer region{parse_script("ok*40,502*5,ok"), office.port(), "127.0.0.2"};
  const auto url = fmt::format("http://svc.test:{}/health", office.port());
  auto office_run = start({url, "0.1", "-c", "90", "-o", "office.log", "--vantage", "office",
                           "--resolve", fmt::format("svc.test:{}:127.0.0.1", office.port())});
  ASSERT_TRUE(eventually(
      [&] {
        return upwatch::testing::read_file(dir_ + "/office.log").find("\n* ") != std::string::npos;
      },
      kGenerous));
  const int region_status =
      run({url, "0.1", "-c", "90", "-o", "region.log", "--vantage", "eu-west-1a", "--resolve",
           fmt::format("svc.test:{}:127.0.0.2", office.port())});
  const int office_status = office_run->wait(kGenerous);
  for (const auto* log : {"office.log", "region.log"}) {
    if (const auto stall = stalled(log); !stall.empty()) GTEST_SKIP() << stall;
  }
  ASSERT_EQ(region_status, 1) << err_;
  ASSERT_EQ(office_status, 1) << office_run->err();

  ASSERT_EQ(run({"report", "--json", "region.log"}), 1) << err_;
  const auto region_downtime = nlohmann::json::parse(out_)["downtime_ms"].get<std::int64_t>();
  ASSERT_EQ(run({"report", "--json", "office.log"}), 1) << err_;
  const auto office_downtime = nlohmann::json::parse(out_)["downtime_ms"].get<std::int64_t>();

  ASSERT_EQ(run({"report", "--merge", "office.log", "region.log", "--json"}), 1) << err_;
  const auto merged = nlohmann::json::parse(out_);
  EXPECT_EQ(merged["verdict"], "down");
  EXPECT_EQ(merged["vantages"][0]["name"], "office");
  EXPECT_EQ(merged["vantages"][1]["name"], "eu-west-1a");
  ASSERT_EQ(merged["urls"].size(), 1U);
  const auto& windows = merged["urls"][0]["windows"];
  // The region's window, seen from both; the office's before and after it, seen from it only.
  ASSERT_EQ(windows.size(), 3U) << out_;
  EXPECT_EQ(windows[0]["down_from"], nlohmann::json::array({"office"}));
  EXPECT_EQ(windows[1]["down_from"], nlohmann::json::array({"office", "eu-west-1a"}));
  EXPECT_TRUE(windows[1]["everywhere"]);
  EXPECT_EQ(windows[2]["down_from"], nlohmann::json::array({"office"}));
  EXPECT_EQ(merged["urls"][0]["downtime_everywhere_ms"], region_downtime);
  EXPECT_EQ(merged["urls"][0]["downtime_from_some_ms"], office_downtime - region_downtime);

  ASSERT_EQ(run({"report", "--merge", "office.log", "region.log"}), 1) << err_;
  EXPECT_NE(out_.find("VERDICT: down (exit 1): all 2 vantage points saw downtime at once for "),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("DOWN EVERYWHERE: 1 window, "), std::string::npos);
  EXPECT_NE(out_.find("DOWN FROM SOME: 2 windows, "), std::string::npos);
  EXPECT_NE(out_.find("\nCLOCKS: each time is its prober's own clock"), std::string::npos);

  // The page draws the same: a lane for what all saw, one for each vantage point.
  ASSERT_EQ(run({"report", "--merge", "office.log", "region.log", "--html", "merged.html"}), 1)
      << err_;
  const auto page = upwatch::testing::read_file(dir_ + "/merged.html");
  EXPECT_NE(page.find(R"(<body data-verdict="down">)"), std::string::npos);
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<rect class="window")"), 1U);  // everywhere
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<rect class="down")"), 4U);    // 3 + 1
  EXPECT_EQ(upwatch::testing::occurrences(page, "<tr id=\"window-"), 3U);
  EXPECT_NE(page.find("<div>eu-west-1a</div>"), std::string::npos);
}

TEST_F(Cli, AMergeOfRunsOfOtherUrlsOrOtherTimesIsRefused) {
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2", "-o", "first.log"}), 0) << err_;
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2", "-o", "later.log"}), 0) << err_;
  const auto other = fmt::format("http://127.0.0.1:{}/other", server.port());
  ASSERT_EQ(run({other, "0.05", "-c", "2", "-o", "other.log"}), 0) << err_;
  for (const std::vector<std::string>& logs :
       {std::vector<std::string>{"first.log", "later.log"},  // one after the other
        {"first.log", "other.log"},                          // another URL
        {"first.log"},                                       // one vantage point
        {"first.log", "later.log", "--html", "merged.html"}}) {
    std::vector<std::string> args{"report", "--merge"};
    args.insert(args.end(), logs.begin(), logs.end());
    EXPECT_EQ(run(args), 2) << logs[0];
    EXPECT_TRUE(err_.starts_with("upwatch: error: ") && err_.find('\n') == err_.size() - 1) << err_;
    EXPECT_TRUE(out_.empty()) << out_;
  }
  EXPECT_EQ(upwatch::testing::read_file(dir_ + "/merged.html"), "");  // no page either
}

TEST_F(Cli, ARunEndedByCtrlCStillWaitsForTheLastScrape) {
  TestServer server{parse_script("ok")};
  const auto address = fmt::format("127.0.0.1:{}", upwatch::testing::free_port());
  auto process =
      start({server.url(), "0.05", "--metrics-listen", address, "--metrics-linger", "10m"});
  ASSERT_TRUE(eventually([&] { return server.requests() >= 3; }, kGenerous));
  process->signal(SIGINT);
  ASSERT_TRUE(eventually(
      [&] { return process->err().find("Ctrl-C again stops waiting") != std::string::npos; },
      kGenerous))
      << process->err();
  const auto text = http_get(fmt::format("http://{}/metrics", address));
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("upwatch_probes_total{"), std::string::npos);
  EXPECT_EQ(process->wait(kGenerous), 0) << process->err();
  EXPECT_EQ(process->err().find("no scrape read the final numbers"), std::string::npos);
}

TEST_F(Cli, MetricsAreServedOnAnIpv6Address) {
  TestServer server{parse_script("ok")};
  const auto port = upwatch::testing::free_port();
  auto process = start({server.url(), "0.05", "--metrics-listen", fmt::format("[::1]:{}", port)});
  const auto metrics_url = fmt::format("http://[::1]:{}/metrics", port);
  ASSERT_TRUE(eventually(
      [&] {
        const auto text = http_get(metrics_url);
        return text && text->find("upwatch_probes_total{") != std::string::npos;
      },
      kGenerous))
      << process->err();
  process->signal(SIGINT);
  const int process_status = process->wait(kGenerous);
  expect_stopped_up(process_status, process->out());
  EXPECT_FALSE(http_get(metrics_url));  // it stopped serving as the run ended
}

TEST_F(Cli, ScrapesAreServedBesideClientsThatConnectAndSendNothing) {
  TestServer server{parse_script("ok")};
  const auto port = upwatch::testing::free_port();
  const auto metrics_url = fmt::format("http://127.0.0.1:{}/metrics", port);
  auto process =
      start({server.url(), "0.05", "--metrics-listen", fmt::format("127.0.0.1:{}", port)});
  ASSERT_TRUE(eventually([&] { return http_get(metrics_url).has_value(); }, kGenerous))
      << process->err();
  // 200 clients connect and send nothing; each scrape still gets its answer (http_get gives up
  // after 10 s, and a server that held a scrape until the idle ones timed out would take minutes).
  std::vector<upwatch::UniqueFd> idle;
  const sockaddr_in local{.sin_family = AF_INET,
                          .sin_port = htons(port),
                          .sin_addr = {.s_addr = htonl(INADDR_LOOPBACK)},
                          .sin_zero = {}};
  for (int i = 0; i < 200; ++i) {
    idle.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(idle.back());
    ASSERT_EQ(::connect(idle.back().get(), reinterpret_cast<const sockaddr*>(&local), sizeof local),
              0);
  }
  for (int scrape = 0; scrape < 3; ++scrape) {
    const auto text = http_get(metrics_url);
    ASSERT_TRUE(text) << "scrape " << scrape;
    EXPECT_NE(text->find("upwatch_probes_total{"), std::string::npos);
  }
  process->signal(SIGINT);
  const int process_status = process->wait(kGenerous);
  expect_stopped_up(process_status, process->out());
}

TEST_F(Cli, ACtrlCWhileWaitingForTheLastScrapeEndsTheWait) {
  TestServer server{parse_script("ok")};
  auto process = start({server.url(), "0.05", "-c", "2", "--metrics-listen",
                        fmt::format("127.0.0.1:{}", upwatch::testing::free_port()),
                        "--metrics-linger", "10m"});
  ASSERT_TRUE(eventually(
      [&] { return process->err().find("waiting up to 600s") != std::string::npos; }, kGenerous))
      << process->err();
  const auto asked = std::chrono::steady_clock::now();
  process->signal(SIGINT);
  const int process_status = process->wait(kGenerous);
  expect_stopped_up(process_status, process->out());
  EXPECT_LT(std::chrono::steady_clock::now() - asked, kGenerous);
  EXPECT_NE(process->err().find("no scrape read the final numbers"), std::string::npos);
}
