// Runs the real upwatch binary on a pseudo-terminal, as a person watching a cutover does, and
// on pipes, as a shell wrapper does: the live view shows what is true now, and only where a
// person looks.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <map>

#include "cli_fixture.hpp"
#include "pseudo_terminal.hpp"
#include "upwatch/report/report.hpp"

using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::parse_script;
using upwatch::testing::PseudoTerminalProcess;
using upwatch::testing::TestServer;

namespace {

constexpr std::size_t kColumns = 100;

class LiveView : public Cli {
 protected:
  /// Runs upwatch on a pseudo-terminal of kColumns with `env` changes; returns its exit status.
  int run_on_terminal(std::vector<std::string> args,
                      const std::map<std::string, std::string>& env = {{"TERM", "xterm"},
                                                                       {"NO_COLOR", ""}}) {
    start_on_terminal(std::move(args), env);
    return terminal_->wait(kGenerous);
  }

  /// Starts upwatch on a pseudo-terminal of kColumns with `env` changes.
  void start_on_terminal(std::vector<std::string> args,
                         const std::map<std::string, std::string>& env = {{"TERM", "xterm"},
                                                                          {"NO_COLOR", ""}}) {
    args.insert(args.begin(), UPWATCH_BINARY);
    terminal_ = std::make_unique<PseudoTerminalProcess>(args, dir_, env, kColumns);
  }

  /// Expects `status` of a run of good answers: up (0), or inconclusive (5) if the machine did
  /// not run upwatch for a while (a gap of ticks not sent), which says nothing of what is shown.
  void expect_up(int status) const {
    if (status == upwatch::kExitInconclusive && !stalled().empty()) return;
    EXPECT_EQ(status, 0) << terminal_->output();
  }

  /// The index of the first status line drawn at or after `from` that contains `text`, or -1.
  [[nodiscard]] long status_drawn(std::string_view text, long from = 0) const {
    const auto& drawn = terminal_->screen().overwritten();
    for (auto index = static_cast<std::size_t>(from); index < drawn.size(); ++index) {
      if (drawn[index].find(text) != std::string::npos) return static_cast<long>(index);
    }
    return -1;
  }

  /// The screen's row that starts with `prefix` after its time stamp, or "".
  [[nodiscard]] std::string event_row(std::string_view prefix) const {
    for (const auto& row : terminal_->screen().rows()) {
      // "2026-11-26T10:00:00.123Z  DOWN: ..."
      if (row.size() > 26 && row.substr(26).starts_with(prefix)) return row;
    }
    return "";
  }

  std::unique_ptr<PseudoTerminalProcess> terminal_;
};

bool has_escape(std::string_view text) { return text.find('\x1b') != std::string_view::npos; }

/// `text` without the "\r\n" a terminal makes of each newline.
std::string without_newlines(std::string_view text) {
  std::string kept;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text.substr(at, 2) == "\r\n") {
      ++at;
      continue;
    }
    kept += text[at];
  }
  return kept;
}

}  // namespace

