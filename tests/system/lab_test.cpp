// End-to-end cutover rehearsals: upwatch watching a real load balancer (HAProxy) in front of
// real servers (nginx) on loopback while they are replaced (scripts/lab/rehearse.sh).

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "process.hpp"
#include "upwatch/analysis/logged_run.hpp"
#include "upwatch/log/probe_log.hpp"

using upwatch::testing::Process;

namespace {

/// How far the lab's dates and upwatch's may drift apart in a rehearsal. The lab's "healthy" event
/// carries the time `date` read just before a poll of HAProxy found the instance healthy on no
/// node (or the time just before it was started): however late a loaded machine ran that poll,
/// no answer of the instance can come before that time. upwatch dates on the boot clock from a
/// reading of the wall clock at its start; `date` reads the wall clock, which NTP may slew by
/// up to 0.5 ms a second.
constexpr std::chrono::milliseconds kClockDrift{10};

/// When `record`'s answer (or failure) reached upwatch, to the millisecond, rounded up.
upwatch::WallTime answered_at(const upwatch::ProbeRecord& record) {
  return record.sent + std::chrono::ceil<std::chrono::milliseconds>(record.total);
}

struct Rehearsal {
  int status = -1;
  std::string summary;
  std::multimap<std::string, upwatch::WallTime> events;  ///< "killing s1" -> when
  upwatch::LogContents log;
  upwatch::LogReading runs;
};

class Lab : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { dir_ = upwatch::testing::make_temp_dir(); }
  void TearDown() override { upwatch::testing::remove_tree(dir_); }

  [[nodiscard]] bool https() const { return GetParam(); }

  Rehearsal rehearse(const std::string& scenario) {
    std::vector<std::string> args{"/bin/bash",    UPWATCH_REHEARSE, "--upwatch",
                                  UPWATCH_BINARY, "--dir",          dir_ + "/lab"};
    if (https()) args.emplace_back("--https");
    args.push_back(scenario);
    Process process{args, dir_};
    Rehearsal result;
    result.status = process.wait(std::chrono::minutes{5});
    result.summary = process.out();
    std::istringstream events{upwatch::testing::read_file(dir_ + "/lab/events.log")};
    for (std::string line; std::getline(events, line);) {
      const auto space = line.find(' ');
      if (const auto when = upwatch::parse_iso_utc(line.substr(0, space))) {
        result.events.emplace(line.substr(space + 1), *when);
      }
    }
    {
      std::ifstream in{dir_ + "/lab/testlog.log"};
      result.log = upwatch::read_log(in);
    }
    std::ifstream in{dir_ + "/lab/testlog.log"};
    result.runs = upwatch::read_runs(in);
    EXPECT_TRUE(result.log.bad_lines.empty());
    EXPECT_EQ(result.runs.all.size(), 1U);
    // What the lab did while upwatch watched is marked in its log, last of all "done".
    if (!result.log.runs.empty()) {
      const auto& marks = result.log.runs[0].marks;
      EXPECT_FALSE(marks.empty());
      if (!marks.empty()) {
        EXPECT_EQ(marks.back().text, "done");
      }
      for (const auto& mark : marks) EXPECT_EQ(result.events.count(mark.text), 1U) << mark.text;
      if (!result.runs.all.empty()) {
        EXPECT_EQ(result.runs.all[0].info.marks, marks);
      }
    }
    if (::testing::Test::HasFailure() || result.status < 0) {
      ADD_FAILURE() << "stdout:\n" << result.summary << "\nstderr:\n" << process.err();
    }
    return result;
  }

  /// True if every answer in the log came over the protocol this test asked for.
  static void expect_protocol(const Rehearsal& rehearsal, bool https) {
    std::size_t answers = 0;
    for (const auto& record : rehearsal.log.runs.at(0).records) {
      if (record.outcome.transport != upwatch::Transport::answered) continue;
      ++answers;
      ASSERT_FALSE(record.lines.empty());
      EXPECT_TRUE(record.lines[0].starts_with(https ? "HTTP/2 " : "HTTP/1.1 ")) << record.lines[0];
      // The README's grep of good answers finds it, over either version.
      if (record.outcome.status == 200) {
        EXPECT_TRUE(std::regex_search(record.lines[0], std::regex{"^HTTP/[0-9.]+ 200 "}))
            << record.lines[0];
      }
    }
    EXPECT_GT(answers, 0U);
  }

