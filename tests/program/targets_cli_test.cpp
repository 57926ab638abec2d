// Several URLs in one run, and every address of a name (--each-address), run for real against
// test servers on loopback addresses: each target is probed where it was told, on its own
// slot of the schedule, and the report gives each its own section.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "dns_server.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using upwatch::testing::Cli;
using upwatch::testing::DnsServer;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

/// The records of the log's one run that name `url` (and `address`, if given), in sequence
/// order.
std::vector<upwatch::ProbeRecord> records_of(const upwatch::LogRun& run, const std::string& url,
                                             const std::string& address = {}) {
  std::vector<upwatch::ProbeRecord> found;
  for (const auto& record : run.records) {
    if (record.url == url && record.address == address) found.push_back(record);
  }
  std::ranges::sort(found, {}, &upwatch::ProbeRecord::sequence);
  return found;
}

/// The target of `report` (a --json document) for `url` at `address` ("" for the URL).
json target_of(const json& report, const std::string& url, const std::string& address = {}) {
  for (const auto& target : report["targets"]) {
    if (target["url"] == url &&
        (address.empty() ? target["address"].is_null() : target["address"] == address)) {
      return target;
    }
  }
  ADD_FAILURE() << "no target " << url << " " << address << " in " << report.dump(2);
  return json::object();
}

}  // namespace

TEST_F(Cli, SeveralUrlsEachHaveTheirSectionAndOnlyTheOneThatFailedHasAWindow) {
  TestServer failing{parse_script("ok*10,502*5,ok")};
  TestServer steady{parse_script("ok")};
  const auto failing_url = fmt::format("http://127.0.0.1:{}/api", failing.port());
  ASSERT_EQ(run({failing_url, steady.url(), "0.05", "-c", "30"}), 1) << err_ << out_;
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  // Each URL probed where it was told, 30 times, and no more.
  EXPECT_EQ(failing.requests(), 30U);
  EXPECT_EQ(steady.requests(), 30U);
  EXPECT_NE(failing.last_request().find("HEAD /api HTTP/1.1"), std::string::npos);
  EXPECT_NE(out_.find(fmt::format("URL: {}\nURL: {}\n", failing_url, steady.url())),
            std::string::npos)
      << out_;
  EXPECT_TRUE(
      summary_line("VERDICT:")
          .starts_with("VERDICT: down (exit 1): 1 of 2 targets had downtime: " + failing_url))
      << out_;
  // Every record names its URL; each URL has probes #0-#29.
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  EXPECT_EQ(written[0].header.more_urls, std::vector<std::string>{steady.url()});
  EXPECT_EQ(records_of(written[0], failing_url).size(), 30U);
  EXPECT_EQ(records_of(written[0], steady.url()).size(), 30U);
  EXPECT_EQ(upwatch::testing::occurrences(log_text(), " url=" + failing_url + " "), 30U);
  expect_report_retells(1);

  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = json::parse(out_);
  EXPECT_EQ(report["verdict"], "down");
  ASSERT_EQ(report["targets"].size(), 2U);
  const auto down = target_of(report, failing_url);
  ASSERT_EQ(down["windows"].size(), 1U);
  EXPECT_EQ(down["windows"][0]["failed_probes"], 5);
  EXPECT_EQ(down["windows"][0]["first_probe"], 10);
  EXPECT_EQ(down["probes"]["sent"], 30);
  const auto up = target_of(report, steady.url());
  EXPECT_EQ(up["windows"].size(), 0U);
  EXPECT_EQ(up["probes"]["up"], 30);
  EXPECT_EQ(up["verdict"], "up");

  // The list of runs names the first URL and how many more.
  ASSERT_EQ(run({"report", "--list"}), 0) << err_;
  EXPECT_NE(out_.find(failing_url + " (and 1 more)"), std::string::npos) << out_;
  // The page has a lane for each URL, then each URL's section with its windows.
  ASSERT_EQ(run({"report", "--html", "run.html"}), 1) << err_;
  const auto page = upwatch::testing::read_file(dir_ + "/run.html");
  const auto lanes = page.find(R"(<div class="chart" id="lanes">)");
  const auto first = page.find(R"(<section class="target" data-target=")" + failing_url + "\">");
  const auto second = page.find(R"(<section class="target" data-target=")" + steady.url() + "\">");
  EXPECT_LT(lanes, first);
  EXPECT_LT(first, second);
  EXPECT_NE(second, std::string::npos);
  EXPECT_NE(page.find(fmt::format(R"(<div class="url" title="{}">127.0.0.1:{}/api</div>)",
                                  failing_url, failing.port())),
            std::string::npos);
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<tr class="window-row" id="window-1-1")"), 1U);
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<tr class="window-row")"), 1U);
  EXPECT_NE(page.find("5 failed probes (#10-#14)"), std::string::npos);
  EXPECT_NE(page.find("<dd>" + failing_url + "<br>" + steady.url() + "</dd>"), std::string::npos);
}

