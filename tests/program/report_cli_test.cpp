// `upwatch report` on logs that real runs wrote: it must tell what the live run told.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::TestServer;

namespace {

class Report : public Cli {
 protected:
  /// Runs `upwatch report` with `args`; returns its exit status (stdout in out_).
  int report(std::vector<std::string> args) {
    args.insert(args.begin(), "report");
    return run(std::move(args));
  }
};

}  // namespace

TEST_F(Report, RebuildsTheLiveSummaryLineForLine) {
  TestServer server{parse_script("ok*3,502*2,reset*1,ok*3,503*2,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "13", "--jsonl", "testlog.jsonl"}), 1) << err_;
  const std::string live = out_;
  ASSERT_NE(live.find("DOWNTIME: 2 windows"), std::string::npos) << live;
  EXPECT_EQ(report({"testlog.log"}), 1) << err_;
  EXPECT_EQ(out_, live);
  EXPECT_EQ(err_, "");
  EXPECT_EQ(report({}), 1) << err_;  // testlog.log by default
  EXPECT_EQ(out_, live);
  EXPECT_EQ(report({"testlog.jsonl"}), 1) << err_;
  EXPECT_EQ(out_, live);
  EXPECT_EQ(err_, "");
}

TEST_F(Report, RebuildsARunStoppedWhileStillDown) {
  TestServer server{parse_script("ok*2,502*3,hang")};
  auto process = start({server.url(), "0.05", "-m", "60", "--jsonl", "testlog.jsonl"});
  ASSERT_TRUE(upwatch::testing::eventually([&] { return server.connections() >= 8; }, kGenerous));
  process->signal(SIGINT);
  ASSERT_EQ(process->wait(kGenerous), 1);
  const std::string live = process->out();
  ASSERT_NE(live.find("still down at END"), std::string::npos) << live;
  ASSERT_NE(live.find("abandoned x "), std::string::npos) << live;
  EXPECT_EQ(report({"testlog.log"}), 1) << err_;
  EXPECT_EQ(out_, live);
  EXPECT_EQ(report({"testlog.jsonl"}), 1) << err_;
  EXPECT_EQ(out_, live);
}

TEST_F(Report, JsonForMachines) {
  TestServer server{parse_script("ok*2,502*2,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "6"}), 1) << err_;
  const auto records = this->records();
  ASSERT_EQ(report({"--json"}), 1) << err_;
  const auto document = nlohmann::json::parse(out_);
  EXPECT_EQ(document["url"], server.url());
  EXPECT_EQ(document["probes"]["sent"], 6);
  EXPECT_EQ(document["probes"]["down"], 2);
  EXPECT_EQ(document["outcomes"]["502"], 2);
  ASSERT_EQ(document["windows"].size(), 1U);
  EXPECT_EQ(document["windows"][0]["start"], upwatch::format_iso_utc(records[2].sent));
  EXPECT_EQ(document["windows"][0]["end"], upwatch::format_iso_utc(records[4].sent));
  EXPECT_EQ(document["windows"][0]["duration_ms"], (records[4].sent - records[2].sent).count());
  EXPECT_EQ(document["exit_status"], 1);
  EXPECT_EQ(document["latency_ms"]["count"], 4);
}

TEST_F(Report, SeveralRunsListAndPick) {
  TestServer server{parse_script("ok*2,502*1,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "2"}), 0);
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3"}), 1);
  ASSERT_EQ(run({server.url(), "0.05", "-c", "4"}), 0);
  ASSERT_EQ(report({"--list"}), 0) << err_;
  std::istringstream list{out_};
  std::vector<std::string> rows;
  for (std::string line; std::getline(list, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4U) << out_;
  EXPECT_TRUE(rows[1].starts_with("1 ")) << rows[1];
  EXPECT_TRUE(rows[3].starts_with("3 ")) << rows[3];
  EXPECT_TRUE(rows[3].ends_with(" yes     " + server.url())) << rows[3];
  EXPECT_EQ(report({}), 0);
  EXPECT_EQ(summary_line("PROBES:"),
            "PROBES: 4 sent, 4 up, 0 down, 0 unanswered; availability 100.000%");
  EXPECT_EQ(report({"--run", "2"}), 1);
  EXPECT_EQ(summary_line("PROBES:"),
            "PROBES: 3 sent, 2 up, 1 down, 0 unanswered; availability 66.667%");
  EXPECT_EQ(report({"--run", "4"}), 2);
  EXPECT_EQ(err_, "upwatch: error: no run 4: the logs hold 3 runs\n");
}

TEST_F(Report, AKilledRunIsReportedUpToTheKill) {
  TestServer server{parse_script("ok*5,502*5,ok")};
  auto process = start({server.url(), "0.05", "--jsonl", "testlog.jsonl"});
  ASSERT_TRUE(upwatch::testing::eventually(
      [&] { return log_text().find(" #13 ") != std::string::npos; }, kGenerous));
  process->signal(SIGKILL);
  ASSERT_EQ(process->wait(kGenerous), 128 + SIGKILL);
  // Every probe that had finished is there, whole: nothing but the last record may be cut.
  std::istringstream in{log_text()};
  const auto contents = upwatch::read_log(in);
  ASSERT_EQ(contents.runs.size(), 1U);
  EXPECT_LE(contents.bad_lines.size(), 1U);
  EXPECT_FALSE(contents.runs[0].end);
  std::vector<bool> seen(14, false);
  for (const auto& record : contents.runs[0].records) {
    if (record.sequence < seen.size()) seen[record.sequence] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 14);
  for (const char* log : {"testlog.log", "testlog.jsonl"}) {
    EXPECT_EQ(report({log}), 1) << log << ": " << err_;
    const auto windows = window_lines();
    ASSERT_EQ(windows.size(), 1U) << out_;
    EXPECT_TRUE(windows[0].ends_with("5 failed probes (#5-#9): 502 x 5")) << windows[0];
    EXPECT_EQ(windows[0].find("still down"), std::string::npos) << windows[0];
    EXPECT_NE(out_.find("NOTE: this run ended without writing its summary"), std::string::npos)
        << out_;
  }
}

TEST_F(Report, ReadsTheBashLoopsLog) {
  TestServer server{parse_script("ok*3,502*3,ok")};
  run_bash_loop(server, 9);
  ASSERT_NE(log_text().find("\nINT: 0.2"), std::string::npos) << log_text();
  EXPECT_EQ(report({}), 1) << err_;
  EXPECT_EQ(summary_line("URL:"), "URL: " + server.url());
  EXPECT_EQ(summary_line("INT:"), "INT: 0.2");
  const auto windows = window_lines();
  ASSERT_EQ(windows.size(), 1U) << out_;
  EXPECT_TRUE(windows[0].ends_with("3 failed probes (#3-#5): 502 x 3")) << windows[0];
  EXPECT_EQ(summary_line("LATENCY:"), "LATENCY: not recorded in this log");
  EXPECT_NE(out_.find("NOTE: read from the bash loop's log"), std::string::npos) << out_;
}

TEST_F(Report, BadLinesAreWarnedAboutAndTheRestIsReported) {
  TestServer server{parse_script("ok*2,502,ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "4"}), 1);
  const std::string live = out_;
  upwatch::testing::write_file(log_path(), "scribbled on top\n" + log_text() + "* torn #\n");
  EXPECT_EQ(report({}), 1);
  EXPECT_EQ(out_, live);
  const auto lines = static_cast<std::size_t>(std::ranges::count(log_text(), '\n'));
  EXPECT_EQ(err_, fmt::format("upwatch: warning: testlog.log: skipped 2 lines that could not be "
                              "read: 1, {}\n",
                              lines));
}

TEST_F(Report, NoReadableLogIsAnError) {
  upwatch::testing::write_file(dir_ + "/empty.log", "");
  upwatch::testing::write_file(dir_ + "/junk.log", "nothing\nto see\n");
  EXPECT_EQ(report({"empty.log"}), 2);
  EXPECT_EQ(err_, "upwatch: error: log 'empty.log' is empty\n");
  EXPECT_EQ(report({"missing.log"}), 2);
  EXPECT_EQ(err_, "upwatch: error: cannot read log 'missing.log': No such file or directory\n");
  EXPECT_EQ(report({"junk.log"}), 2);
  EXPECT_TRUE(err_.ends_with("upwatch: error: no run found in 'junk.log' (read as upwatch log)\n"))
      << err_;
  EXPECT_EQ(report({"--run", "0"}), 2);
  EXPECT_EQ(report({"--bogus"}), 2);
  EXPECT_TRUE(err_.starts_with("upwatch: error: ")) << err_;
}

TEST_F(Cli, AMergeRefusesOneRunTwice) {
  TestServer server{parse_script("ok")};
  ASSERT_EQ(run({server.url(), "0.05", "-c", "3"}), 0) << err_;
  std::filesystem::copy_file(log_path(), dir_ + "/copy.log");
  EXPECT_EQ(run({"report", "--merge", "testlog.log", "copy.log"}), 2) << out_;
  EXPECT_NE(err_.find("upwatch: error: 'copy.log' holds the same run as 'testlog.log' (run "),
            std::string::npos)
      << err_;
  EXPECT_EQ(out_, "");
}
