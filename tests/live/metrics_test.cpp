// The Prometheus metrics of a run, as its analysis observes the probes: the series each target
// gets, and that their numbers are those of the run's own report.

#include "upwatch/live/metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cmath>

#include "records.hpp"
#include "upwatch/core/url.hpp"

using namespace std::chrono_literals;
using upwatch::Outcome;
using upwatch::ProbeRecord;
using upwatch::RunMetrics;
using upwatch::TargetsAnalysis;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart = upwatch::testing::kSampleStart;
const std::string kUrl = "http://lb.test/";

/// Probe k, sent at start + k x 100 ms, at `address` ("" for the URL itself).
ProbeRecord probe(std::uint64_t k, Outcome outcome, std::string address = {}) {
  auto record =
      upwatch::testing::Probe{
          .k = k, .outcome = outcome, .total = 2ms, .address = std::move(address)}
          .record();
  record.phases[0] = 100us;
  return record;
}

/// The registry's exposition, in Prometheus' text format.
std::string exposition(const RunMetrics& metrics) {
  return prometheus::TextSerializer{}.Serialize(metrics.registry()->Collect());
}

/// Whether `text` has the sample line `sample` ("name{labels} value"), its value within a
/// microsecond.
bool has(const std::string& text, const std::string& sample) {
  const auto space = sample.rfind(' ');
  const auto at = text.find(sample.substr(0, space + 1));
  if (at == std::string::npos) return false;
  const double value = std::stod(text.substr(at + space + 1));
  return std::abs(value - std::stod(sample.substr(space + 1))) < 1e-6;
}

const std::string kLabels = R"(url="http://lb.test/",vantage="lap1")";

}  // namespace

TEST(RunMetrics, CountTheProbesAndTheDowntimeTheReportGives) {
  RunMetrics metrics{"lap1"};
  TargetsAnalysis analysis{upwatch::StatusExpectation{}, 100ms, {}, {kUrl}, false};
  analysis.observe_each([&](const std::string& url, const std::string& address) {
    return &metrics.target(url, address);
  });
  // Up, then a window of three failures (#2-#4, 300 ms), up again, then a window still open.
  analysis.add(probe(0, Outcome::http(200)));
  analysis.add(probe(1, Outcome::http(200)));
  analysis.add(probe(3, Outcome::http(502)));  // out of order: held until #2 comes
  analysis.add(probe(2, Outcome::http(502)));
  auto text = exposition(metrics);
  EXPECT_TRUE(
      has(text, R"(upwatch_downtime_window_start_timestamp_seconds{)" + kLabels + "} 1795651200.2"))
      << text;
  EXPECT_TRUE(has(text, "upwatch_target_up{" + kLabels + "} 0")) << text;
  analysis.add(probe(4, Outcome::failure(Transport::refused)));
  analysis.add(probe(5, Outcome::http(200)));
  analysis.add(probe(6, Outcome::failure(Transport::reset)));
  text = exposition(metrics);
  EXPECT_TRUE(has(text, R"(upwatch_probes_total{outcome="200",result="up",)" + kLabels + "} 3"))
      << text;
  EXPECT_TRUE(has(text, R"(upwatch_probes_total{outcome="502",result="down",)" + kLabels + "} 2"));
  EXPECT_TRUE(
      has(text, R"(upwatch_probes_total{outcome="refused",result="down",)" + kLabels + "} 1"));
  EXPECT_TRUE(has(text, "upwatch_downtime_windows_total{" + kLabels + "} 2"));
  EXPECT_TRUE(has(text, "upwatch_downtime_seconds_total{" + kLabels + "} 0.3")) << text;
  EXPECT_TRUE(has(text, "upwatch_probe_duration_seconds_count{" + kLabels + "} 3"));
  EXPECT_TRUE(has(text, R"(upwatch_probe_phase_seconds_count{phase="dns",)" + kLabels + "} 3"))
      << text;

  // The run ends 400 ms after #6 failed: the open window counts until then, as in the report.
  const auto results = std::move(analysis).finish();
  metrics.finish(results, kStart + 1000ms);
  EXPECT_EQ(results.targets.front().analysis.downtime(kStart + 1000ms), 700ms);
  EXPECT_TRUE(has(exposition(metrics), "upwatch_downtime_seconds_total{" + kLabels + "} 0.7"));
}

