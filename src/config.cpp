#include "upwatch/config.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <sstream>

#include "upwatch/curl_handles.hpp"
#include "upwatch/duration.hpp"
#include "upwatch/error.hpp"

namespace upwatch {

namespace {

constexpr const char* kExamples = R"(
Examples:
  upwatch https://example.com/health 0.5
      probe twice a second, append to ./testlog.log, Ctrl-C for the summary
  upwatch -o cutover.log --duration 10m https://example.com/ 0.1
      probe for ten minutes, then write the summary and exit
  upwatch --connect-to example.com:443:10.0.1.17:443 https://example.com/ 0.2
      pin every probe to one load-balancer node
  upwatch --expect 2xx,3xx -X GET -H 'Accept: text/html' https://example.com/
  upwatch report testlog.log
      rebuild the summary of the last run in a log (see upwatch report --help)

Exit status: 0 up: every tick observed and answered well, 1 downtime (some probe failed),
2 bad usage or the log could not be opened, 3 the log could not be written during the run,
4 libcurl or the system failed, 5 inconclusive: no downtime seen, but part of the run was
not observed or probes were left unanswered, 130 a second Ctrl-C.)";

std::chrono::nanoseconds positive_duration(const std::string& text, std::string_view what) {
  const auto value = parse_duration(text);
  if (!value || value->count() <= 0) {
    throw UsageError(fmt::format(
        "bad {} '{}': expected a positive number of seconds such as 1 or 0.05, or 250ms, 10m, 1h",
        what, text));
  }
  return *value;
}

void check_url(const std::string& url) {
  UrlHandle handle{curl_url()};
  if (!handle) throw std::bad_alloc();
  const auto code = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(),
                                 CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
  if (code != CURLUE_OK) {
    throw UsageError(fmt::format("bad URL '{}': {}", url, curl_url_strerror(code)));
  }
  char* scheme_text = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_SCHEME, &scheme_text, 0) != CURLUE_OK) {
    throw UsageError(fmt::format("bad URL '{}': no scheme", url));
  }
  const CurlString scheme{scheme_text};
  if (std::string_view{scheme.get()} != "http" && std::string_view{scheme.get()} != "https") {
    throw UsageError(fmt::format("bad URL '{}': scheme '{}' is not supported, use http or https",
                                 url, scheme.get()));
  }
}

void check_colon_fields(const std::vector<std::string>& items, std::string_view option,
                        std::size_t min_colons, std::string_view form) {
  for (const auto& item : items) {
    if (static_cast<std::size_t>(std::count(item.begin(), item.end(), ':')) < min_colons) {
      throw UsageError(fmt::format("bad {} '{}': expected {}", option, item, form));
    }
  }
}

/// Parses with `app`; --help and --version end in a CommandLine that only prints.
std::optional<CommandLine> parse_or_print(CLI::App& app, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp& help) {
    std::ostringstream out;
    std::ostringstream err;
    app.exit(help, out, err);
    return CommandLine{.output = out.str()};
  } catch (const CLI::CallForVersion& version) {
    std::ostringstream out;
    std::ostringstream err;
    app.exit(version, out, err);
    return CommandLine{.output = out.str()};
  } catch (const CLI::ParseError& error) {
    throw UsageError(error.what());
  }
}