TEST_F(LiveView, OnATerminalTheStatusLineShowsDownDuringTheOutageAndUpAfterIt) {
  TestServer server{upwatch::testing::parse_script("ok*10,502*20,ok")};
  const int status = run_on_terminal({"-c", "45", server.url(), "0.1"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1) << terminal_->output();

  // The status line was drawn, redrawn in place, and said UP, then DOWN, then UP again.
  const auto first_up = status_drawn("  UP  ");
  const auto down = status_drawn("  DOWN for ", first_up);
  const auto up_again = status_drawn("  UP  ", down);
  ASSERT_GE(first_up, 0) << terminal_->output();
  ASSERT_GT(down, first_up) << terminal_->output();
  ASSERT_GT(up_again, down) << terminal_->output();
  const auto& drawn = terminal_->screen().overwritten();
  EXPECT_NE(drawn[static_cast<std::size_t>(down)].find("failed in 1 window"), std::string::npos);
  EXPECT_NE(drawn[static_cast<std::size_t>(down)].find(" 502"), std::string::npos);
  EXPECT_NE(drawn[static_cast<std::size_t>(up_again)].find("20 failed in 1 window"),
            std::string::npos);
  for (const auto& line : drawn) {
    if (line.find(" sent  ") != std::string::npos) {
      EXPECT_LT(line.size(), kColumns) << line;
    }
  }

  // The events stay on screen, with their times, in order.
  const auto began = event_row("DOWN: window 1 began with #10: 502");
  const auto ended = event_row("UP: window 1 ended after ");
  EXPECT_FALSE(began.empty()) << terminal_->output();
  EXPECT_NE(ended.find(": 20 failed probes (#10-#29): 502 x 20"), std::string::npos) << ended;
  auto records = runs()[0].records;
  std::ranges::sort(records, {}, &upwatch::ProbeRecord::sequence);
  ASSERT_EQ(records.size(), 45U);
  EXPECT_EQ(began.substr(0, 24), upwatch::format_iso_utc(records[10].sent));
  // In colour: this terminal is not dumb and NO_COLOR is not set.
  EXPECT_NE(terminal_->output().find("\x1b[1;31mDOWN"), std::string::npos);

  // The summary follows on clean rows: the status line was erased first.
  const auto rows = terminal_->screen().rows();
  const auto start = std::ranges::find_if(
      rows, [](const auto& row) { return row.find("START: ") != std::string::npos; });
  ASSERT_NE(start, rows.end()) << terminal_->output();
  EXPECT_TRUE(start->starts_with("START: ")) << *start;
  EXPECT_EQ(std::count_if(start, rows.end(),
                          [](const auto& row) { return row.find(" sent  ") != std::string::npos; }),
            0);
}

TEST_F(LiveView, NoColourWhenNoColorIsSetOrTheTerminalIsDumb) {
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"TERM", "xterm"}, {"NO_COLOR", "1"}}, {{"TERM", "dumb"}, {"NO_COLOR", ""}}}) {
    TestServer server{upwatch::testing::parse_script("ok*3,refuse:300ms,ok")};
    ASSERT_EQ(run_on_terminal({"-c", "12", server.url(), "0.1"}, env), 1) << terminal_->output();
    EXPECT_FALSE(has_escape(terminal_->output())) << terminal_->output();
    EXPECT_FALSE(event_row("DOWN: window 1 began with #3: refused").empty()) << terminal_->output();
    EXPECT_GE(status_drawn("  UP  "), 0) << terminal_->output();
  }
}

TEST_F(LiveView, ATrackedVersionIsOnTheStatusLineAndItsSwitchIsAnEvent) {
  TestServer server{parse_script("ok@v1*5,ok@v2")};
  expect_up(run_on_terminal({"--track", "x-app-version", "-c", "20", server.url(), "0.1"}));
  EXPECT_GE(status_drawn("  x-app-version v1  "), 0) << terminal_->output();
  EXPECT_GE(status_drawn("  x-app-version v2  "), 0) << terminal_->output();
  EXPECT_FALSE(event_row("VERSION: x-app-version v1 (#0)").empty()) << terminal_->output();
  EXPECT_FALSE(event_row("VERSION: x-app-version v2 answered first (#5), after v1").empty())
      << terminal_->output();
}

TEST_F(LiveView, AMarkIsAnEventAboveTheStatusLineAndInTheSummary) {
  TestServer server{parse_script("ok")};
  start_on_terminal({server.url(), "0.1"});
  ASSERT_TRUE(terminal_->read_until([&] { return server.requests() >= 3; }, kGenerous));
  ASSERT_EQ(run({"mark", "launched s2 v2"}), 0) << err_;
  ASSERT_TRUE(
      terminal_->read_until([&] { return !event_row("MARK: launched s2 v2").empty(); }, kGenerous))
      << terminal_->output();
  terminal_->signal(SIGINT);
  const int status = terminal_->wait(kGenerous);
  expect_stopped_up(status, terminal_->output());
  const auto rows = terminal_->screen().rows();
  const auto heading =
      std::ranges::find(rows, "MARKS: 1 mark (upwatch mark), in time order with the windows");
  ASSERT_NE(heading, rows.end()) << terminal_->output();
  ASSERT_NE(std::next(heading), rows.end());
  EXPECT_TRUE(std::next(heading)->ends_with("  launched s2 v2")) << terminal_->output();
}

TEST_F(LiveView, SeveralUrlsHaveALineEachTheWorstFirstAndTheirEventsNamed) {
  TestServer server{parse_script("ok")};
  const auto port = upwatch::testing::refusing_port();
  const auto refused = fmt::format("http://127.0.0.1:{}/api", port);
  start_on_terminal({server.url(), refused, "0.1"});
  // The status area is the screen's last rows: the URL that is down first, and why.
  const auto lanes_drawn = [&] {
    const auto rows = terminal_->screen().rows();
    return rows.size() >= 2 && rows[rows.size() - 2].starts_with(refused + "  DOWN for ") &&
           rows[rows.size() - 2].find(fmt::format("s  connection refused by 127.0.0.1:{}", port)) !=
               std::string::npos &&
           rows.back().starts_with(server.url() + "  UP  ");
  };
  ASSERT_TRUE(terminal_->read_until(lanes_drawn, kGenerous)) << terminal_->output();
  EXPECT_FALSE(event_row(refused + "  DOWN: window 1 began with #0: refused").empty())
      << terminal_->output();
  terminal_->signal(SIGINT);
  ASSERT_EQ(terminal_->wait(kGenerous), 1) << terminal_->output();
  // The area was erased before the summary: no target's line is left on the screen.
  for (const auto& row : terminal_->screen().rows()) {
    EXPECT_FALSE(row.starts_with(server.url() + "  UP  ")) << terminal_->output();
  }
  EXPECT_NE(without_newlines(terminal_->output()).find("VERDICT: down (exit 1): 1 of 2 targets"),
            std::string::npos)
      << terminal_->output();
}

