#include "upwatch/config.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

#include "upwatch/error.hpp"

using namespace std::chrono_literals;
using upwatch::CommandLine;
using upwatch::Config;
using upwatch::UsageError;

namespace {

CommandLine parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"upwatch"};
  argv.insert(argv.end(), args.begin(), args.end());
  return upwatch::parse_command_line(static_cast<int>(argv.size()), argv.data());
}

Config config(std::initializer_list<const char*> args) {
  auto command_line = parse(args);
  EXPECT_TRUE(command_line.config);
  return command_line.config.value_or(Config{});
}

}  // namespace

TEST(Config, DefaultsMatchTheBashScript) {
  const auto c = config({"http://127.0.0.1:8080/"});
  EXPECT_EQ(c.url, "http://127.0.0.1:8080/");
  EXPECT_EQ(c.interval, 1s);
  EXPECT_EQ(c.log_path, "testlog.log");
  EXPECT_FALSE(c.truncate_log);
  EXPECT_EQ(c.max_time, 5s);
  EXPECT_EQ(c.method, "HEAD");
  EXPECT_EQ(c.connections, upwatch::Connections::fresh);
  EXPECT_EQ(c.parallel_max, 100U);
  EXPECT_EQ(c.expectation.spec(), "100-499");
  EXPECT_EQ(c.count, std::nullopt);
  EXPECT_EQ(c.duration, std::nullopt);
}

TEST(Config, IntervalIsPositionalOrAnOption) {
  EXPECT_EQ(config({"http://h/", "0.05"}).interval, 50ms);
  EXPECT_EQ(config({"-i", "0.25", "http://h/"}).interval, 250ms);
  EXPECT_EQ(config({"http://h/", "--interval", "2"}).interval, 2s);
  EXPECT_EQ(config({"http://h/", "250ms"}).interval, 250ms);
}

TEST(Config, BindsEveryOption) {
  const auto c = config({"-o",
                         "cutover.log",
                         "--truncate",
                         "-m",
                         "2.5",
                         "--connect-timeout",
                         "1",
                         "-X",
                         "GET",
                         "-H",
                         "Host: a",
                         "-H",
                         "X-B: 1",
                         "-k",
                         "--cacert",
                         "ca.pem",
                         "--http1.1",
                         "--resolve",
                         "a:443:127.0.0.1",
                         "--connect-to",
                         "a:443:b:8443",
                         "-6",
                         "--keep-alive",
                         "--expect",
                         "2xx,3xx",
                         "--duration",
                         "10m",
                         "-c",
                         "50",
                         "--parallel-max",
                         "7",
                         "https://user:pw@a/health",
                         "0.5"});
  EXPECT_EQ(c.log_path, "cutover.log");
  EXPECT_TRUE(c.truncate_log);
  EXPECT_EQ(c.max_time, 2500ms);
  EXPECT_EQ(c.connect_timeout, 1s);
  EXPECT_EQ(c.method, "GET");
  EXPECT_EQ(c.headers, (std::vector<std::string>{"Host: a", "X-B: 1"}));
  EXPECT_TRUE(c.insecure);
  EXPECT_EQ(c.cacert, "ca.pem");
  EXPECT_EQ(c.http_version, upwatch::HttpVersion::http1_1);
  EXPECT_EQ(c.resolve, std::vector<std::string>{"a:443:127.0.0.1"});
  EXPECT_EQ(c.connect_to, std::vector<std::string>{"a:443:b:8443"});
  EXPECT_EQ(c.ip_version, upwatch::IpVersion::v6);
  EXPECT_EQ(c.connections, upwatch::Connections::keep_alive);
  EXPECT_EQ(c.expectation.spec(), "2xx,3xx");
  EXPECT_EQ(c.duration, 10min);
  EXPECT_EQ(c.count, 50U);
  EXPECT_EQ(c.parallel_max, 7U);
  EXPECT_EQ(c.interval, 500ms);
  EXPECT_EQ(config({"--http2", "-4", "http://h/"}).http_version, upwatch::HttpVersion::http2);
  EXPECT_EQ(config({"--http2", "-4", "http://h/"}).ip_version, upwatch::IpVersion::v4);
}

TEST(Config, HelpAndVersionPrintAndDoNotRun) {
  const auto help = parse({"--help"});
  EXPECT_FALSE(help.config);
  EXPECT_NE(help.output.find("--max-time"), std::string::npos);
  EXPECT_NE(help.output.find("Examples:"), std::string::npos);
  const auto version = parse({"--version"});
  EXPECT_FALSE(version.config);
  EXPECT_NE(version.output.find("upwatch " UPWATCH_VERSION), std::string::npos);
}

TEST(Config, BadInputIsAUsageError) {
  const std::vector<std::vector<const char*>> cases{
      {},                                       // no URL
      {"--no-such-option", "http://h/"},        // unknown option
      {"http://h/", "0"},                       // interval zero
      {"http://h/", "-1"},                      // interval negative
      {"http://h/", "abc"},                     // interval not a number
      {"http://h/", "1", "extra"},              // too many arguments
      {"-i", "1", "http://h/", "2"},            // interval given twice
      {"ftp://h/"},                             // unsupported scheme
      {"http://"},                              // no host
      {"http://h:99999/"},                      // bad port
      {"-m", "0", "http://h/"},                 // max-time zero
      {"--connect-timeout", "x", "http://h/"},  // bad connect timeout
      {"--duration", "soon", "http://h/"},      // bad duration
      {"-c", "0", "http://h/"},                 // count zero
      {"-c", "many", "http://h/"},              // count not a number
      {"--parallel-max", "0", "http://h/"},     // cap zero
      {"--expect", "2xx,", "http://h/"},        // bad expectation
      {"-X", "GE T", "http://h/"},              // bad method
      {"-H", "NoColon", "http://h/"},           // bad header
      {"--resolve", "a:1", "http://h/"},        // bad resolve
      {"--connect-to", "a:1:b", "http://h/"},   // bad connect-to
      {"--http1.1", "--http2", "http://h/"},    // conflicting versions
      {"-4", "-6", "http://h/"},                // conflicting families
  };
  for (const auto& args : cases) {
    std::vector<const char*> argv{"upwatch"};
    argv.insert(argv.end(), args.begin(), args.end());
    EXPECT_THROW(
        static_cast<void>(upwatch::parse_command_line(static_cast<int>(argv.size()), argv.data())),
        UsageError)
        << (args.empty() ? "(none)" : args.front());
  }
}

TEST(Config, RedactsCredentials) {
  EXPECT_EQ(upwatch::redact_url("https://user:secret@example.com/health"),
            "https://***@example.com/health");
  EXPECT_EQ(upwatch::redact_url("https://user@example.com/"), "https://***@example.com/");
  EXPECT_EQ(upwatch::redact_url("http://example.com:8080/x?y=1"), "http://example.com:8080/x?y=1");
}
