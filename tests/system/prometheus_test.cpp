// End to end with a real Prometheus server (Debian's `prometheus`), started here on loopback with
// its data in a temporary directory: it scrapes two upwatch runs that watch a scripted outage
// from two vantage points, and what its HTTP API then says equals each run's own report.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "test_server.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using upwatch::testing::eventually;
using upwatch::testing::free_port;
using upwatch::testing::http_get;
using upwatch::testing::Process;
using upwatch::testing::TestServer;

namespace {

constexpr auto kGenerous = 60s;

/// `text` as a URL's query takes it.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

class Prometheus : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = upwatch::testing::make_temp_dir(); }
  void TearDown() override {
    server_.reset();  // stopped by its PID before its data goes
    upwatch::testing::remove_tree(dir_);
  }

  /// Starts Prometheus scraping `targets` ("127.0.0.1:PORT") every second; waits until ready.
  void start_prometheus(const std::vector<std::string>& targets) {
    port_ = free_port();
    std::string listed;
    for (const auto& target : targets) listed += fmt::format("'{}', ", target);
    upwatch::testing::write_file(dir_ + "/prometheus.yml", fmt::format("global:\n"
                                                                       "  scrape_interval: 1s\n"
                                                                       "  scrape_timeout: 1s\n"
                                                                       "scrape_configs:\n"
                                                                       "  - job_name: upwatch\n"
                                                                       "    static_configs:\n"
                                                                       "      - targets: [{}]\n",
                                                                       listed));
    server_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/prometheus", "--config.file=" + dir_ + "/prometheus.yml",
                                 "--storage.tsdb.path=" + dir_ + "/data",
                                 fmt::format("--web.listen-address=127.0.0.1:{}", port_)},
        dir_);
    ASSERT_TRUE(eventually(
        [&] { return http_get(fmt::format("http://127.0.0.1:{}/-/ready", port_)).has_value(); },
        kGenerous))
        << server_->err();
  }

  /// The instant vector `query` gives now: each series' labels with its value.
  std::vector<std::pair<json, double>> query(const std::string& promql) {
    const auto body =
        http_get(fmt::format("http://127.0.0.1:{}/api/v1/query?query={}", port_, escaped(promql)));
    std::vector<std::pair<json, double>> series;
    if (!body) return series;
    const auto document = json::parse(*body);
    for (const auto& each : document["data"]["result"]) {
      series.emplace_back(each["metric"], std::stod(each["value"][1].get<std::string>()));
    }
    return series;
  }

  /// upwatch's report of `log`, as JSON.
  json report(const std::string& log) {
    Process process{{UPWATCH_BINARY, "report", "--json", log}, dir_};
    EXPECT_EQ(process.wait(kGenerous), 1) << process.err();
    return json::parse(process.out());
  }

  std::string dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> server_;
};

}  // namespace

TEST_F(Prometheus, WhatItScrapedFromTwoVantagePointsEqualsTheirReports) {
  const std::vector<std::string> vantages{"office", "eu-west-1a"};
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::string> listen;
  for (std::size_t i = 0; i < vantages.size(); ++i) {
    servers.push_back(
        std::make_unique<TestServer>(upwatch::testing::parse_script("ok*8,502*4,refuse:300ms,ok")));
    listen.push_back(fmt::format("127.0.0.1:{}", free_port()));
  }
  start_prometheus(listen);
  std::vector<std::unique_ptr<Process>> runs;
  for (std::size_t i = 0; i < vantages.size(); ++i) {
    runs.push_back(std::make_unique<Process>(
        std::vector<std::string>{UPWATCH_BINARY, servers[i]->url(), "0.1", "-c", "30", "-o",
                                 vantages[i] + ".log", "--vantage", vantages[i], "--metrics-listen",
                                 listen[i], "--metrics-linger", "300s"},
        dir_));
  }
  // Each run ends at its first scrape after its last probe, however long a loaded machine
  // makes that wait (a run not scraped at all would wait the whole --metrics-linger).
  for (auto& run : runs) ASSERT_EQ(run->wait(2 * kGenerous), 1) << run->err();

  // Each run's probes by outcome and its downtime, as Prometheus stored them: the last value
  // scraped, which each run waited for before it stopped.
  for (const auto& vantage : vantages) {
    const auto expected = report(vantage + ".log");
    ASSERT_EQ(expected["downtime_ms"].get<double>() > 0, true);
    // Every probe the log holds (30, unless the machine did not run upwatch for a while: then
    // the ticks it missed are a gap of the log, and probes of neither).
    double logged = 0;
    for (const auto& [outcome, count] : expected["outcomes"].items()) logged += count.get<double>();
    std::map<std::string, double> outcomes;
    const auto probes =
        fmt::format(R"(last_over_time(upwatch_probes_total{{vantage="{}"}}[10m]))", vantage);
    ASSERT_TRUE(eventually(
        [&] {
          outcomes.clear();
          double all = 0;
          for (const auto& [labels, value] : query(probes)) {
            outcomes[labels["outcome"].get<std::string>()] = value;
            all += value;
          }
          return all == logged;
        },
        kGenerous))
        << vantage;
    std::map<std::string, double> reported;
    for (const auto& [outcome, count] : expected["outcomes"].items()) {
      reported[outcome] = count.get<double>();
    }
    EXPECT_EQ(outcomes, reported) << vantage;
    const auto downtime = query(fmt::format(
        R"(last_over_time(upwatch_downtime_seconds_total{{vantage="{}"}}[10m]))", vantage));
    ASSERT_EQ(downtime.size(), 1U) << vantage;
    EXPECT_EQ(downtime[0].first["url"], servers[vantage == vantages[0] ? 0 : 1]->url());
    EXPECT_NEAR(downtime[0].second, expected["downtime_ms"].get<double>() / 1000, 0.001) << vantage;
  }
  // Which vantage points saw downtime, as docs/metrics.md asks it: as many windows as each
  // report has (one, unless a loaded machine delayed a probe's request past a later one's).
  const auto saw = query("sum by (vantage) (last_over_time(upwatch_downtime_windows_total[10m]))");
  EXPECT_EQ(saw.size(), 2U);
  for (const auto& [labels, windows] : saw) {
    const auto reported = report(labels["vantage"].get<std::string>() + ".log")["windows"].size();
    EXPECT_EQ(windows, static_cast<double>(reported)) << labels;
  }
}
