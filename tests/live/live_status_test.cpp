#include "upwatch/live/live_status.hpp"

#include <gtest/gtest.h>

#include "upwatch/live/live_view.hpp"

using namespace std::chrono_literals;
using upwatch::Colour;
using upwatch::LiveStatus;
using upwatch::OutageAnalysis;
using upwatch::Outcome;
using upwatch::Transport;
using upwatch::WallTime;

namespace {

const WallTime kStart{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};

/// A run probed every 100 ms whose analysis tells a LiveStatus its events.
class Watched {
 public:
  explicit Watched(Colour colour = Colour::none, std::string target = {})
      : status(kStart, 100ms, colour, std::move(target)) {
    analysis.observe(&status);
  }
  /// Probe k, sent at k x 100 ms, answered in 2 ms + k us, by `remote` with `lines`.
  void probe(std::uint64_t k, Outcome outcome, std::string remote = "-",
             std::vector<std::string> lines = {}) {
    analysis.add({.sequence = k,
                  .sent = kStart + 100ms * static_cast<int>(k),
                  .outcome = outcome,
                  .total = std::chrono::microseconds{2000 + static_cast<int>(k)},
                  .remote = std::move(remote),
                  .lines = std::move(lines)});
  }
  [[nodiscard]] std::vector<std::string> events() {
    std::vector<std::string> texts;
    for (const auto& event : status.take_events()) {
      EXPECT_EQ(event.width, event.text.size());
      texts.push_back(event.text);
    }
    return texts;
  }

  LiveStatus status;
  OutageAnalysis analysis{upwatch::StatusExpectation{}, 100ms};
};

const Outcome kOk = Outcome::http(200);
const Outcome k502 = Outcome::http(502);
const Outcome kReset = Outcome::failure(Transport::reset);

}  // namespace

TEST(LiveStatus, StatusLineSaysUpOrDownNowWithCountsLastOutcomeAndRecentMedian) {
  Watched run;
  EXPECT_EQ(run.status.status(kStart, 1, 200).text,
            "0:00:00  waiting for the first answer  1 sent  no failures");
  for (std::uint64_t k = 0; k < 3; ++k) run.probe(k, kOk);
  EXPECT_EQ(run.status.status(kStart + 310ms, 4, 200).text,
            "0:00:00  UP  4 sent  no failures  last #2 200  p50 2.001ms");
  run.probe(3, k502);
  run.probe(4, kReset);
  EXPECT_EQ(run.status.status(kStart + 3723450ms, 5, 200).text,
            "1:02:03  DOWN for 1h02m  no answer for 1h02m  5 sent  2 failed in 1 window  "
            "last #4 reset  p50 2.001ms");
  run.probe(5, kOk);
  EXPECT_EQ(run.status.status(kStart + 540ms, 6, 200).text,
            "0:00:00  UP  6 sent  2 failed in 1 window  last #5 200  p50 2.001ms  "
            "last failure #4: reset");
}

TEST(LiveStatus, TheCauseOfTheLastFailureIsInWordsAPersonActsOn) {
  Watched run{Colour::none, "https://lb.test/health at 10.0.1.17"};
  run.probe(0, kOk);
  run.probe(1, Outcome::failure(Transport::refused), "10.0.1.17:443",
            {"curl: (7) Failed to connect to 10.0.1.17 port 443 after 0 ms: Couldn't connect to "
             "server"});
  EXPECT_EQ(run.status.lane(kStart + 150ms, 200).text,
            "https://lb.test/health at 10.0.1.17  DOWN for 0.1s  connection refused by "
            "10.0.1.17:443  1 failed in 1 window  last #1 refused  p50 2.000ms");
  run.probe(2, Outcome::failure(Transport::tls), "10.0.1.17:443",
            {"curl: (60) SSL certificate problem: self-signed certificate"});
  EXPECT_NE(run.status.lane(kStart + 300ms, 200)
                .text.find("DOWN for 0.2s  certificate verify failed: self-signed certificate "
                           "(10.0.1.17:443)  2 failed"),
            std::string::npos)
      << run.status.lane(kStart + 300ms, 200).text;
  // On a narrow terminal the cause is cut to the room left, rather than left out.
  EXPECT_EQ(run.status.status(kStart + 300ms, 3, 60).text,
            "0:00:00  DOWN for 0.2s  certificate verify failed: self-s...");  // 60 wide
  EXPECT_EQ(run.status.status(kStart + 300ms, 3, 38).text, "0:00:00  DOWN for 0.2s");
  run.probe(3, kOk);
  // A server's reason phrase reaches the terminal as text, never as a control.
  run.probe(4, k502, "10.0.1.17:443", {"HTTP/1.1 502 Bad \x1b[2JGateway"});
  run.probe(5, kOk);
  EXPECT_EQ(run.status.status(kStart + 550ms, 6, 200).text,
            "0:00:00  UP  6 sent  3 failed in 2 windows  last #5 200  p50 2.003ms  "
            "last failure #4: 502 Bad ?[2JGateway from 10.0.1.17:443");
  const auto events = run.events();
  ASSERT_EQ(events.size(), 4U);
  EXPECT_EQ(events[0],
            "2026-11-26T00:00:00.100Z  https://lb.test/health at 10.0.1.17  DOWN: window 1 began "
            "with #1: refused: connection refused by 10.0.1.17:443");
  EXPECT_EQ(events[2],
            "2026-11-26T00:00:00.400Z  https://lb.test/health at 10.0.1.17  DOWN: window 2 began "
            "with #4: 502 Bad ?[2JGateway from 10.0.1.17:443");
}

