// --connections both against the test server: every tick a probe on a fresh connection and one
// on a kept-alive connection, each kind a target of its own, with the users' view over both.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

using nlohmann::json;
using upwatch::testing::Cli;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

/// The target of `report` (a report's JSON) on connections of `kind`, or the URL as users saw
/// it for "".
json target_on(const json& report, const std::string& kind) {
  for (const auto& target : report["targets"]) {
    if (kind.empty() ? target["users_view"].get<bool>() : target["connection"] == kind) {
      return target;
    }
  }
  ADD_FAILURE() << "no target on " << kind << " connections in " << report.dump(2);
  return json::object();
}

}  // namespace

TEST_F(Cli, ANodeThatDropsItsKeptConnectionsIsSeenByKeptAliveProbesOnly) {
  // After four requests, every request on a connection that was already used is reset.
  TestServer server{parse_script("ok*4,dropkept")};
  ASSERT_EQ(run({"--connections", "both", "-c", "12", server.url(), "0.1"}), 1) << err_ << out_;
  // Each tick was probed on each kind of connection, and each record says which.
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  const auto& probes = written[0].records;
  ASSERT_EQ(probes.size(), 24U);
  for (const auto* kind : {"fresh", "kept-alive"}) {
    EXPECT_EQ(std::ranges::count(probes, std::string{kind}, &upwatch::ProbeRecord::connection), 12)
        << kind;
  }
  EXPECT_NE(log_text().find(" connections=both url="), std::string::npos);
  EXPECT_NE(log_text().find(" connection=kept-alive run="), std::string::npos);
  expect_report_retells(1);
  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = json::parse(out_);
  EXPECT_TRUE(report["both_connections"].get<bool>());
  ASSERT_EQ(report["targets"].size(), 3U);
  const auto fresh = target_on(report, "fresh");
  const auto kept = target_on(report, "kept-alive");
  const auto users = target_on(report, "");
  EXPECT_EQ(fresh["verdict"], "up") << fresh;
  EXPECT_EQ(fresh["probes"]["up"], 12);
  EXPECT_EQ(kept["verdict"], "down") << kept;
  EXPECT_GE(kept["outcomes"]["reset"].get<int>(), 1) << kept;
  EXPECT_EQ(kept["outcomes"].size(), 2U) << kept;  // 200 and reset, nothing else
  EXPECT_EQ(users["windows"].size(), kept["windows"].size());
  // Each kind is named in the summary, the page and the JUnit file.
  ASSERT_EQ(run({"report", "--html", "run.html", "--junit", "run.xml"}), 1) << err_;
  EXPECT_NE(out_.find("TARGET: " + server.url() + " on kept-alive connections\n"),
            std::string::npos)
      << out_;
  const auto page = upwatch::testing::read_file(dir_ + "/run.html");
  EXPECT_NE(page.find(R"(<div class="address" title=")" + server.url() +
                      R"( on kept-alive connections">on kept-alive connections</div>)"),
            std::string::npos);
  EXPECT_NE(upwatch::testing::read_file(dir_ + "/run.xml")
                .find(R"(<testcase name=")" + server.url() + R"( on fresh connections")"),
            std::string::npos);
}

TEST_F(Cli, ANodeThatRefusesNewConnectionsIsSeenByFreshProbesOnly) {
  // After six requests, the server stops listening for a second, but serves the connections
  // it has.
  TestServer server{parse_script("ok*6,refuse:1s,ok")};
  ASSERT_EQ(run({"--connections", "both", "-c", "12", server.url(), "0.2"}), 1) << err_ << out_;
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = json::parse(out_);
  const auto fresh = target_on(report, "fresh");
  const auto kept = target_on(report, "kept-alive");
  EXPECT_EQ(fresh["verdict"], "down") << fresh;
  EXPECT_GE(fresh["outcomes"]["refused"].get<int>(), 1) << fresh;
  EXPECT_EQ(kept["verdict"], "up") << kept;
  EXPECT_EQ(kept["probes"]["up"], 12) << kept;
}

TEST_F(Cli, ConnectionsAreFreshKeepAliveOrBothAndBothIsNotForEachAddress) {
  TestServer server{parse_script("ok")};
  EXPECT_EQ(run({"--connections", "kept", server.url(), "0.1", "-c", "1"}), 2);
  EXPECT_EQ(err_, "upwatch: error: bad --connections 'kept': expected fresh, keep-alive or both\n");
  EXPECT_EQ(run({"--connections", "both", "--each-address", server.url(), "0.1", "-c", "1"}), 2);
  EXPECT_EQ(err_, "upwatch: error: --connections both cannot be used with --each-address\n");
  EXPECT_EQ(run({"--connections", "both", "--keep-alive", server.url(), "0.1", "-c", "1"}), 2);
  EXPECT_EQ(server.requests(), 0U);
  // keep-alive is --keep-alive: connections reused; fresh, one for each probe.
  const auto ran = [&](const std::string& kind) {
    const int status = run({"--connections", kind, server.url(), "0.2", "-c", "4"});
    EXPECT_TRUE(status == 0 || !stalled().empty()) << status << err_;
  };
  ran("keep-alive");
  EXPECT_LT(server.connections(), 4U);  // one, unless a probe was still in flight at the next
  const auto kept = server.connections();
  ran("fresh");
  EXPECT_EQ(server.connections(), kept + 4);
}
