// Hostile answers, each served verbatim on loopback, judged by upwatch as the curl CLI judges
// the same bytes: the same HTTP status, or the same libcurl result code. And the schedule holds
// while a server misbehaves.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "cli_fixture.hpp"
#include "raw_server.hpp"
#include "upwatch/log/probe_log.hpp"

using upwatch::testing::AfterAnswer;
using upwatch::testing::Cli;
using upwatch::testing::kGenerous;
using upwatch::testing::Process;
using upwatch::testing::RawServer;

namespace {

/// One hostile answer: its bytes, and what the server does once they are sent.
struct Answer {
  std::string name;
  std::string bytes;
  AfterAnswer after = AfterAnswer::close;
};

/// How a probe ended: an HTTP status, or libcurl's result code (0 when it answered).
struct Ending {
  long status = 0;
  int code = 0;
  bool operator==(const Ending&) const = default;
};

void PrintTo(const Ending& ending, std::ostream* out) {
  *out << "status " << ending.status << ", code " << ending.code;
}

void PrintTo(const Answer& answer, std::ostream* out) { *out << answer.name; }

std::string headers(std::size_t count, std::size_t length) {
  std::string block;
  for (std::size_t i = 0; i < count; ++i) {
    block += fmt::format("X-Filler-{}: {}\r\n", i, std::string(length, 'a'));
  }
  return block;
}

const std::string kOk = "HTTP/1.1 200 OK\r\n";
const std::string kEnd = "Content-Length: 0\r\n\r\n";

std::vector<Answer> answers() {
  using enum AfterAnswer;
  return {
      // Status lines.
      {"Plain200", kOk + kEnd},
      {"Plain502", "HTTP/1.1 502 Bad Gateway\r\n" + kEnd},
      {"ReasonEmpty503", "HTTP/1.1 503 \r\n" + kEnd},
      {"NoReason", "HTTP/1.1 200\r\n" + kEnd},
      {"TwoSpaces", "HTTP/1.1  200 OK\r\n" + kEnd},
      {"LowerCaseVersion", "http/1.1 503 X\r\n" + kEnd},
      {"Http10", "HTTP/1.0 200 OK\r\n" + kEnd},
      {"Http12", "HTTP/1.2 200 OK\r\n" + kEnd},
      {"Http2OverHttp1", "HTTP/2 200\r\n" + kEnd},
      {"Http20", "HTTP/2.0 200 OK\r\n" + kEnd},
      {"Http3", "HTTP/3 200\r\n" + kEnd},
      {"Status99", "HTTP/1.1 99 Low\r\n" + kEnd},
      {"Status600", "HTTP/1.1 600 High\r\n" + kEnd},
      {"Status999", "HTTP/1.1 999 X\r\n" + kEnd},
      {"Status1000", "HTTP/1.1 1000 X\r\n" + kEnd},
      {"TwoDigits", "HTTP/1.1 20 OK\r\n" + kEnd},
      {"LetterInStatus", "HTTP/1.1 2x0 OK\r\n" + kEnd},
      {"NegativeStatus", "HTTP/1.1 -200 OK\r\n" + kEnd},
      {"LineFeedsOnly", "HTTP/1.1 200 OK\nContent-Length: 0\n\n"},
      {std::string{"NulInReason"}, std::string{"HTTP/1.1 200 O\0K\r\n", 18} + kEnd},
      {"TabAfterVersion", "HTTP/1.1\t200 OK\r\n" + kEnd},
      {"NoVersion", "HTTP/ 200 OK\r\n" + kEnd},
      {"NoSlash", "HTTP 200 OK\r\n" + kEnd},
      {"Icy", "ICY 200 OK\r\n" + kEnd},
      {"Rtsp", "RTSP/1.0 200 OK\r\n" + kEnd},
      {"LeadingSpace", " HTTP/1.1 200 OK\r\n" + kEnd},
      {"LeadingBlankLine", "\r\n" + kOk + kEnd},
      {"StatusOnly", "200 OK\r\n" + kEnd},
      {"Http09", "hello world\n"},
      {"NothingAtAll", ""},
      // Header blocks.
      {"HeaderWithoutColon", kOk + "NoColon\r\n" + kEnd},
      {"FirstHeaderFolded", kOk + " folded: x\r\n" + kEnd},
      {"ObsoleteFold", kOk + "X-A: a\r\n continued\r\n" + kEnd},
      {std::string{"NulInHeader"}, kOk + std::string{"X-A: a\0b\r\n", 10} + kEnd},
      {"EmptyHeaderName", kOk + ": nameless\r\n" + kEnd},
      {"SpaceBeforeColon", kOk + "X-A : spaced\r\n" + kEnd},
      {"HeadCutShort", kOk + "X-A: y\r\n"},
      {"HeadNeverEnds", kOk + "X-A: y\r\n", hold},
      {"HeadOver300KiB", kOk + headers(3000, 100) + kEnd},
      {"HeaderLineOf200KiB", kOk + "X-Huge: " + std::string(200 * 1024, 'a') + "\r\n" + kEnd},
      {"AThousandHeaders", kOk + headers(1000, 10) + kEnd},
      {"CarriageReturnTwice", kOk + "X-A: y\r\r\n" + kEnd},
      // Lengths and codings.
      {"NegativeLength", kOk + "Content-Length: -1\r\n\r\n"},
      {"LengthNotANumber", kOk + "Content-Length: abc\r\n\r\n"},
      {"LengthList", kOk + "Content-Length: 10, 20\r\n\r\n"},
      {"TwoLengths", kOk + "Content-Length: 10\r\nContent-Length: 20\r\n\r\n"},
      {"LengthTooLarge", kOk + "Content-Length: 99999999999999999999999\r\n\r\n"},
      {"Chunked", kOk + "Transfer-Encoding: chunked\r\n\r\n"},
      {"SixCodings", kOk + "Transfer-Encoding: gzip, gzip, gzip, gzip, gzip, chunked\r\n\r\n"},
      {"ChunkedAndLength", kOk + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"},
      {"UnknownContentEncoding", kOk + "Content-Encoding: bogus\r\n" + kEnd},
      // 1xx sequences.
      {"ContinueThen200", "HTTP/1.1 100 Continue\r\n\r\n" + kOk + kEnd},
      {"EarlyHintsThen503",
       "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 503 X\r\n" + kEnd},
      {"ContinueOnly", "HTTP/1.1 100 Continue\r\n\r\n"},
      {"SwitchingProtocolsUnasked", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"},
      {"FiveContinuesThen200",
       [] {
         std::string many;
         for (int i = 0; i < 5; ++i) many += "HTTP/1.1 100 Continue\r\n\r\n";
         return many + kOk + kEnd;
       }()},
      // Early and late closes.
      {"ClosedInStatusLine", "HTTP/1.1 2"},
      {"ClosedAfterStatusLine", kOk},
      {"ResetBeforeAnswering", "", reset},
      {"ResetAfterTheHead", kOk + kEnd, reset},
      {"ResetInTheHead", kOk + "X-A: y\r\n", reset},
      {"NeverAnswers", "", hold},
      // Endless bodies after the answer to HEAD.
      {"EndlessBodyWithLength", kOk + "Content-Length: 100000000\r\n\r\n", stream},
      {"EndlessChunkedBody", kOk + "Transfer-Encoding: chunked\r\n\r\n", stream},
      {"EndlessBodyWithoutLength", kOk + "\r\n", stream},
      {"BodyAfterHeadKeptOpen", kOk + "Content-Length: 5\r\n\r\nhello", hold},
  };
}

/// Every answer, each by its name.
class HostileAnswer : public Cli, public ::testing::WithParamInterface<Answer> {
 protected:
  /// How the curl CLI ends a HEAD of `url`, within --max-time 1.
  Ending curl_ending(const std::string& url) {
    Process curl{
        {"/usr/bin/curl", "-s", "-o", "/dev/null", "-I", "-m", "1", "-w", "%{http_code}", url},
        dir_};
    Ending ending;
    ending.code = curl.wait(kGenerous);
    const auto out = curl.out();
    std::from_chars(out.data(), out.data() + out.size(), ending.status);
    if (ending.code != 0) ending.status = 0;
    return ending;
  }

  /// How upwatch ended its one probe of `url`, within --max-time 1, read from its log.
  Ending upwatch_ending(const std::string& url) {
    const int status = run({url, "-c", "1", "-m", "1"});
    EXPECT_TRUE(status == 0 || status == 1) << status << err_;
    const auto all = records();
    if (all.size() != 1) return {.status = -1, .code = -1};
    const auto& record = all.front();
    EXPECT_EQ(status, record.outcome.transport == upwatch::Transport::answered &&
                              record.outcome.status < 500
                          ? 0
                          : 1);
    if (record.outcome.transport == upwatch::Transport::answered) {
      return {.status = record.outcome.status, .code = 0};
    }
    // The last line of a failed probe is libcurl's "curl: (CODE) words", or upwatch's own.
    Ending ending{.status = 0, .code = -1};
    for (const auto& line : record.lines) {
      if (line.starts_with("curl: (")) {
        std::from_chars(line.data() + 7, line.data() + line.size(), ending.code);
      }
    }
    return ending;
  }
};

}  // namespace

TEST_P(HostileAnswer, IsJudgedAsCurlJudgesIt) {
  const auto& answer = GetParam();
  Ending curl;
  {
    RawServer server{answer.bytes, answer.after};
    curl = curl_ending(server.url());
  }
  RawServer server{answer.bytes, answer.after};
  const auto upwatch = upwatch_ending(server.url());
  EXPECT_EQ(server.requests(), 1U);
  EXPECT_EQ(upwatch, curl) << log_text();
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileAnswer, ::testing::ValuesIn(answers()),
                         [](const ::testing::TestParamInfo<Answer>& answer) {
                           return answer.param.name;
                         });

TEST(HostileAnswers, AreAtLeastFiftyAndEachHasItsOwnName) {
  const auto all = answers();
  EXPECT_GE(all.size(), 50U);
  std::set<std::string> names;
  for (const auto& answer : all) names.insert(answer.name);
  EXPECT_EQ(names.size(), all.size());
}

/// A misbehaving server holds up no probe: every tick is sent, whatever the server does with
/// the ones before (HEAD: an answer followed by a body; GET: a body that takes all of
/// --max-time, so that the probes overlap).
class MisbehavingServer
    : public Cli,
      public ::testing::WithParamInterface<std::pair<AfterAnswer, std::string>> {};

TEST_P(MisbehavingServer, GetsEveryDueProbe) {
  const auto& [after, method] = GetParam();
  RawServer server{kOk + "Content-Length: 100000000\r\n\r\n", after};
  const int status = run({server.url(), "0.1", "-c", "20", "-m", "1", "-X", method});
  if (const auto stall = stalled(); !stall.empty()) GTEST_SKIP() << stall;
  EXPECT_TRUE(status == 0 || status == 1) << err_;
  EXPECT_EQ(server.requests(), 20U);
  EXPECT_EQ(records().size(), 20U);
}

INSTANTIATE_TEST_SUITE_P(EndlessOrSilent, MisbehavingServer,
                         ::testing::Values(std::pair{AfterAnswer::stream, "HEAD"},
                                           std::pair{AfterAnswer::hold, "HEAD"},
                                           std::pair{AfterAnswer::stream, "GET"},
                                           std::pair{AfterAnswer::hold, "GET"}));