CommandLine parse_report_command_line(int argc, const char* const* argv) {
  ReportConfig report;
  std::vector<std::string> logs;
  CLI::App app{
      "upwatch report: rebuild the summary and downtime report of a run from its log.\n"
      "Reads upwatch's log (-o), its JSON Lines log (--jsonl) and the bash loop's log.",
      "upwatch report"};
  app.footer(R"(
Exit status: 0 the run was up throughout, 1 it had downtime, 2 bad usage or no readable log,
5 inconclusive: no downtime seen, but part of the run was not observed.)");
  app.add_option("LOG", logs, "log files (default testlog.log); their runs are numbered in order");
  auto* run =
      app.add_option("--run", report.run, "report run N (1 is the first; default: the last)")
          ->check(CLI::PositiveNumber);
  app.add_flag("--list", report.list, "list the runs instead")->excludes(run);
  app.add_flag("--json", report.json, "print the summary as one JSON document");
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  if (!logs.empty()) report.logs = std::move(logs);
  return {.report = std::move(report)};
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  if (argc > 1 && std::string_view{argv[1]} == "report") {
    return parse_report_command_line(argc - 1, argv + 1);
  }
  Config config;
  CLI::App app{"upwatch: probe a URL on a fixed schedule, log every probe, report downtime.",
               "upwatch"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string{"upwatch "} + UPWATCH_VERSION);

  std::string interval_text;
  std::string interval_option_text;
  std::string max_time_text = "5";
  std::string connect_timeout_text;
  std::string duration_text;
  std::string expect_text;
  bool http1_1 = false;
  bool http2 = false;
  bool ipv4 = false;
  bool ipv6 = false;
  bool keep_alive = false;

  app.add_option("URL", config.url, "http:// or https:// URL to probe")->required();
  auto* interval_positional = app.add_option(
      "INTERVAL", interval_text, "seconds between probes, fractions allowed (default 1)");
  auto* interval_option = app.add_option("-i,--interval", interval_option_text, "same as INTERVAL");
  interval_option->excludes(interval_positional);
  app.add_option("-o,--log", config.log_path, "log file, appended to (default testlog.log)");
  app.add_flag("--truncate", config.truncate_log, "start the log file afresh instead of appending");
  app.add_option("-m,--max-time", max_time_text,
                 "seconds a probe may take in all before it is a timeout (default 5)");
  app.add_option("--connect-timeout", connect_timeout_text,
                 "seconds connecting may take (default: bounded by --max-time)");
  app.add_option("-X,--request", config.method,
                 "HTTP method (default HEAD; GET discards the body)");
  app.add_option("-H,--header", config.headers, "extra request header 'Name: value' (repeatable)");
  app.add_flag("-k,--insecure", config.insecure, "do not verify the server's TLS certificate");
  app.add_option("--cacert", config.cacert, "CA certificates file to verify the server with");
  auto* http1_flag = app.add_flag("--http1.1", http1_1, "use HTTP/1.1");
  app.add_flag("--http2", http2, "ask for HTTP/2")->excludes(http1_flag);
  app.add_option("--resolve", config.resolve,
                 "HOST:PORT:ADDR, resolve HOST:PORT to ADDR (repeatable)");
  app.add_option("--connect-to", config.connect_to,
                 "HOST1:PORT1:HOST2:PORT2, connect to HOST2:PORT2 instead (repeatable)");
  auto* ipv4_flag = app.add_flag("-4,--ipv4", ipv4, "connect over IPv4 only");
  app.add_flag("-6,--ipv6", ipv6, "connect over IPv6 only")->excludes(ipv4_flag);
  app.add_flag(
      "--keep-alive", keep_alive,
      "reuse connections and DNS answers (default: a fresh connection and look-up per probe)");
  app.add_option(
      "--expect", expect_text,
      "statuses that count as up, e.g. 2xx,3xx or 200 or 200-399 (default: any below 500)");
  app.add_option("--duration", duration_text, "stop after this long, e.g. 90s, 10m, 1h");
  app.add_option("-c,--count", config.count, "stop after this many probes")
      ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
  app.add_option("--parallel-max", config.parallel_max,
                 "most probes in flight at once; a tick that finds them in flight is not sent, "
                 "and is part of a gap (default 100)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000}));

  app.add_option("--control", config.control_url,
                 "also probe this independent URL at every tick: a window when it fails too is "
                 "put down to the prober's own network, not to the service");
  app.add_option("--jsonl", config.jsonl_path,
                 "also append each probe to this file as one JSON object per line");
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);

  check_url(config.url);
  if (!config.control_url.empty()) check_url(config.control_url);
  const auto& interval_given = interval_option_text.empty() ? interval_text : interval_option_text;
  if (!interval_given.empty()) config.interval = positive_duration(interval_given, "interval");
  config.max_time = positive_duration(max_time_text, "--max-time");
  if (!connect_timeout_text.empty()) {
    config.connect_timeout = positive_duration(connect_timeout_text, "--connect-timeout");
  }
  if (!duration_text.empty()) config.duration = positive_duration(duration_text, "--duration");
  if (!expect_text.empty()) {
    auto expectation = StatusExpectation::parse(expect_text);
    if (!expectation) {
      throw UsageError(fmt::format(
          "bad --expect '{}': expected statuses, classes or ranges such as 2xx,3xx or 200-399",
          expect_text));
    }
    config.expectation = std::move(*expectation);
  }
  if (config.method.empty() ||
      config.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
          std::string::npos) {
    throw UsageError(
        fmt::format("bad --request '{}': expected a method such as HEAD or GET", config.method));
  }
  for (const auto& header : config.headers) {
    if (header.find_first_of(":;") == std::string::npos) {
      throw UsageError(fmt::format("bad --header '{}': expected 'Name: value'", header));
    }
  }
  check_colon_fields(config.resolve, "--resolve", 2, "HOST:PORT:ADDR");
  check_colon_fields(config.connect_to, "--connect-to", 3, "HOST1:PORT1:HOST2:PORT2");
  config.http_version = http1_1 ? HttpVersion::http1_1
                        : http2 ? HttpVersion::http2
                                : HttpVersion::automatic;
  config.ip_version = ipv4 ? IpVersion::v4 : ipv6 ? IpVersion::v6 : IpVersion::any;
  config.connections = keep_alive ? Connections::keep_alive : Connections::fresh;
  return {.config = std::move(config)};
}

std::string redact_url(const std::string& url) {
  UrlHandle handle{curl_url()};
  if (!handle ||
      curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), CURLU_GUESS_SCHEME) != CURLUE_OK) {
    return url;
  }
  char* user = nullptr;
  char* password = nullptr;
  const bool has_user = curl_url_get(handle.get(), CURLUPART_USER, &user, 0) == CURLUE_OK;
  const bool has_password =
      curl_url_get(handle.get(), CURLUPART_PASSWORD, &password, 0) == CURLUE_OK;
  const CurlString owned_user{user};
  const CurlString owned_password{password};
  if (!has_user && !has_password) return url;
  char* redacted = nullptr;
  if (curl_url_set(handle.get(), CURLUPART_USER, "***", 0) != CURLUE_OK ||
      curl_url_set(handle.get(), CURLUPART_PASSWORD, nullptr, 0) != CURLUE_OK ||
      curl_url_get(handle.get(), CURLUPART_URL, &redacted, 0) != CURLUE_OK) {
    return "(URL with credentials)";
  }
  return CurlString{redacted}.get();
}

}  // namespace upwatch