TEST(RunMetrics, EachAddressIsATargetOfItsOwnBesideTheUrlAsUsersSawIt) {
  RunMetrics metrics{"lap1"};
  TargetsAnalysis analysis{upwatch::StatusExpectation{}, 100ms, {}, {kUrl}, true};
  analysis.observe_each([&](const std::string& url, const std::string& address) {
    return &metrics.target(url, address);
  });
  analysis.add_addresses({.url = kUrl, .time = kStart, .addresses = {"10.0.0.1", "10.0.0.2"}});
  for (std::uint64_t k = 0; k < 3; ++k) {
    analysis.add(probe(k, Outcome::http(200), "10.0.0.1"));
    analysis.add(probe(k, k == 1 ? Outcome::http(502) : Outcome::http(200), "10.0.0.2"));
  }
  const auto text = exposition(metrics);
  EXPECT_TRUE(has(text, R"(upwatch_downtime_windows_total{address="10.0.0.2",)" + kLabels + "} 1"))
      << text;
  EXPECT_TRUE(has(text, R"(upwatch_downtime_windows_total{address="10.0.0.1",)" + kLabels + "} 0"));
  EXPECT_TRUE(has(text, "upwatch_downtime_windows_total{" + kLabels + "} 1"));
  EXPECT_TRUE(has(text, R"(upwatch_probes_total{address="10.0.0.2",outcome="502",result="down",)" +
                            kLabels + "} 1"));
}

TEST(RunMetrics, ATrackedValueIsShownByAnInfoSeriesAndTheOneBeforeItIsZero) {
  RunMetrics metrics{"lap1"};
  TargetsAnalysis analysis{upwatch::StatusExpectation{}, 100ms, {"x-app-version"}, {kUrl}, false};
  analysis.observe_each([&](const std::string& url, const std::string& address) {
    return &metrics.target(url, address);
  });
  for (std::uint64_t k = 0; k < 4; ++k) {
    auto record = probe(k, Outcome::http(200));
    record.tracked.push_back({.name = "x-app-version", .value = k < 2 ? "v1" : "v2"});
    analysis.add(record);
  }
  const auto text = exposition(metrics);
  const std::string series = R"(upwatch_tracked_info{name="x-app-version",url="http://lb.test/",)";
  EXPECT_TRUE(has(text, series + R"(value="v2",vantage="lap1"} 1)")) << text;
  EXPECT_TRUE(has(text, series + R"(value="v1",vantage="lap1"} 0)"));
}

TEST(ListenAddress, TakesAPortAloneOrAnIpAddressAndAPort) {
  using upwatch::ListenAddress;
  using upwatch::parse_listen_address;
  EXPECT_EQ(parse_listen_address("9115"), (ListenAddress{.host = "", .port = 9115}));
  EXPECT_EQ(parse_listen_address(":9115"), (ListenAddress{.host = "", .port = 9115}));
  EXPECT_EQ(parse_listen_address("127.0.0.2:80"), (ListenAddress{.host = "127.0.0.2", .port = 80}));
  EXPECT_EQ(parse_listen_address("[::1]:9115"), (ListenAddress{.host = "::1", .port = 9115}));
  for (const char* bad : {"", "0", "65536", "localhost:9115", "::1:9115", "1.2.3:80",
                          "127.0.0.1:", "127.0.0.1:x", "[::1]", "9115 "}) {
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
  }
}

TEST(RunMetrics, EachKindOfConnectionIsATargetLabelledByItsKind) {
  RunMetrics metrics{"lap1"};
  TargetsAnalysis analysis{upwatch::StatusExpectation{}, 100ms, {}, {kUrl}, false, true};
  analysis.observe_each(
      [&](const std::string& url, const std::string& part) { return &metrics.target(url, part); });
  for (std::uint64_t k = 0; k < 2; ++k) {
    auto fresh = probe(k, Outcome::http(200));
    fresh.connection = upwatch::kFreshConnection;
    auto kept = probe(k, Outcome::failure(Transport::reset));
    kept.connection = upwatch::kKeptConnection;
    analysis.add(fresh);
    analysis.add(kept);
  }
  const auto text = exposition(metrics);
  EXPECT_TRUE(has(text, R"(upwatch_probes_total{connection="fresh",outcome="200",result="up",)" +
                            kLabels + "} 2"))
      << text;
  EXPECT_TRUE(has(text, R"(upwatch_probes_total{connection="kept-alive",outcome="reset",)"
                        R"(result="down",)" +
                            kLabels + "} 2"))
      << text;
  // As users saw it: each tick failed.
  EXPECT_TRUE(has(text, R"(upwatch_probes_total{outcome="reset",result="down",)" + kLabels + "} 2"))
      << text;
  EXPECT_EQ(text.find("address="), std::string::npos);
}