TEST(LiveStatus, FieldsThatDoNotFitAreLeftOutFromTheRight) {
  Watched run;
  for (std::uint64_t k = 0; k < 3; ++k) run.probe(k, k502);
  const auto full = run.status.status(kStart + 1500ms, 3, 200).text;
  EXPECT_EQ(
      full,
      "0:00:01  DOWN for 1.5s  no answer for 1.3s  3 sent  3 failed in 1 window  last #2 502");
  EXPECT_EQ(run.status.status(kStart + 1500ms, 3, 40).text, "0:00:01  DOWN for 1.5s");
  EXPECT_EQ(run.status.status(kStart + 1500ms, 3, 5).text, "");
}

TEST(LiveStatus, ColourTakesNoRoomOnScreen) {
  Watched run{Colour::ansi};
  run.probe(0, kOk);
  const auto line = run.status.status(kStart + 50ms, 1, 200);
  EXPECT_EQ(line.text,
            "0:00:00  \x1b[1;32mUP\x1b[0m  1 sent  no failures  last #0 200  p50 2.000ms");
  EXPECT_EQ(line.width, line.text.size() - 11);
  run.probe(1, k502);
  const auto events = run.status.take_events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_NE(events[0].text.find("\x1b[1;31mDOWN\x1b[0m: window 1"), std::string::npos);
  EXPECT_EQ(events[0].width, events[0].text.size() - 11);
}

TEST(LiveStatus, EventsTellWhenEachWindowBeganAndEndedAndWhatWasSeen) {
  Watched run;
  run.probe(0, kOk);
  run.probe(1, k502);
  run.probe(2, kReset);
  run.probe(3, k502);
  EXPECT_EQ(run.events(), std::vector<std::string>{
                              "2026-11-26T00:00:00.100Z  DOWN: window 1 began with #1: 502"});
  run.probe(4, kOk);
  EXPECT_EQ(run.events(),
            std::vector<std::string>{"2026-11-26T00:00:00.400Z  UP: window 1 ended after 0.300s: "
                                     "3 failed probes (#1-#3): 502 x 2, reset x 1"});
  run.probe(5, kOk);
  EXPECT_TRUE(run.events().empty());
}

TEST(LiveStatus, AGapIsAnEventAndAWindowItCutsShortSaysSo) {
  Watched run;
  run.probe(0, k502);
  run.analysis.add_gap({.first_tick = 1,
                        .ticks = 3,
                        .start = kStart + 100ms,
                        .end = kStart + 400ms,
                        .cause = upwatch::GapCause::stalled});
  run.probe(4, k502);
  EXPECT_EQ(run.events(),
            (std::vector<std::string>{
                "2026-11-26T00:00:00.000Z  DOWN: window 1 began with #0: 502",
                "2026-11-26T00:00:00.100Z  GAP: 0.300s not observed: 3 ticks not sent (#1-#3): "
                "upwatch did not run (stopped, or starved of CPU)",
                "2026-11-26T00:00:00.100Z  GAP: window 1 cut short by a gap after 0.100s (its true "
                "end is unknown): 1 failed probe (#0-#0): 502 x 1",
                "2026-11-26T00:00:00.400Z  DOWN: window 2 began with #4: 502 (after a gap: it may "
                "have begun earlier, unseen)"}));
}

TEST(LiveView, ShownOnATerminalUnlessQuietOrAskedOtherwise) {
  using upwatch::live_view_wanted;
  using upwatch::LiveMode;
  EXPECT_TRUE(live_view_wanted(LiveMode::automatic, false, true));
  EXPECT_FALSE(live_view_wanted(LiveMode::automatic, false, false));
  EXPECT_TRUE(live_view_wanted(LiveMode::on, false, false));
  EXPECT_FALSE(live_view_wanted(LiveMode::off, false, true));
  EXPECT_FALSE(live_view_wanted(LiveMode::automatic, true, true));
}