TEST_F(Cli, EachUrlHasItsOwnSlotStaggeredAcrossTheInterval) {
  TestServer first{parse_script("ok")};
  TestServer second{parse_script("ok")};
  const auto second_url = fmt::format("http://127.0.0.1:{}/second", second.port());
  ASSERT_EQ(run({first.url(), second_url, "0.4", "-c", "7"}), 0) << err_ << out_;
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  const auto a = records_of(written[0], first.url());
  const auto b = records_of(written[0], second_url);
  ASSERT_EQ(a.size(), 7U);
  ASSERT_EQ(b.size(), 7U);
  // The second URL is probed half an interval after the first: the median of the seven
  // offsets stands, however late one probe was sent on a loaded machine.
  std::vector<std::chrono::milliseconds> offsets;
  for (std::size_t k = 0; k < a.size(); ++k) offsets.push_back(b[k].sent - a[k].sent);
  std::ranges::sort(offsets);
  EXPECT_GE(offsets[3], 120ms);
  EXPECT_LE(offsets[3], 280ms);
}

TEST_F(Cli, ManyUrlsKeptAliveKeepAConnectionEach) {
  // More URLs than share one of libcurl's connection caches: each URL's connection is kept and
  // used for every probe of it.
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::string> args;
  for (int i = 0; i < 18; ++i) {
    servers.push_back(std::make_unique<TestServer>(parse_script("ok")));
    args.push_back(servers.back()->url());
  }
  args.insert(args.end(), {"0.2", "-c", "4", "--keep-alive"});
  ASSERT_EQ(run(args), 0) << err_ << out_;
  for (const auto& server : servers) {
    EXPECT_EQ(server->requests(), 4U);
    EXPECT_EQ(server->connections(), 1U);
  }
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  EXPECT_EQ(written[0].records.size(), 18U * 4U);
}

TEST_F(Cli, AUrlFileAddsItsUrlsAndBadOnesAreRefusedBeforeAnythingIsTouched) {
  TestServer first{parse_script("ok")};
  TestServer second{parse_script("ok")};
  const auto file = dir_ + "/urls.txt";
  std::ofstream{file} << "# the paths of the cutover\n\n  " << second.url() << "  \r\n";
  ASSERT_EQ(run({"--url-file", file, first.url(), "0.05", "-c", "3"}), 0) << err_;
  EXPECT_EQ(first.requests(), 3U);
  EXPECT_EQ(second.requests(), 3U);
  const std::string log_before = log_text();

  const auto refused = [&](const std::string& text, std::vector<std::string> args,
                           const std::string& message) {
    std::ofstream{file, std::ios::trunc} << text;
    EXPECT_EQ(run(std::move(args)), 2) << text;
    EXPECT_NE(err_.find("upwatch: error: " + message), std::string::npos) << err_;
    EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << err_;
    EXPECT_EQ(log_text(), log_before);
  };
  refused("# nothing yet\n\n", {"--url-file", file, "0.05"},
          "--url-file '" + file + "' holds no URL");
  refused(second.url() + "\n# next\nexample.com/health\n", {"--url-file", file, "-c", "1"},
          "bad URL on line 3 of --url-file '" + file + "'");
  refused(first.url() + "\n", {first.url(), "--url-file", file, "-c", "1"},
          "URL on line 1 of --url-file '" + file + "' '" + first.url() + "' is given twice");
  EXPECT_EQ(run({first.url(), first.url(), "0.05"}), 2);
  EXPECT_NE(err_.find("is given twice"), std::string::npos) << err_;
  EXPECT_EQ(run({"--url-file", dir_ + "/missing.txt"}), 2);
  EXPECT_NE(err_.find("cannot read --url-file"), std::string::npos) << err_;
  EXPECT_EQ(run({"--each-address", "-x", "http://127.0.0.1:3128", first.url(), "-c", "1"}), 2);
  EXPECT_NE(err_.find("--each-address cannot be used with --proxy"), std::string::npos) << err_;
  EXPECT_EQ(log_text(), log_before);
  EXPECT_EQ(first.requests(), 3U);
  EXPECT_EQ(second.requests(), 3U);
}

