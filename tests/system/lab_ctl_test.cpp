// The lab driven by hand (scripts/lab/ctl.sh), as a cutover owner drives an Auto Scaling Group
// while upwatch watches: every command against the running lab, the steps marked in upwatch's
// log, and everything the lab started stopped by its PID.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.hpp"
#include "upwatch/log/probe_log.hpp"

namespace {

using upwatch::testing::Process;
using namespace std::chrono_literals;

class LabByHand : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = upwatch::testing::make_temp_dir(); }
  void TearDown() override {
    if (std::filesystem::exists(dir_ + "/lab/lab.env")) ctl({"down"});
    upwatch::testing::remove_tree(dir_);
  }

  /// Runs `ctl.sh DIR/lab ARGS`, marking upwatch's log; returns its exit status, its output in
  /// out_.
  int ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/bin/bash",           UPWATCH_LAB_CTL, dir_ + "/lab", "--mark",
                                  dir_ + "/cutover.log", "--upwatch",     UPWATCH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    Process process{argv, dir_};
    const int status = process.wait(2min);
    out_ = process.out() + process.err();
    return status;
  }

  /// The line of `status` for instance slot `name`.
  [[nodiscard]] std::string slot_line(const std::string& name) const {
    std::istringstream lines{out_};
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with(name + " ")) return line;
    }
    return "";
  }

  /// The value of `name` in the running lab's settings (lab.env).
  [[nodiscard]] std::string setting(const std::string& name) const {
    std::istringstream lines{upwatch::testing::read_file(dir_ + "/lab/lab.env")};
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with(name + "=")) return line.substr(name.size() + 1);
    }
    return "";
  }

  /// The records in upwatch's log so far: its lines that begin with "* ".
  [[nodiscard]] std::size_t records() const {
    std::istringstream lines{upwatch::testing::read_file(dir_ + "/cutover.log")};
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) count += line.starts_with("* ") ? 1 : 0;
    return count;
  }

  /// Whether process `pid` runs: it exists and is not a zombie yet to be reaped by whoever
  /// inherited it.
  static bool running(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    const auto stat = upwatch::testing::read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto state = stat.find(") ");
    return state == std::string::npos || stat.substr(state + 2, 1) != "Z";
  }

  std::string dir_;
  std::string out_;
};

TEST_F(LabByHand, EveryCommandDrivesTheRunningLabAndDownStopsAllItStarted) {
  ASSERT_EQ(ctl({"up"}), 0) << out_;
  EXPECT_NE(out_.find("probe it with:"), std::string::npos) << out_;
  ASSERT_EQ(ctl({"status"}), 0) << out_;
  // Both target groups serve from the start: /health and /api/health.
  EXPECT_TRUE(slot_line("s1").ends_with("127.0.0.1 UP 127.0.0.2 UP")) << out_;
  EXPECT_TRUE(slot_line("a1").ends_with("127.0.0.1 UP 127.0.0.2 UP")) << out_;
  EXPECT_TRUE(slot_line("s2").ends_with("127.0.0.1 DOWN 127.0.0.2 DOWN")) << out_;

  const auto port = setting("LAB_HTTP_PORT");
  ASSERT_FALSE(port.empty());
  const auto base = "http://lab.test:" + port;
  Process upwatch{{UPWATCH_BINARY, "-o", dir_ + "/cutover.log", "--no-live", "--resolve",
                   "lab.test:" + port + ":127.0.0.1,127.0.0.2", "--track", "x-app-version",
                   base + "/health", base + "/api/health", "0.05"},
                  dir_};
  ASSERT_TRUE(upwatch::testing::eventually([&] { return records() >= 20; }, 1min));
  // 1 -> 3 -> 1, one step a command.
  ASSERT_EQ(ctl({"launch", "s2", "v2"}), 0) << out_;
  ASSERT_EQ(ctl({"launch", "s3", "v2"}), 0) << out_;
  ASSERT_EQ(ctl({"drain", "s1"}), 0) << out_;
  ASSERT_EQ(ctl({"stop", "s1"}), 0) << out_;
  ASSERT_EQ(ctl({"drain", "s3"}), 0) << out_;
  ASSERT_EQ(ctl({"stop", "s3"}), 0) << out_;
  ASSERT_EQ(ctl({"status"}), 0) << out_;
  EXPECT_TRUE(slot_line("s1").ends_with("127.0.0.1 MAINT 127.0.0.2 MAINT")) << out_;
  EXPECT_TRUE(slot_line("s2").ends_with("127.0.0.1 UP 127.0.0.2 UP")) << out_;
  EXPECT_TRUE(slot_line("s3").ends_with("127.0.0.1 MAINT 127.0.0.2 MAINT")) << out_;
  const auto before_end = records();
  ASSERT_TRUE(upwatch::testing::eventually([&] { return records() >= before_end + 20; }, 1min));
  upwatch.signal(SIGINT);
  upwatch.wait(1min);

  // Bad steps are usage errors that touch nothing.
  EXPECT_EQ(ctl({"launch", "s9", "v2"}), 2) << out_;
  EXPECT_EQ(ctl({"launch", "s2", "v3"}), 2) << out_;  // running already
  EXPECT_EQ(ctl({"up"}), 2) << out_;                  // up already

  std::ifstream in{dir_ + "/cutover.log"};
  const auto log = upwatch::read_log(in);
  ASSERT_EQ(log.runs.size(), 1U);
  // Every probe of both paths answered 200, over the whole cutover, v1 then v2.
  std::size_t v2 = 0;
  for (const auto& record : log.runs[0].records) {
    EXPECT_EQ(record.outcome, upwatch::Outcome::http(200)) << record.sequence;
    for (const auto& tracked : record.tracked) v2 += tracked.value == "v2" ? 1 : 0;
  }
  EXPECT_GT(v2, 0U);
  // Each step is marked, dated as it was done, in order.
  std::vector<std::string> marks;
  for (const auto& mark : log.runs[0].marks) marks.push_back(mark.text);
  EXPECT_EQ(marks, (std::vector<std::string>{"launched s2 v2", "healthy s2", "launched s3 v2",
                                             "healthy s3", "drained s1", "stopping s1",
                                             "drained s3", "stopping s3"}));
  EXPECT_TRUE(std::ranges::is_sorted(log.runs[0].marks, {}, &upwatch::Mark::time));

  // down stops every process the lab started, by the PIDs it recorded.
  std::vector<pid_t> started;
  for (const auto& entry : std::filesystem::directory_iterator{dir_ + "/lab/pids"}) {
    started.push_back(std::stoi(upwatch::testing::read_file(entry.path().string())));
  }
  EXPECT_EQ(started.size(), 4U);  // s2, a1 and two load-balancer nodes
  ASSERT_EQ(ctl({"down"}), 0) << out_;
  for (const pid_t pid : started) EXPECT_FALSE(running(pid)) << pid;
  EXPECT_EQ(ctl({"status"}), 2) << out_;  // no lab there any more
}

}  // namespace