  /// Expects a run that saw no downtime, told in `summary` and ended with `status`: up (exit
  /// 0), or inconclusive (exit 5) when the loaded machine starved upwatch itself of CPU, so that
  /// every gap is one of its own stalls.
  static void expect_no_downtime(const upwatch::RunAnalysis& analysis, const std::string& summary,
                                 std::optional<int> status) {
    EXPECT_TRUE(analysis.windows.empty()) << summary;
    EXPECT_EQ(analysis.down, 0U) << summary;
    const bool stalled = std::ranges::all_of(analysis.gaps, [](const upwatch::Gap& gap) {
      return gap.cause == upwatch::GapCause::stalled;
    });
    EXPECT_TRUE(stalled) << summary;
    const bool starved = stalled && !analysis.gaps.empty();
    if (status) {
      EXPECT_EQ(*status, starved ? 5 : 0) << summary;
    }
    // A probe still in flight when the rehearsal stops upwatch is unanswered, never judged: it
    // waited less than the slowest answer, so it is no failure.
    EXPECT_NE(summary.find(starved ? "\nDOWNTIME: none seen, but the run is inconclusive"
                                   : "\nDOWNTIME: no downtime: every probe succeeded"),
              std::string::npos)
        << summary;
  }

  std::string dir_;
};

std::string protocol_name(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "Https2" : "Http";
}

}  // namespace

TEST_P(Lab, RollingCutoverHasNoDowntime) {
  const auto rehearsal = rehearse("rolling");
  ASSERT_EQ(rehearsal.runs.all.size(), 1U) << rehearsal.summary;
  const auto& analysis = rehearsal.runs.all[0].results.targets.front().analysis;
  expect_no_downtime(analysis, rehearsal.summary, rehearsal.status);
  EXPECT_GE(analysis.probes(), 200U);
  expect_protocol(rehearsal, https());
  // Both versions answered: the cutover happened under the probes.
  const auto text = upwatch::testing::read_file(dir_ + "/lab/testlog.log");
  EXPECT_NE(text.find("x-app-version: v1"), std::string::npos);
  EXPECT_NE(text.find("x-app-version: v2"), std::string::npos);
  ASSERT_EQ(rehearsal.events.count("drained s1"), 1U);
  ASSERT_EQ(rehearsal.events.count("healthy s2"), 1U);
  ASSERT_EQ(rehearsal.events.count("healthy s3"), 1U);
  // 1 -> 3 -> 1: v1's instance and one of v2's are gone at the end.
  EXPECT_EQ(rehearsal.events.count("stopping s1"), 1U);
  EXPECT_EQ(rehearsal.events.count("stopping s3"), 1U);
  // VERSIONS tells the switch the lab made: v1, then v2, answering side by side from when the
  // first v2 instance was healthy until v1 was drained.
  ASSERT_EQ(analysis.versions.size(), 1U) << rehearsal.summary;
  const auto& versions = analysis.versions[0];
  EXPECT_EQ(versions.name, "x-app-version");
  ASSERT_EQ(versions.values.size(), 2U) << rehearsal.summary;
  EXPECT_EQ(versions.values[0].value, "v1");
  EXPECT_EQ(versions.values[1].value, "v2");
  ASSERT_EQ(versions.switches.size(), 1U) << rehearsal.summary;
  const auto& change = versions.switches[0];
  ASSERT_TRUE(change.last_old) << rehearsal.summary;  // both answered for a while
  const auto& records = rehearsal.log.runs.at(0).records;
  const auto first_v2 = std::find_if(records.begin(), records.end(), [&](const auto& r) {
    return r.sent == change.first_new && !r.tracked.empty() && r.tracked[0].value == "v2";
  });
  ASSERT_NE(first_v2, records.end());
  const auto first_healthy = std::min(rehearsal.events.find("healthy s2")->second,
                                      rehearsal.events.find("healthy s3")->second);
  EXPECT_GE(answered_at(*first_v2) + kClockDrift, first_healthy) << rehearsal.summary;
  EXPECT_LE(*change.last_old,
            rehearsal.events.find("drained s1")->second + std::chrono::milliseconds{50})
      << rehearsal.summary;
  EXPECT_NE(rehearsal.summary.find("\n  v1 -> v2: first v2 at "), std::string::npos)
      << rehearsal.summary;
  EXPECT_TRUE(versions.comebacks.empty()) << rehearsal.summary;
}

