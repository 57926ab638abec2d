// upwatch mark: events noted in a run's log while it runs, told in time order with the windows
// by the run's own summary and by report.

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/core/wall_time.hpp"

using namespace std::chrono_literals;

namespace upwatch::testing {
namespace {

/// The lines of the MARKS section of a summary, without its heading.
std::vector<std::string> mark_lines(const std::string& summary) {
  std::vector<std::string> lines;
  std::istringstream in{summary};
  bool in_marks = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("MARKS: ")) {
      in_marks = true;
    } else if (in_marks && line.starts_with("  ")) {
      lines.push_back(line.substr(2));
    } else {
      in_marks = false;
    }
  }
  return lines;
}

TEST_F(Cli, MarksMadeWhileARunWritesItsLogAreToldInTimeOrderWithTheWindows) {
  TestServer server{parse_script("ok*6,502*4,ok")};
  // The run goes on until the marks are made (each is written before `mark` exits), however
  // slowly `mark` starts on a loaded machine.
  auto probing = start({server.url(), "0.1", "--no-live"});
  ASSERT_TRUE(eventually([&] { return server.requests() >= 3; }, kGenerous));
  // The run holds the log against a second run, not against a mark.
  EXPECT_EQ(run({"mark", "drained", "s1"}), 0) << err_;
  EXPECT_EQ(err_, "");
  // Probe #13 is sent three intervals after #10, the first good one after the window.
  ASSERT_TRUE(eventually([&] { return server.requests() >= 14; }, kGenerous));
  const std::string second = "healthy s2 run=3 caf\xc3\xa9 \\x41";
  EXPECT_EQ(run({"mark", "-o", "testlog.log", second}), 0) << err_;
  ASSERT_TRUE(eventually([&] { return server.requests() >= 20; }, kGenerous));
  probing->signal(SIGINT);
  ASSERT_EQ(probing->wait(kGenerous), 1);
  const std::string live = probing->out();

  const auto all = runs();  // no bad line
  ASSERT_EQ(all.size(), 1U);
  ASSERT_EQ(all[0].marks.size(), 2U);
  EXPECT_EQ(all[0].marks[0].text, "drained s1");
  // Its last word is not a run's id, and its bytes are kept as they were, escaped in the log.
  EXPECT_EQ(all[0].marks[1].text, second);
  EXPECT_NE(log_text().find(" healthy s2 run=3 caf\\xc3\\xa9 \\\\x41\n"), std::string::npos);
  EXPECT_LE(all[0].marks[0].time, all[0].marks[1].time);
  // The marks took nothing from the probes: a record for each request (and one more, if the
  // last probe was sent as the run was stopped, before the server read it).
  EXPECT_GE(all[0].records.size(), std::max<std::uint64_t>(20, server.requests()));
  EXPECT_LE(all[0].records.size(), server.requests() + 1);
  EXPECT_EQ(occurrences(log_text(), "# upwatch mark time="), 2U);

  // The summary printed as the run ended tells the marks, in time order with the window; report
  // retells it word for word.
  EXPECT_NE(live.find("\nMARKS: 2 marks (upwatch mark), in time order with the windows\n"),
            std::string::npos)
      << live;
  ASSERT_EQ(run({"report"}), 1) << err_;
  EXPECT_EQ(out_, live);
  const auto lines = mark_lines(out_);
  ASSERT_EQ(lines.size(), 4U) << out_;
  auto sorted = all[0].records;
  std::ranges::sort(sorted, {}, &ProbeRecord::sequence);
  EXPECT_EQ(lines[3], format_iso_utc(all[0].marks[1].time) + "  " + second) << out_;
  EXPECT_EQ(std::ranges::count(lines, format_iso_utc(all[0].marks[0].time) + "  drained s1"), 1)
      << out_;
  EXPECT_EQ(std::ranges::count(lines, format_iso_utc(sorted[6].sent) +
                                          "  [downtime begins: 4 failed probes (#6-#9): 502 x 4]"),
            1)
      << out_;
  // Where the first mark falls among the window's lines depends on how soon `mark` ran; the
  // second was made after #13 was sent, so it comes last.
  EXPECT_EQ(std::ranges::count(lines, format_iso_utc(sorted[10].sent) + "  [downtime ends after " +
                                          format_elapsed(sorted[10].sent - sorted[6].sent) + "]"),
            1)
      << out_;
  EXPECT_TRUE(std::ranges::is_sorted(lines)) << out_;  // ISO times sort as text

  ASSERT_EQ(run({"report", "--json"}), 1) << err_;
  const auto document = nlohmann::json::parse(out_);
  ASSERT_EQ(document["marks"].size(), 2U);
  EXPECT_EQ(document["marks"][1]["text"], second);
  EXPECT_EQ(document["marks"][1]["time"], format_iso_utc(all[0].marks[1].time));
}

