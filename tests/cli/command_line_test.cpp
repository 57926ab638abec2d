#include "upwatch/cli/command_line.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "upwatch/core/error.hpp"

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
  EXPECT_EQ(c.targets.front().url, "http://127.0.0.1:8080/");
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
                         "/dev/null",
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
  EXPECT_EQ(c.cacert, "/dev/null");
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
  // a:443 is sent to b:8443, a name upwatch resolves itself.
  EXPECT_EQ(c.targets.front().lookup, (upwatch::Endpoint{"b", 8443}));
  EXPECT_EQ(c.control_lookup, std::nullopt);
  EXPECT_EQ(c.proxy, "");
  EXPECT_EQ(config({"--http2", "-4", "http://h/"}).http_version, upwatch::HttpVersion::http2);
  EXPECT_EQ(config({"--http2", "-4", "http://h/"}).ip_version, upwatch::IpVersion::v4);
}

TEST(Config, HelpAndVersionPrintAndDoNotRun) {
  const auto help = parse({"--help"});
  EXPECT_FALSE(help.config);
  EXPECT_NE(help.output.find("--max-time"), std::string::npos);
  EXPECT_NE(help.output.find("Examples:"), std::string::npos);
  // As curl --version does, it names the libraries a probe's behaviour depends on; -V too, and
  // the report command's.
  for (const auto& args : {std::initializer_list<const char*>{"--version"},
                           {"-V"},
                           {"report", "--version"},
                           {"report", "-V"}}) {
    const auto version = parse(args);
    EXPECT_FALSE(version.config || version.report);
    EXPECT_TRUE(version.output.starts_with("upwatch " UPWATCH_VERSION " libcurl/"))
        << version.output;
    EXPECT_NE(version.output.find(" c-ares/"), std::string::npos) << version.output;
    EXPECT_EQ(version.output.find("\n\n"), std::string::npos);
  }
}

TEST(Config, TlsOptionsAsCurlSpellsThem) {
  const auto c =
      config({"--cert", "/etc/hostname", "--key", "/etc/hostname", "--tlsv1.3", "https://h/"});
  EXPECT_EQ(c.cert, "/etc/hostname");
  EXPECT_EQ(c.key, "/etc/hostname");
  EXPECT_EQ(c.tls_minimum, upwatch::TlsMinimum::v1_3);
  EXPECT_EQ(config({"--tlsv1.2", "https://h/"}).tls_minimum, upwatch::TlsMinimum::v1_2);
  EXPECT_EQ(config({"https://h/"}).tls_minimum, upwatch::TlsMinimum::any);
  EXPECT_EQ(config({"-E", "/etc/hostname", "https://h/"}).cert, "/etc/hostname");
}

TEST(Config, HelpReadsAsAPersonWouldWriteIt) {
  const auto help = parse({"--help"}).output;
  EXPECT_NE(help.find("Usage: upwatch [OPTIONS] URL... [INTERVAL]\n"
                      "       upwatch report [OPTIONS] [LOG...]\n"),
            std::string::npos)
      << help;
  const auto report_help = parse({"report", "--help"}).output;
  EXPECT_NE(report_help.find("Usage: upwatch report [OPTIONS] [LOG...]\n"), std::string::npos);
  for (const auto& text : {help, report_help}) {
    // No CLI11 types, ranges or cross-references; each line fits a terminal.
    for (const char* machine_words : {" TEXT ", " TEXT\n", "UINT", "Excludes", "1844674407"}) {
      EXPECT_EQ(text.find(machine_words), std::string::npos) << machine_words << "\n" << text;
    }
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80U) << line;
  }
  EXPECT_NE(help.find("  -m,--max-time SECONDS "), std::string::npos);
  EXPECT_NE(help.find("  -c,--count N "), std::string::npos);
  EXPECT_NE(report_help.find("  --run N "), std::string::npos);
}

TEST(Config, ANumberTooLongIsShortenedInItsError) {
  const std::string digits(300, '9');
  for (const auto* option : {"-c", "-m"}) {
    try {
      static_cast<void>(parse({option, digits.c_str(), "http://h/"}));
      ADD_FAILURE() << option << " accepted";
    } catch (const UsageError& error) {
      const std::string message = error.what();
      EXPECT_LT(message.size(), 160U) << message;
      EXPECT_NE(message.find("999..."), std::string::npos) << message;
    }
  }
}

