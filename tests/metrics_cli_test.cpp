// --metrics-listen run for real: the metrics are served while the run lasts, their numbers are
// those of the run's own report, and where they cannot be served nothing is probed or touched.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

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