TEST_F(Cli, AMarkCarriesTheTimeGivenWithAtRatherThanWhenItWasMade) {
  TestServer server{parse_script("ok")};
  auto probing = start({server.url(), "0.1", "--no-live"});
  ASSERT_TRUE(eventually([&] { return server.requests() >= 3; }, kGenerous));
  // A step dated as it happened, marked later (a loaded machine, a second terminal).
  const auto step = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto iso = format_iso_utc(step);  // "...T09:41:07.000Z"
  EXPECT_EQ(run({"mark", "--at", iso.substr(0, 19) + "Z", "launched s2 v2"}), 0) << err_;
  EXPECT_EQ(run({"mark", "--at", format_iso_utc(step + 250ms), "healthy s2"}), 0) << err_;
  EXPECT_EQ(run({"mark", "--at", "9:41", "drained s1"}), 2);
  EXPECT_EQ(err_,
            "upwatch: error: bad --at '9:41': expected a time in UTC as the log writes it, such "
            "as 2026-12-05T09:41:07.250Z or 2026-12-05T09:41:07Z\n");
  probing->signal(SIGINT);
  const int probing_status = probing->wait(kGenerous);
  expect_stopped_up(probing_status, probing->out());
  const auto all = runs();
  ASSERT_EQ(all.size(), 1U);
  ASSERT_EQ(all[0].marks.size(), 2U);  // the bad one wrote nothing
  EXPECT_EQ(all[0].marks[0], (Mark{.time = step, .text = "launched s2 v2"}));
  EXPECT_EQ(all[0].marks[1], (Mark{.time = step + 250ms, .text = "healthy s2"}));
  EXPECT_NE(probing->out().find("\n  " + iso + "  launched s2 v2\n"), std::string::npos)
      << probing->out();
}

TEST_F(Cli, AMarkThatCannotBeMadeIsOneErrorAndChangesNothing) {
  // No log: none is created, for a misspelt -o would otherwise hide the mark.
  EXPECT_EQ(run({"mark", "-o", "cutover.log", "drained s1"}), 2);
  EXPECT_EQ(err_,
            "upwatch: error: cannot mark log 'cutover.log': No such file or directory (give the "
            "run's log with -o)\n");
  EXPECT_NE(::access((dir_ + "/cutover.log").c_str(), F_OK), 0);
  write_file(log_path(), "kept as it is\n");
  for (const auto& text : {std::string{}, std::string{"two\nlines"}, std::string(1001, 'x')}) {
    EXPECT_EQ(run({"mark", text}), 2) << text;
    EXPECT_EQ(occurrences(err_, "\n"), 1U) << err_;
    EXPECT_TRUE(err_.starts_with("upwatch: error: a mark ")) << err_;
  }
  EXPECT_EQ(run({"mark"}), 2);
  // No run holds the log: none would ever tell the mark.
  EXPECT_EQ(run({"mark", "drained s1"}), 2);
  EXPECT_EQ(err_,
            "upwatch: error: no run is going on in log 'testlog.log': a mark is told by the run "
            "that holds the log; nothing was written\n");
  EXPECT_EQ(log_text(), "kept as it is\n");
  // A JSON Lines log is not marked: the line would be unreadable there.
  const std::string jsonl = "{\"type\":\"run\"}\n";
  write_file(dir_ + "/run.jsonl", jsonl);
  EXPECT_EQ(run({"mark", "-o", "run.jsonl", "drained s1"}), 2);
  EXPECT_EQ(err_,
            "upwatch: error: cannot mark log 'run.jsonl': a JSON Lines log (--jsonl); mark the "
            "run's log (-o)\n");
  EXPECT_EQ(read_file(dir_ + "/run.jsonl"), jsonl);
  EXPECT_EQ(run({"makr", "x"}), 2);
  EXPECT_EQ(err_, "upwatch: error: 'makr' is not a command: did you mean 'upwatch mark'?\n");
}

}  // namespace
}  // namespace upwatch::testing