TEST(Config, AMisspeltCommandOrAnUnknownOptionSaysWhatToTry) {
  const auto message = [](std::initializer_list<const char*> args) {
    try {
      static_cast<void>(parse(args));
    } catch (const upwatch::UsageError& error) {
      return std::string{error.what()};
    }
    return std::string{"(accepted)"};
  };
  EXPECT_EQ(message({"reprot"}), "'reprot' is not a command: did you mean 'upwatch report'?");
  EXPECT_EQ(message({"reports", "x.log"}),
            "'reports' is not a command: did you mean 'upwatch report'?");
  EXPECT_EQ(message({"help"}), "'help' is not a command; try 'upwatch --help'");
  EXPECT_EQ(message({"--no-such-option", "http://h/"}),
            "unknown option '--no-such-option'; try 'upwatch --help'");
  EXPECT_EQ(message({"report", "--no-such-option"}),
            "unknown option '--no-such-option'; try 'upwatch report --help'");
  // An option misspelt by a letter or two names the one meant, with its value or without.
  EXPECT_EQ(message({"--tarck", "x-app-version", "http://h/"}),
            "unknown option '--tarck': did you mean '--track'?");
  EXPECT_EQ(message({"http://h/", "--max-tme=3"}),
            "unknown option '--max-tme': did you mean '--max-time'?");
  EXPECT_EQ(message({"report", "--jsn"}), "unknown option '--jsn': did you mean '--json'?");
  // The interval given first, as another tool's habit has it, is told where it goes.
  EXPECT_EQ(message({"0.5", "https://h/health"}),
            "'0.5' is given before the URL: the interval comes after it, as in "
            "'upwatch https://h/health 0.5'");
  // A host name is still told to name its scheme.
  EXPECT_EQ(message({"localhost"}),
            "bad URL 'localhost': no scheme: write http://localhost or https://localhost");
}