TEST_P(Lab, NaiveCutoverShowsTheLoadBalancers503s) {
  const auto rehearsal = rehearse("naive");
  ASSERT_EQ(rehearsal.status, 1) << rehearsal.summary;
  ASSERT_EQ(rehearsal.events.count("killing s1"), 1U);
  ASSERT_EQ(rehearsal.events.count("healthy s2"), 1U);
  const auto killed = rehearsal.events.find("killing s1")->second;
  const auto v2_not_yet_healthy = rehearsal.events.find("healthy s2")->second;
  const auto& analysis = rehearsal.runs.all.at(0).results.targets.front().analysis;
  const upwatch::Outcome lb_503 = upwatch::Outcome::http(503);
  const auto window = std::find_if(analysis.windows.begin(), analysis.windows.end(),
                                   [&](const auto& w) { return w.outcomes.contains(lb_503); });
  ASSERT_NE(window, analysis.windows.end()) << rehearsal.summary;
  // A probe's send time and the load balancer's handling of it are apart by its time in transit,
  // so each cause is checked against when the probe was answered (sent + total): the first failed
  // probe was answered after the kill (it may have been sent just before, in flight when the
  // instance died), and the first good one after the last moment HAProxy still saw v2 unhealthy.
  const auto& records = rehearsal.log.runs.at(0).records;
  const auto first_failed = std::find_if(records.begin(), records.end(), [&](const auto& r) {
    return r.sequence == window->first_sequence;
  });
  ASSERT_NE(first_failed, records.end());
  EXPECT_GE(answered_at(*first_failed), killed) << rehearsal.summary;
  // The kill was marked in the log before it was done: before the first failure was answered.
  const auto& marks = rehearsal.log.runs.at(0).marks;
  const auto killing = std::ranges::find(marks, "killing s1", &upwatch::Mark::text);
  ASSERT_NE(killing, marks.end());
  EXPECT_LE(killing->time, answered_at(*first_failed));
  ASSERT_TRUE(window->end) << rehearsal.summary;
  const auto first_good = std::find_if(records.begin(), records.end(), [&](const auto& r) {
    return r.sequence > window->last_sequence && r.sent == *window->end;
  });
  ASSERT_NE(first_good, records.end());
  EXPECT_EQ(first_good->outcome, upwatch::Outcome::http(200));
  EXPECT_GE(answered_at(*first_good) + kClockDrift, v2_not_yet_healthy) << rehearsal.summary;
  // v1 died before v2 was launched: a clean switch, at the end of the window.
  ASSERT_EQ(analysis.versions.size(), 1U) << rehearsal.summary;
  ASSERT_EQ(analysis.versions[0].switches.size(), 1U) << rehearsal.summary;
  const auto& change = analysis.versions[0].switches[0];
  EXPECT_FALSE(change.last_old) << rehearsal.summary;
  EXPECT_EQ(change.first_new, *window->end) << rehearsal.summary;
  EXPECT_LT(change.last_old_before, window->start) << rehearsal.summary;
  EXPECT_NE(rehearsal.summary.find("\n  v1 -> v2: clean switch at "), std::string::npos)
      << rehearsal.summary;
  EXPECT_GT(window->failed, 1U);
  expect_protocol(rehearsal, https());
}

/// The analysis of `url` at `address` ("" for the URL itself) in `run`.
const upwatch::RunAnalysis& target_of(const upwatch::LoggedRun& run, const std::string& url,
                                      const std::string& address = {}) {
  for (const auto& target : run.results.targets) {
    if (target.url == url && target.address == address) return target.analysis;
  }
  throw std::out_of_range("no target " + url + " " + address);
}