TEST_F(Cli, EachAddressShowsTheNodeThatFailedAndOnlyIt) {
  // One name, two load-balancer nodes on one port: 127.0.0.1 answers throughout, 127.0.0.2
  // answers 502 for ten probes.
  TestServer good{parse_script("ok")};
  TestServer bad{parse_script("ok*10,502*10,ok"), good.port(), "127.0.0.2"};
  const auto url = fmt::format("http://lb.test:{}/health", good.port());
  const auto resolve = fmt::format("lb.test:{}:127.0.0.1,127.0.0.2", good.port());
  ASSERT_EQ(run({"--each-address", "--resolve", resolve, url, "0.05", "-c", "40", "--jsonl",
                 "probes.jsonl"}),
            1)
      << err_ << out_;
  EXPECT_EQ(good.requests(), 40U);
  EXPECT_EQ(bad.requests(), 40U);
  // Pinned to its address, each probe still names the URL's host.
  EXPECT_NE(bad.last_request().find(fmt::format("Host: lb.test:{}", good.port())),
            std::string::npos);
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  EXPECT_TRUE(written[0].header.each_address);
  ASSERT_EQ(written[0].address_sets.size(), 1U);
  EXPECT_EQ(written[0].address_sets[0].addresses,
            (std::vector<std::string>{"127.0.0.1", "127.0.0.2"}));
  const auto at_bad = records_of(written[0], "", "127.0.0.2");
  ASSERT_EQ(at_bad.size(), 40U);
  EXPECT_EQ(at_bad[15].remote, fmt::format("127.0.0.2:{}", good.port()));
  EXPECT_EQ(format_as(at_bad[15].outcome), "502");
  expect_report_retells(1);
  expect_report_retells(1, "probes.jsonl");
  // The page draws the URL as users saw it, then each node by its address.
  ASSERT_EQ(run({"report", "--html", "run.html"}), 1) << err_;
  const auto page = upwatch::testing::read_file(dir_ + "/run.html");
  std::vector<std::size_t> sections;
  for (const auto& name : {url, url + " at 127.0.0.1", url + " at 127.0.0.2"}) {
    sections.push_back(page.find(R"(<section class="target" data-target=")" + name + "\">"));
    EXPECT_NE(page.find(R"(title=")" + name + "\""), std::string::npos) << name;  // its lane
  }
  EXPECT_TRUE(std::ranges::is_sorted(sections)) << page;
  EXPECT_NE(sections.back(), std::string::npos);
  EXPECT_NE(page.find("As users saw it: a tick failed if any of its addresses failed."),
            std::string::npos);
  EXPECT_NE(page.find(R"(<div class="address" title=")" + url + R"( at 127.0.0.2">at 127.0.0.2<)"),
            std::string::npos);
  // The users' window and the node's, the healthy node none.
  EXPECT_GE(upwatch::testing::occurrences(page, "10 failed probes (#10-#19)"), 2U);
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<tr class="window-row" id="window-1-1")"), 1U);
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<tr class="window-row" id="window-3-1")"), 1U);
  EXPECT_EQ(upwatch::testing::occurrences(page, R"(<tr class="window-row")"), 2U);

  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = json::parse(out_);
  ASSERT_EQ(report["targets"].size(), 3U);
  const auto users = target_of(report, url);
  EXPECT_TRUE(users["users_view"].get<bool>());
  ASSERT_EQ(users["windows"].size(), 1U);
  EXPECT_EQ(users["windows"][0]["failed_probes"], 10);
  EXPECT_EQ(users["windows"][0]["most_addresses_failed"], 1);
  EXPECT_EQ(users["windows"][0]["addresses"], 2);
  EXPECT_EQ(target_of(report, url, "127.0.0.1")["windows"].size(), 0U);
  const auto node = target_of(report, url, "127.0.0.2");
  ASSERT_EQ(node["windows"].size(), 1U);
  EXPECT_EQ(node["windows"][0]["first_probe"], 10);
  EXPECT_EQ(node["windows"][0]["last_probe"], 19);
  EXPECT_EQ(node["outcomes"], json::parse(R"({"200":30,"502":10})"));
}

TEST_F(Cli, WithoutEachAddressTheSameFailingNodeIsNotSeen) {
  // What the bash loop's curl, and upwatch without --each-address, report for the same event:
  // every probe goes to the first address, which answers, so the run is "up".
  TestServer good{parse_script("ok")};
  TestServer bad{parse_script("502"), good.port(), "127.0.0.2"};
  const auto url = fmt::format("http://lb.test:{}/health", good.port());
  const auto resolve = fmt::format("lb.test:{}:127.0.0.1,127.0.0.2", good.port());
  ASSERT_EQ(run({"--resolve", resolve, url, "0.05", "-c", "20"}), 0) << err_ << out_;
  EXPECT_EQ(good.requests(), 20U);
  EXPECT_EQ(bad.requests(), 0U);
}