TEST(Config, BadInputIsAUsageError) {
  const std::vector<std::vector<const char*>> cases{
      {},                                                // no URL
      {"--no-such-option", "http://h/"},                 // unknown option
      {"http://h/", "0"},                                // interval zero
      {"http://h/", "-1"},                               // interval negative
      {"http://h/", "abc"},                              // interval not a number
      {"http://h/", "1", "extra"},                       // too many arguments
      {"-i", "1", "http://h/", "2"},                     // interval given twice
      {"ftp://h/"},                                      // unsupported scheme
      {"http://"},                                       // no host
      {"http://h:99999/"},                               // bad port
      {"-m", "0", "http://h/"},                          // max-time zero
      {"--connect-timeout", "x", "http://h/"},           // bad connect timeout
      {"--duration", "soon", "http://h/"},               // bad duration
      {"-c", "0", "http://h/"},                          // count zero
      {"-c", "many", "http://h/"},                       // count not a number
      {"--parallel-max", "0", "http://h/"},              // cap zero
      {"--expect", "2xx,", "http://h/"},                 // bad expectation
      {"-X", "GE T", "http://h/"},                       // bad method
      {"-H", "NoColon", "http://h/"},                    // bad header
      {"--resolve", "a:1", "http://h/"},                 // bad resolve
      {"--connect-to", "a:1:b", "http://h/"},            // bad connect-to
      {"--http1.1", "--http2", "http://h/"},             // conflicting versions
      {"-4", "-6", "http://h/"},                         // conflicting families
      {"127.1"},                                         // no scheme: an interval taken for a URL
      {"h/health"},                                      // no scheme
      {"http:///health"},                                // empty host
      {"http://h:0/"},                                   // port 0
      {"http://bücher.localhost/"},                      // an international name, in the C locale
      {"-H", "http://u:pw@h/", "http://h/"},             // a header that is a URL
      {"-H", "X-A: 1\r\nX-B: 2", "http://h/"},           // a header of two lines
      {"-H", "Bad Name: 1", "http://h/"},                // not a header name
      {"-H", "@/nonexistent/headers", "http://h/"},      // no file of headers
      {"--cacert", "/nonexistent/ca.pem", "http://h/"},  // no CA file
      {"--resolve", "a:0:127.0.0.1", "http://h/"},       // port 0
      {"--resolve", "a:80:not-an-ip", "http://h/"},      // not an address
      {"--resolve", "a:80:", "http://h/"},               // no address
      {"--resolve", "[::1:80:127.0.0.1", "http://h/"},   // a bracket not closed
      {"--connect-to", "a:x:b:80", "http://h/"},         // not a port
      {"--connect-to", "a:80::", "http://h/"},           // nowhere to go
      {"-c", "-3", "http://h/"},                         // count negative
      {"-c", "0x10", "http://h/"},                       // count in hex
      {"--key", "/etc/hostname", "https://h/"},          // a key without its certificate
      {"--cert", "/no/such/cert.pem", "https://h/"},     // a certificate that is not there
      {"--tlsv1.2", "--tlsv1.3", "https://h/"},          // two oldest versions
      {"--parallel-max", "+5", "http://h/"},             // a sign
      {"--interval", "5124096h", "http://h/"},           // overflows 64 bits of nanoseconds
      {"--duration", "8761h", "http://h/"},              // more than a year
      {"-m", "99999999999999999999", "http://h/"},       // overflows
      {"-x", "socks5://127.0.0.1:1080", "http://h/"},    // resolves the target itself
      {"-x", "http://", "http://h/"},                    // no proxy host
      {"--dns-servers", "not-an-ip", "http://h/"},       // not an address
      {"--dns-servers", "127.0.0.1:0", "http://h/"},     // port 0
      {"--control", "127.0.0.1:1", "http://h/"},         // a control without scheme
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

TEST(Config, AnOptionBeforeTheUrlTakesOneValue) {
  // -H, --resolve and --connect-to are repeatable, one value each: none swallows the URL.
  const auto c = config(
      {"-H", "Authorization: Bearer X", "http://user:pw@127.0.0.1:41600/health?token=T", "127.1"});
  EXPECT_EQ(c.targets.front().url, "http://user:pw@127.0.0.1:41600/health?token=T");
  EXPECT_EQ(c.headers, std::vector<std::string>{"Authorization: Bearer X"});
  EXPECT_EQ(c.interval, 127100ms);
  EXPECT_EQ(c.targets.front().lookup, std::nullopt);
  const auto pinned = config(
      {"--resolve", "a:80:127.0.0.1", "--connect-to", "b:80:a:80", "http://b/health", "0.5"});
  EXPECT_EQ(pinned.targets.front().url, "http://b/health");
  EXPECT_EQ(pinned.resolve, std::vector<std::string>{"a:80:127.0.0.1"});
  EXPECT_EQ(pinned.connect_to, std::vector<std::string>{"b:80:a:80"});
  EXPECT_EQ(pinned.interval, 500ms);
  EXPECT_EQ(pinned.targets.front().lookup,
            std::nullopt);  // b goes to a, and --resolve gives a's address
}

TEST(Config, ValidOddsAndEnds) {
  EXPECT_EQ(config({"-c", "010", "http://h/"}).count, 10U);  // decimal, not octal
  EXPECT_EQ(config({"--duration", "8760h", "http://h/"}).duration, 8760h);
  const auto proxied = config({"-x", "http://proxy.test:3128", "--control", "https://c.test/",
                               "--dns-servers", "127.0.0.1:5353,[::1]:53,::1", "http://h/"});
  EXPECT_EQ(proxied.proxy, "http://proxy.test:3128");
  EXPECT_EQ(proxied.targets.front().lookup, (upwatch::Endpoint{"proxy.test", 3128}));
  EXPECT_EQ(proxied.control_lookup, (upwatch::Endpoint{"proxy.test", 3128}));
  EXPECT_EQ(proxied.dns_servers, "127.0.0.1:5353,[::1]:53,::1");
  const auto bypassed = config({"-x", "proxy.test", "--noproxy", ".h", "http://a.h/"});
  EXPECT_EQ(bypassed.targets.front().lookup, (upwatch::Endpoint{"a.h", 80}));
}

TEST(Config, HeadersFromAFile) {
  const std::string path = ::testing::TempDir() + "/upwatch_config_test.headers";
  {
    std::ofstream out{path};
    out << "Authorization: Bearer S3CRET\r\nX-Cutover: blue\n\n";
  }
  const std::string argument = "@" + path;
  const auto c = config({"-H", argument.c_str(), "-H", "X-More: 1", "http://h/"});
  EXPECT_EQ(c.headers, (std::vector<std::string>{"Authorization: Bearer S3CRET", "X-Cutover: blue",
                                                 "X-More: 1"}));
  std::remove(path.c_str());
}

TEST(Config, SecretsAreHiddenFromPs) {
  std::vector<std::string> args{"upwatch",
                                "-H",
                                "Authorization: Bearer X",
                                "-HX-Key: k3y",
                                "--header=Cookie: c00kie",
                                "-H",
                                "@headers.txt",
                                "http://user:pa55@127.0.0.1:8080/h?x=1",
                                "0.5",
                                "https://example.com/@not-a-user",
                                "-u",
                                "alice:s3cret",
                                "--user=bob:pw",
                                "-ucarol:x"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  upwatch::hide_secrets(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(std::string{argv[2]}, "Authorization:*********");
  EXPECT_EQ(std::string{argv[3]}, "-HX-Key:****");
  EXPECT_EQ(std::string{argv[4]}, "--header=Cookie:*******");
  EXPECT_EQ(std::string{argv[6]}, "@headers.txt");
  EXPECT_EQ(std::string{argv[7]}, "http://user:****@127.0.0.1:8080/h?x=1");
  EXPECT_EQ(std::string{argv[8]}, "0.5");
  EXPECT_EQ(std::string{argv[9]}, "https://example.com/@not-a-user");
  EXPECT_EQ(std::string{argv[11]}, "alice:******");
  EXPECT_EQ(std::string{argv[12]}, "--user=bob:**");
  EXPECT_EQ(std::string{argv[13]}, "-ucarol:*");
}

TEST(Config, RedactsCredentials) {
  EXPECT_EQ(upwatch::redact_url("https://user:secret@example.com/health"),
            "https://***@example.com/health");
  EXPECT_EQ(upwatch::redact_url("https://user@example.com/"), "https://***@example.com/");
  EXPECT_EQ(upwatch::redact_url("http://example.com:8080/x?y=1"), "http://example.com:8080/x?y=1");
  // Not a URL libcurl reads, but credentials all the same.
  EXPECT_EQ(upwatch::redact_url("http://user:pw@exa mple.com/"), "http://***@exa mple.com/");
  try {
    static_cast<void>(parse({"http://user:s3cret@:99999/"}));
    ADD_FAILURE() << "a bad port is a usage error";
  } catch (const UsageError& error) {
    EXPECT_EQ(std::string{error.what()}.find("s3cret"), std::string::npos) << error.what();
  }
}