TEST_P(Lab, AStoppedLoadBalancerNodeIsSeenOnlyWithEachAddress) {
  const auto rehearsal = rehearse("node");
  ASSERT_EQ(rehearsal.status, 1) << rehearsal.summary;
  ASSERT_EQ(rehearsal.events.count("pausing node 127.0.0.2"), 1U);
  ASSERT_EQ(rehearsal.events.count("resumed node 127.0.0.2"), 1U);
  const auto paused = rehearsal.events.find("pausing node 127.0.0.2")->second;
  const auto resumed = rehearsal.events.find("resumed node 127.0.0.2")->second;
  const auto& run = rehearsal.runs.all.at(0);
  ASSERT_EQ(run.results.targets.size(), 3U) << rehearsal.summary;
  // The node that stopped has windows while it did not answer: from the pause until the probes
  // it held could no longer be answered within --max-time (2 s). As it resumes, it works off
  // the connections it held, which on a loaded machine can fail a few more of them: a second,
  // short window, never later than --max-time after the resume. The other node has none.
  const auto& stopped = target_of(run, run.info.url, "127.0.0.2");
  ASSERT_FALSE(stopped.windows.empty()) << rehearsal.summary;
  const auto& records = rehearsal.log.runs.at(0).records;
  std::uint64_t failed = 0;
  for (const auto& window : stopped.windows) {
    const auto first_failed = std::find_if(records.begin(), records.end(), [&](const auto& r) {
      return r.address == "127.0.0.2" && r.sequence == window.first_sequence;
    });
    ASSERT_NE(first_failed, records.end());
    EXPECT_GE(answered_at(*first_failed), paused);
    ASSERT_TRUE(window.end);
    EXPECT_LE(*window.end, resumed + std::chrono::seconds{2}) << rehearsal.summary;
    failed += window.failed;
  }
  EXPECT_GE(failed, 5U);
  const auto& other = target_of(run, run.info.url, "127.0.0.1");
  EXPECT_TRUE(other.windows.empty()) << rehearsal.summary;
  EXPECT_GE(other.probes(), 200U);
  // As users saw it: the same windows, in which one of the two nodes failed.
  const auto& users = target_of(run, run.info.url);
  ASSERT_EQ(users.windows.size(), stopped.windows.size()) << rehearsal.summary;
  for (const auto& window : users.windows) {
    EXPECT_EQ(window.most_failed, 1U);
    EXPECT_EQ(window.addresses, 2U);
  }
  expect_protocol(rehearsal, https());
  // Without --each-address, every probe went to the first address: the run is up, and the
  // node that stopped is not seen at all.
  std::ifstream plain_log{dir_ + "/lab/plain.log"};
  const auto plain = upwatch::read_runs(plain_log);
  ASSERT_EQ(plain.all.size(), 1U);
  const auto& plain_analysis = plain.all[0].results.targets.at(0).analysis;
  expect_no_downtime(plain_analysis, upwatch::testing::read_file(dir_ + "/lab/plain.txt"),
                     std::nullopt);
  EXPECT_GE(plain_analysis.probes(), 100U);
}

TEST_P(Lab, APathThatWentDownIsNamedAndOnlyIt) {
  const auto rehearsal = rehearse("paths");
  ASSERT_EQ(rehearsal.status, 1) << rehearsal.summary;
  ASSERT_EQ(rehearsal.events.count("killing a1"), 1U);
  const auto& run = rehearsal.runs.all.at(0);
  ASSERT_EQ(run.results.targets.size(), 2U);
  ASSERT_EQ(run.info.more_urls.size(), 1U);
  const auto& api_url = run.info.more_urls[0];
  EXPECT_TRUE(api_url.ends_with("/api/health")) << api_url;
  EXPECT_TRUE(target_of(run, run.info.url).windows.empty()) << rehearsal.summary;
  const auto& api = target_of(run, api_url);
  ASSERT_EQ(api.windows.size(), 1U) << rehearsal.summary;
  EXPECT_TRUE(api.windows[0].outcomes.contains(upwatch::Outcome::http(503)));
  EXPECT_GT(api.windows[0].failed, 1U);
  // The verdict names the path that failed, and only it.
  const auto verdict_line = rehearsal.summary.substr(
      rehearsal.summary.find("\nVERDICT: "),
      rehearsal.summary.find("\n\nTARGET: ") - rehearsal.summary.find("\nVERDICT: "));
  EXPECT_TRUE(verdict_line.ends_with("1 of 2 targets had downtime: " + api_url)) << verdict_line;
  expect_protocol(rehearsal, https());
}

INSTANTIATE_TEST_SUITE_P(Protocols, Lab, ::testing::Values(false, true), protocol_name);