TEST_F(LiveView, UpwatchsOwnMessagesAppearAboveTheStatusLine) {
  TestServer server{upwatch::testing::parse_script("404")};
  expect_up(run_on_terminal({"-c", "8", server.url(), "0.1"}));
  const auto rows = terminal_->screen().rows();
  EXPECT_NE(
      std::ranges::find_if(rows,
                           [](const auto& row) {
                             return row.starts_with(
                                 "upwatch: warning: probe #0 was answered 404, counted as up");
                           }),
      rows.end())
      << terminal_->output();
}

TEST_F(LiveView, OnAPipeOnlyTheStartLineAndNoEscapeSequences) {
  TestServer server{upwatch::testing::parse_script("ok*3,502*5,ok")};
  ASSERT_EQ(run({"-c", "12", server.url(), "0.1"}), 1) << err_;
  EXPECT_FALSE(has_escape(err_)) << err_;
  EXPECT_EQ(err_.find('\r'), std::string::npos) << err_;
  EXPECT_TRUE(err_.starts_with("upwatch: info: probing ")) << err_;
  EXPECT_EQ(std::ranges::count(err_, '\n'), 1) << err_;
  EXPECT_FALSE(has_escape(out_)) << out_;
}

TEST_F(LiveView, QuietSaysNothingButErrorsAndLiveForcesTheViewOnAPipe) {
  const auto outage = [] { return std::make_unique<TestServer>(parse_script("ok*3,502*5,ok")); };
  auto server = outage();
  int status = run({"-q", "-c", "12", server->url(), "0.1"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1) << err_;
  EXPECT_EQ(err_, "");
  server = outage();
  status = run({"--silent", "-c", "12", server->url(), "0.1"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1) << err_;
  EXPECT_EQ(err_, "");
  // The summary still goes to stdout (one window, or more if a loaded machine delayed a probe's
  // request past a later one's: the server fails requests in the order they arrive).
  EXPECT_NE(out_.find("\nDOWNTIME: "), std::string::npos) << out_;

  server = outage();
  status = run({"--live", "-c", "12", server->url(), "0.1"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1) << err_;
  EXPECT_FALSE(has_escape(err_)) << err_;  // not a terminal: no colour
  // The first probe the server failed, which is #3 unless a loaded machine delayed an earlier
  // probe's request past a later one's (the server answers in the order requests arrive).
  auto probes = runs().back().records;
  std::ranges::sort(probes, {}, &upwatch::ProbeRecord::sequence);
  const auto first_failed = std::ranges::find_if(
      probes, [](const upwatch::ProbeRecord& probe) { return probe.outcome.status == 502; });
  ASSERT_NE(first_failed, probes.end()) << log_text();
  EXPECT_NE(err_.find(fmt::format("DOWN: window 1 began with #{}: 502 Bad Gateway from {}\n",
                                  first_failed->sequence, first_failed->remote)),
            std::string::npos)
      << err_;
  EXPECT_NE(err_.find("UP: window 1 ended after "), std::string::npos) << err_;
  EXPECT_NE(err_.find('\r'), std::string::npos) << err_;

  // On a terminal, --no-live and -q keep it plain.
  server = outage();
  status = run_on_terminal({"--no-live", "-c", "12", server->url(), "0.1"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1);
  EXPECT_EQ(without_newlines(terminal_->output()).find('\r'), std::string::npos)
      << terminal_->output();
  EXPECT_FALSE(has_escape(terminal_->output())) << terminal_->output();
  server = outage();
  status = run_on_terminal({"-q", "-c", "12", server->url(), "0.1"});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  ASSERT_EQ(status, 1);
  EXPECT_EQ(terminal_->output().find("upwatch:"), std::string::npos) << terminal_->output();
  EXPECT_FALSE(has_escape(terminal_->output())) << terminal_->output();

  EXPECT_EQ(run({"-q", "--live", server->url()}), 2);
  EXPECT_NE(err_.find("upwatch: error: --quiet excludes --live"), std::string::npos) << err_;
}