TEST_F(Cli, EachAddressFollowsTheNameAsItsAddressesComeAndGo) {
  TestServer first{parse_script("ok")};
  TestServer second{parse_script("ok"), first.port(), "127.0.0.2"};
  DnsServer dns{DnsServer::Mode::answer};
  dns.set_addresses({"127.0.0.1", "127.0.0.2"});
  const auto url = fmt::format("http://lb.test:{}/health", first.port());
  auto process = start({"--each-address", "--dns-servers", fmt::format("127.0.0.1:{}", dns.port()),
                        url, "0.05", "-m", "2"});
  const auto after = [&](std::uint64_t questions) {
    const auto until = dns.questions() + questions;
    return upwatch::testing::eventually([&] { return dns.questions() >= until; }, kGenerous);
  };
  ASSERT_TRUE(after(10));
  dns.set_addresses({"127.0.0.1"});  // the second node is taken out of the name
  ASSERT_TRUE(after(10));
  dns.set_addresses({});  // the name stops resolving
  ASSERT_TRUE(after(10));
  dns.set_addresses({"127.0.0.1"});
  ASSERT_TRUE(after(10));
  process->signal(SIGINT);
  EXPECT_EQ(process->wait(kGenerous), 1) << process->err();
  out_ = process->out();

  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  // The sets as they changed: both nodes, then the first alone; a name that does not resolve
  // is no set of its own.
  ASSERT_EQ(written[0].address_sets.size(), 2U) << log_text();
  EXPECT_EQ(written[0].address_sets[0].addresses,
            (std::vector<std::string>{"127.0.0.1", "127.0.0.2"}));
  EXPECT_EQ(written[0].address_sets[1].addresses, std::vector<std::string>{"127.0.0.1"});
  EXPECT_NE(out_.find("went: 127.0.0.2"), std::string::npos) << out_;
  const auto dns_failures = records_of(written[0], "", "");
  EXPECT_GE(dns_failures.size(), 5U);
  for (const auto& record : dns_failures) {
    const auto name = format_as(record.outcome);
    EXPECT_TRUE(name == "dns" || name == "abandoned") << name;
  }

  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto report = json::parse(out_);
  // The URL was down while its name did not resolve; no address was: the second one left
  // the name without failing, and is not down for it.
  const auto users = target_of(report, url);
  ASSERT_EQ(users["windows"].size(), 1U);
  EXPECT_GE(users["windows"][0]["outcomes"]["dns"].get<int>(), 5);
  EXPECT_EQ(users["address_sets"].size(), 2U);
  for (const auto* address : {"127.0.0.1", "127.0.0.2"}) {
    const auto node = target_of(report, url, address);
    EXPECT_EQ(node["windows"].size(), 0U) << address;
    EXPECT_EQ(node["probes"]["down"], 0) << address;
  }
  EXPECT_GT(target_of(report, url, "127.0.0.1")["probes"]["up"].get<int>(),
            target_of(report, url, "127.0.0.2")["probes"]["up"].get<int>());
}

TEST_F(Cli, EachAddressKeepsToTheAddressFamilyAskedFor) {
  TestServer server{parse_script("ok")};
  const auto url = fmt::format("http://lb.test:{}/health", server.port());
  const auto resolve = fmt::format("lb.test:{}:127.0.0.1,[::1]", server.port());
  ASSERT_EQ(run({"--each-address", "-4", "--resolve", resolve, url, "0.05", "-c", "3"}), 0)
      << err_ << out_;
  EXPECT_EQ(server.requests(), 3U);
  const auto written = runs();
  ASSERT_EQ(written.size(), 1U);
  ASSERT_EQ(written[0].address_sets.size(), 1U);
  EXPECT_EQ(written[0].address_sets[0].addresses, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(records_of(written[0], "", "127.0.0.1").size(), 3U);
  const std::string log_before = log_text();
  EXPECT_EQ(run({"--each-address", "-6", "--resolve",
                 fmt::format("lb.test:{}:127.0.0.1", server.port()), url, "-c", "1"}),
            2);
  EXPECT_NE(err_.find(fmt::format("--each-address: lb.test:{} has no address of the family",
                                  server.port())),
            std::string::npos)
      << err_;
  EXPECT_EQ(log_text(), log_before);
  EXPECT_EQ(server.requests(), 3U);
}