TEST(LiveView, ColouredOnlyOnATerminalWithoutNoColorAndNotDumb) {
  using upwatch::colour_wanted;
  EXPECT_EQ(colour_wanted(true, nullptr, "xterm-256color"), Colour::ansi);
  EXPECT_EQ(colour_wanted(true, "", "xterm"), Colour::ansi);  // NO_COLOR set but empty
  EXPECT_EQ(colour_wanted(true, "1", "xterm"), Colour::none);
  EXPECT_EQ(colour_wanted(true, nullptr, "dumb"), Colour::none);
  EXPECT_EQ(colour_wanted(false, nullptr, "xterm"), Colour::none);
}

TEST(LiveStatus, AMarkIsAnEventWithNoControlCharacterOfItsText) {
  Watched run;
  run.status.on_mark({.time = kStart + 1500ms, .text = "launched s2 v2"});
  run.status.on_mark({.time = kStart + 2s, .text = "read from a log: \x1b[2J\x7f"});
  EXPECT_EQ(run.events(),
            (std::vector<std::string>{"2026-11-26T00:00:01.500Z  MARK: launched s2 v2",
                                      "2026-11-26T00:00:02.000Z  MARK: read from a log: ?[2J?"}));
}

TEST(LiveStatus, EachOfSeveralTargetsHasALaneTheWorstFirstAndWhatDoesNotFitIsCounted) {
  Watched steady{Colour::none, "https://lb/health"};
  Watched flaky{Colour::none, "https://lb/api at 10.0.1.17"};
  Watched down{Colour::none, "https://lb/admin"};
  for (std::uint64_t k = 0; k < 6; ++k) {
    steady.probe(k, kOk);
    flaky.probe(k, k == 2 ? k502 : kOk);
    down.probe(k, k < 3 ? kOk : kReset);
  }
  // Its events are named by the target.
  EXPECT_EQ(down.events(), (std::vector<std::string>{"2026-11-26T00:00:00.300Z  https://lb/admin  "
                                                     "DOWN: window 1 began with #3: reset"}));
  const auto now = kStart + 600ms;
  const auto texts = [](const std::vector<upwatch::ScreenText>& lines) {
    std::vector<std::string> kept;
    for (const auto& line : lines) kept.push_back(line.text);
    return kept;
  };
  const std::vector<const LiveStatus*> lanes{&steady.status, &flaky.status, &down.status};
  EXPECT_EQ(
      texts(upwatch::lane_lines(lanes, now, 200, 3)),
      (std::vector<std::string>{
          "https://lb/admin  DOWN for 0.3s  3 failed in 1 window  last #5 reset  p50 2.001ms",
          "https://lb/api at 10.0.1.17  UP  1 failed in 1 window  last #5 200  p50 2.003ms  last "
          "failure #2: 502",
          "https://lb/health  UP  no failures  last #5 200  p50 2.002ms"}));
  // Two rows: the worst, and a count of the rest.
  EXPECT_EQ(texts(upwatch::lane_lines(lanes, now, 200, 2)),
            (std::vector<std::string>{
                "https://lb/admin  DOWN for 0.3s  3 failed in 1 window  last #5 reset  p50 2.001ms",
                "... and 2 more targets, all up"}));
  // Narrow: each line is cut at a field.
  for (const auto& line : upwatch::lane_lines(lanes, now, 40, 3)) EXPECT_LE(line.width, 40U);
}

TEST(LiveStatus, ANewSetOfAddressesIsAnEventThatSaysWhatCameAndWent) {
  Watched run;
  run.status.on_addresses({.url = "http://lb/",
                           .first_tick = 0,
                           .time = kStart,
                           .addresses = {"10.0.0.1", "10.0.0.2"}});
  run.status.on_addresses({.url = "http://lb/",
                           .first_tick = 7,
                           .time = kStart + 700ms,
                           .addresses = {"10.0.0.1", "10.0.0.3"}});
  EXPECT_EQ(run.events(),
            (std::vector<std::string>{
                "2026-11-26T00:00:00.000Z  ADDRESSES: from #0: 10.0.0.1, 10.0.0.2",
                "2026-11-26T00:00:00.700Z  ADDRESSES: from #7: 10.0.0.1, 10.0.0.3; came: "
                "10.0.0.3; went: 10.0.0.2"}));
}
