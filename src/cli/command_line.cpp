#include "upwatch/cli/command_line.hpp"

#include <ares.h>
#include <curl/curl.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <sstream>

#include "upwatch/cli/options.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/core/url.hpp"
#include "upwatch/log/mark.hpp"

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
  upwatch --each-address https://example.com/health https://example.com/api 0.5
      probe both paths at every address of the name (every load-balancer node)
  upwatch --expect 2xx,3xx -X GET -H 'Accept: text/html' https://example.com/
  upwatch report testlog.log
      rebuild the summary of the last run in a log (see upwatch report --help)

Exit status:
  0    up: every tick observed and answered well
  1    downtime: some probe failed
  2    bad usage, or the log could not be opened
  3    the log could not be written during the run
  4    libcurl or the system failed
  5    inconclusive: no downtime seen, but part of the run was not observed
       or probes were left unanswered
  130  a second Ctrl-C)";

constexpr const char* kUsage =
    "Usage: upwatch [OPTIONS] URL... [INTERVAL]\n"
    "       upwatch report [OPTIONS] [LOG...]\n"
    "       upwatch mark [-o LOG] TEXT...\n";

/// Shows --help as a person would write it: each option with the kind of value it takes
/// (SECONDS, FILE, N), without CLI11's types and ranges, its description wrapped to fit 80
/// columns, under the usage lines given.
class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(std::string usage) : usage_(std::move(usage)) { column_width(kColumn); }

  std::string make_usage(const CLI::App* /*app*/, std::string /*name*/) const override {
    return usage_;
  }

  std::string make_option_opts(const CLI::Option* option) const override {
    if (option->get_type_size() == 0 || option->get_positional()) return {};
    return " " + option->get_type_name();
  }

  std::string make_option_desc(const CLI::Option* option) const override {
    std::string wrapped;
    std::size_t line = 0;
    std::istringstream words{option->get_description()};
    for (std::string word; words >> word;) {
      if (line > 0 && line + 1 + word.size() > kWidth - kColumn) {
        wrapped += '\n';
        line = 0;
      } else if (line > 0) {
        wrapped += ' ';
        ++line;
      }
      wrapped += word;
      line += word.size();
    }
    return wrapped;
  }

 private:
  static constexpr std::size_t kColumn = 30;  ///< where descriptions begin
  static constexpr std::size_t kWidth = 79;   ///< where they end
  std::string usage_;
};

/// Sets up what both commands' `app` share: --help under `usage`, and --version.
void describe(CLI::App& app, std::string usage) {
  app.formatter(std::make_shared<HelpFormatter>(std::move(usage)));
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("-V,--version", version_text(),
                       "print the versions of upwatch and of the libraries it probes with");
}

/// Gives each named option of `app` the kind of value --help shows for it.
void name_values(CLI::App& app,
                 std::initializer_list<std::pair<const char*, const char*>> options) {
  for (const auto& [option, value] : options) app.get_option(option)->type_name(value);
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
    throw UsageError(fmt::format("{}; try '{} --help'", error.what(), app.get_name()));
  }
}

/// Makes a repeatable option take exactly one value per use, so that none can swallow URL or
/// INTERVAL.
void one_each(CLI::Option* option) {
  option->expected(1)->allow_extra_args(false)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

CommandLine parse_report_command_line(int argc, const char* const* argv) {
  ReportConfig report;
  std::vector<std::string> logs;
  CLI::App app{
      "upwatch report: rebuild the summary and downtime report of a run from its log.\n"
      "Reads upwatch's log (-o), its JSON Lines log (--jsonl) and the bash loop's log.",
      "upwatch report"};
  describe(app, "Usage: upwatch report [OPTIONS] [LOG...]\n");
  app.footer(R"(
Exit status:
  0    the run was up throughout
  1    it had downtime
  2    bad usage, no readable log, or an --html file that cannot be written
  5    inconclusive: no downtime seen, but part of the run was not observed)");
  app.add_option("LOG", logs,
                 "log files, - for stdin (default testlog.log); their runs are numbered in order, "
                 "and a run whose log was rotated is read on in the next");
  std::string run_text;
  auto* run = app.add_option("--run", run_text, "report run N (1 is the first; default: the last)");
  auto* list = app.add_flag("--list", report.list, "list the runs instead")->excludes(run);
  app.add_flag("--merge", report.merge,
               "the logs are of one URL watched from several vantage points at "
               "once: merge the last run of each, telling the windows every one "
               "saw from those only some saw")
      ->excludes(run)
      ->excludes(list);
  app.add_flag("--json", report.json, "print the summary as one JSON document");
  std::vector<std::string> track_names;
  one_each(app.add_option("--track", track_names,
                          "also track this response header, from the headers the logs hold "
                          "(for the bash loop's log; repeatable)"));
  app.add_option("--html", report.html_path,
                 "also write the run as one self-contained HTML page to FILE: a timeline of "
                 "every probe, the windows, the latency (opens offline, in any browser)")
      ->excludes(list);
  name_values(app, {{"--run", "N"}, {"--track", "NAME"}, {"--html", "FILE"}});
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  if (!run_text.empty()) report.run = whole_number(run_text, "--run", 1, kMaxRuns);
  if (!logs.empty()) report.logs = std::move(logs);
  report.track = track_names_of(track_names);
  return {.report = std::move(report)};
}

CommandLine parse_mark_command_line(int argc, const char* const* argv) {
  MarkConfig mark;
  std::vector<std::string> words;
  CLI::App app{
      "upwatch mark: note an event (\"drained s1\", \"scaled to 3\") in a run's log, in one\n"
      "append, even while the run writes it. upwatch report tells the marks in time order\n"
      "with the windows of downtime, and draws them on the HTML timeline.",
      "upwatch mark"};
  describe(app, "Usage: upwatch mark [-o LOG] TEXT...\n");
  app.footer(R"(
Example:
  upwatch mark -o cutover.log drained s1

Exit status:
  0    marked
  2    bad usage, or the log is not there or cannot be written)");
  app.add_option("TEXT", words, "what happened, one line (the words are joined by spaces)");
  app.add_option("-o,--log", mark.log_path, "the run's log (default testlog.log)");
  name_values(app, {{"--log", "FILE"}});
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  for (const auto& word : words) mark.text += (mark.text.empty() ? "" : " ") + word;
  check_mark_text(mark.text);
  return {.mark = std::move(mark)};
}

}  // namespace

std::string version_text() {
  return fmt::format("upwatch {} {} c-ares/{}", UPWATCH_VERSION, curl_version(),
                     ares_version(nullptr));
}

CommandLine parse_command_line(int argc, const char* const* argv) {
  if (argc > 1 && std::string_view{argv[1]} == "report") {
    return parse_report_command_line(argc - 1, argv + 1);
  }
  if (argc > 1 && std::string_view{argv[1]} == "mark") {
    return parse_mark_command_line(argc - 1, argv + 1);
  }
  if (argc > 1) check_not_a_command(argv[1]);
  Config config;
  CLI::App app{"upwatch: probe a URL on a fixed schedule, log every probe, report downtime.",
               "upwatch"};
  describe(app, kUsage);
  app.footer(kExamples);

  std::string interval_text;
  std::string interval_option_text;
  std::string max_time_text = "5";
  std::string connect_timeout_text;
  std::string duration_text;
  std::string expect_text;
  std::string count_text;
  std::string parallel_max_text;
  std::vector<std::string> header_values;
  bool http1_1 = false;
  bool http2 = false;
  bool ipv4 = false;
  bool ipv6 = false;
  bool keep_alive = false;
  bool live = false;
  bool no_live = false;

  std::vector<std::string> positionals;
  app.add_option("URL", positionals,
                 "http:// or https:// URLs to probe, each on its own schedule, staggered across "
                 "the interval; then INTERVAL: seconds between probes, fractions allowed "
                 "(default 1)");
  std::string url_file;
  app.add_option("--url-file", url_file,
                 "also probe the URLs of FILE, one a line (# starts a comment)");
  app.add_flag("--each-address", config.each_address,
               "at every tick, resolve each URL's name and probe every address it returns, "
               "each pinned to its address with the URL's Host and TLS name kept (every "
               "load-balancer node); the report has a section per address");
  app.add_option("-i,--interval", interval_option_text, "same as INTERVAL");
  app.add_option("-o,--log", config.log_path, "log file, appended to (default testlog.log)");
  app.add_flag("--truncate", config.truncate_log, "start the log file afresh instead of appending");
  app.add_option("-m,--max-time", max_time_text,
                 "seconds a probe may take in all, name resolution included, before it fails "
                 "(default 5)");
  app.add_option("--connect-timeout", connect_timeout_text,
                 "seconds connecting may take (default: bounded by --max-time)");
  auto* method_option = app.add_option("-X,--request", config.method,
                                       "HTTP method (default HEAD, or POST with -d; GET "
                                       "discards the body)");
  std::string data_text;
  app.add_option("-d,--data", data_text,
                 "send this body with each request, as a POST unless -X says otherwise; "
                 "@FILE reads it from FILE (a health check that takes a POST)");
  config.user_agent = std::string{"upwatch/"} + UPWATCH_VERSION;
  app.add_option("-A,--user-agent", config.user_agent,
                 "the User-Agent header (default upwatch/VERSION)");
  app.add_option("-u,--user", config.user,
                 "USER:PASSWORD for HTTP authentication (Basic); the password is hidden from "
                 "ps and never logged: the run header says USER:***");
  app.add_flag("-L,--location", config.location,
               "follow redirects: the probe's outcome is the last answer's, and each hop's "
               "status line and Location are in its record");
  std::string max_redirs_text;
  app.add_option("--max-redirs", max_redirs_text,
                 "with -L, the most redirects one probe follows (default 50); more is a "
                 "failed probe");
  app.add_option("--interface", config.interface,
                 "probe from this network interface (eth0, wlan0, a VPN's tun0) or local "
                 "address");
  one_each(app.add_option("-H,--header", header_values,
                          "extra request header 'Name: value', or @FILE of them (repeatable)"));
  app.add_flag("-k,--insecure", config.insecure, "do not verify the server's TLS certificate");
  app.add_option("--cacert", config.cacert, "CA certificates file to verify the server with");
  app.add_option("-E,--cert", config.cert,
                 "client certificate (PEM) for mutual TLS, with its key unless --key is given");
  app.add_option("--key", config.key, "the private key (PEM) of --cert");
  bool tls1_2 = false;
  bool tls1_3 = false;
  auto* tls1_2_flag = app.add_flag("--tlsv1.2", tls1_2, "use TLS 1.2 or later");
  app.add_flag("--tlsv1.3", tls1_3, "use TLS 1.3 or later")->excludes(tls1_2_flag);
  auto* http1_flag = app.add_flag("--http1.1", http1_1, "use HTTP/1.1");
  app.add_flag("--http2", http2, "ask for HTTP/2")->excludes(http1_flag);
  one_each(app.add_option("--resolve", config.resolve,
                          "HOST:PORT:ADDR[,ADDR]..., resolve HOST:PORT to ADDR (repeatable)"));
  one_each(app.add_option("--connect-to", config.connect_to,
                          "HOST1:PORT1:HOST2:PORT2, connect to HOST2:PORT2 instead (repeatable)"));
  auto* ipv4_flag = app.add_flag("-4,--ipv4", ipv4, "connect over IPv4 only");
  app.add_flag("-6,--ipv6", ipv6, "connect over IPv6 only")->excludes(ipv4_flag);
  app.add_option("--dns-servers", config.dns_servers,
                 "IP[:PORT],... DNS servers to ask instead of the system's");
  app.add_option("-x,--proxy", config.proxy,
                 "[SCHEME://]HOST[:PORT] proxy to probe through (http, https, socks4a, socks5h); "
                 "proxy variables of the environment are ignored");
  app.add_option("--noproxy", config.noproxy,
                 "HOST,... hosts to reach without the proxy ('*' for all)");
  app.add_flag(
      "--keep-alive", keep_alive,
      "reuse connections and DNS answers (default: a fresh connection and look-up per probe)");
  app.add_option(
      "--expect", expect_text,
      "statuses that count as up, e.g. 2xx,3xx or 200 or 200-399 (default: any below 500)");
  app.add_option("--duration", duration_text, "stop after this long, e.g. 90s, 10m, 1h");
  app.add_option("-c,--count", count_text, "stop after this many probes");
  app.add_option("--parallel-max", parallel_max_text,
                 "most probes in flight at once; a tick that finds them in flight is not sent, "
                 "and is part of a gap (default 100 for each URL)");
  app.add_option("--control", config.control_url,
                 "also probe this independent URL at every tick: a window when it fails too is "
                 "put down to the prober's own network, not to the service");
  app.add_option("--jsonl", config.jsonl_path,
                 "also append each probe to this file as one JSON object per line");
  std::vector<std::string> track_names;
  one_each(app.add_option("--track", track_names,
                          "a response header whose value names what answered, e.g. "
                          "x-app-version or etag: the summary says when each value was seen "
                          "and how it switched (repeatable)"));
  app.add_option("--track-body", config.track_body,
                 "with -X GET, also track the first capture group of this regular expression "
                 "in the body (its first 64 KiB), e.g. '\"version\":\"([^\"]+)\"'");
  app.add_option("--vantage", config.vantage,
                 "where this run watches from, named in the log and in the metrics (default: "
                 "the host name)");
  app.add_option("--metrics-listen", config.metrics_listen_text,
                 "serve Prometheus metrics at http://[ADDR:]PORT/metrics while the run lasts "
                 "(PORT alone: every IPv4 address), e.g. 127.0.0.1:9115");
  std::string linger_text;
  app.add_option("--metrics-linger", linger_text,
                 "with --metrics-listen, once the run ends, wait up to this long for a scrape "
                 "of its final numbers, e.g. 30s");
  auto* quiet_flag = app.add_flag("-q,--quiet,-s,--silent", config.quiet,
                                  "nothing on stderr but errors: no start line, no live view");
  auto* live_flag = app.add_flag("--live", live,
                                 "show the live view (status line and events on stderr) even "
                                 "when stderr is not a terminal");
  live_flag->excludes(quiet_flag);
  app.add_flag("--no-live", no_live, "no live view, even on a terminal")->excludes(live_flag);
  name_values(app, {{"--url-file", "FILE"},
                    {"--interval", "SECONDS"},
                    {"--log", "FILE"},
                    {"--max-time", "SECONDS"},
                    {"--connect-timeout", "SECONDS"},
                    {"--request", "METHOD"},
                    {"--data", "DATA"},
                    {"--user-agent", "NAME"},
                    {"--user", "USER:PASSWORD"},
                    {"--max-redirs", "N"},
                    {"--interface", "NAME"},
                    {"--header", "HEADER"},
                    {"--cacert", "FILE"},
                    {"--cert", "FILE"},
                    {"--key", "FILE"},
                    {"--resolve", "HOST:PORT:ADDR"},
                    {"--connect-to", "H1:P1:H2:P2"},
                    {"--dns-servers", "ADDRESSES"},
                    {"--proxy", "URL"},
                    {"--noproxy", "HOSTS"},
                    {"--expect", "STATUSES"},
                    {"--duration", "TIME"},
                    {"--count", "N"},
                    {"--parallel-max", "N"},
                    {"--control", "URL"},
                    {"--jsonl", "FILE"},
                    {"--track", "NAME"},
                    {"--track-body", "REGEX"},
                    {"--vantage", "NAME"},
                    {"--metrics-listen", "[ADDR:]PORT"},
                    {"--metrics-linger", "TIME"}});
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  // Every value that reaches a request line or header, or names where to connect.
  for (const auto& [value, what] : {std::pair{&config.user_agent, "--user-agent"},
                                    {&config.user, "--user"},
                                    {&config.method, "--request"},
                                    {&config.proxy, "--proxy"},
                                    {&config.noproxy, "--noproxy"},
                                    {&config.interface, "--interface"}}) {
    check_one_line(*value, what);
  }
  for (const auto& [values, what] : {std::pair{&track_names, "--track"},
                                     {&config.resolve, "--resolve"},
                                     {&config.connect_to, "--connect-to"}}) {
    for (const auto& value : *values) check_one_line(value, what);
  }

  // INTERVAL is the last word that is not a URL, after at least one URL or a --url-file.
  if (interval_option_text.empty() && !positionals.empty() &&
      positionals.back().find("://") == std::string::npos &&
      (positionals.size() > 1 || !url_file.empty())) {
    interval_text = positionals.back();
    positionals.pop_back();
  }
  std::vector<std::pair<std::string, std::string>> urls;
  for (auto& url : positionals) urls.emplace_back(std::move(url), "URL");
  if (!url_file.empty()) std::ranges::move(read_url_file(url_file), std::back_inserter(urls));
  if (urls.empty()) throw UsageError("URL is required (or --url-file FILE)");
  if (urls.size() > kMaxUrls) {
    throw UsageError(fmt::format("{} URLs given: at most {} in one run", urls.size(), kMaxUrls));
  }
  for (const auto& [url, what] : urls) {
    auto parts = check_url(url, what);
    const auto twice = std::ranges::find(config.targets, parts.url, &TargetUrl::url);
    if (twice != config.targets.end()) {
      throw UsageError(
          fmt::format("{} '{}' is given twice: each URL once", what, redact_url(parts.url)));
    }
    config.targets.push_back({.url = std::move(parts.url), .endpoint = parts.endpoint});
  }
  std::optional<UrlParts> control;
  if (!config.control_url.empty()) {
    control = check_url(config.control_url, "--control");
    config.control_url = control->url;
  }
  const auto& interval_given = interval_option_text.empty() ? interval_text : interval_option_text;
  if (!interval_given.empty()) config.interval = positive_duration(interval_given, "interval");
  config.max_time = positive_duration(max_time_text, "--max-time");
  if (!connect_timeout_text.empty()) {
    config.connect_timeout = positive_duration(connect_timeout_text, "--connect-timeout");
  }
  if (!duration_text.empty()) config.duration = positive_duration(duration_text, "--duration");
  if (!count_text.empty()) {
    config.count = whole_number(count_text, "--count", 1, kMostProbes);
  }
  config.parallel_max = parallel_max_text.empty()
                            ? std::min<std::uint64_t>(100 * config.targets.size(), 100000)
                            : whole_number(parallel_max_text, "--parallel-max", 1, 100000);
  if (!expect_text.empty()) {
    auto expectation = StatusExpectation::parse(expect_text);
    if (!expectation) {
      throw UsageError(fmt::format(
          "bad --expect '{}': expected statuses, classes or ranges such as 2xx,3xx or 200-399",
          shown(expect_text)));
    }
    config.expectation = std::move(*expectation);
  }
  if (config.method.empty() ||
      config.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
          std::string::npos) {
    throw UsageError(fmt::format("bad --request '{}': expected a method such as HEAD or GET",
                                 shown(config.method)));
  }
  check_body(config, data_text, method_option->count() > 0);
  if (!max_redirs_text.empty()) {
    config.max_redirs = static_cast<long>(whole_number(max_redirs_text, "--max-redirs", 0, 1000));
  }
  if (!config.interface.empty()) check_interface(config.interface);
  config.headers = read_headers(header_values);
  config.track = track_names_of(track_names);
  if (!config.track_body.empty()) {
    if (config.method != "GET") {
      throw UsageError("--track-body needs -X GET: a HEAD answer has no body");
    }
    check_track_body(config.track_body);
  }
  if (!config.cacert.empty()) check_readable(config.cacert, "--cacert file");
  if (!config.cert.empty()) check_readable(config.cert, "--cert file");
  if (!config.key.empty()) {
    if (config.cert.empty()) throw UsageError("--key needs --cert, the certificate it goes with");
    check_readable(config.key, "--key file");
  }
  config.tls_minimum = tls1_3 ? TlsMinimum::v1_3 : tls1_2 ? TlsMinimum::v1_2 : TlsMinimum::any;
  std::vector<ResolveEntry> resolved;
  for (const auto& entry : config.resolve) resolved.push_back(parse_resolve(entry));
  std::vector<ConnectTo> rules;
  for (const auto& rule : config.connect_to) rules.push_back(parse_connect_to(rule));
  std::optional<Endpoint> proxy;
  if (!config.proxy.empty()) proxy = check_proxy(config.proxy);
  if (!config.dns_servers.empty()) check_dns_servers(config.dns_servers);
  check_metrics(config, linger_text);
  config.ip_version = ipv4 ? IpVersion::v4 : ipv6 ? IpVersion::v6 : IpVersion::any;
  if (config.each_address && proxy) {
    throw UsageError("--each-address cannot be used with --proxy: the proxy connects, not upwatch");
  }
  if (config.each_address && !rules.empty()) {
    throw UsageError("--each-address cannot be used with --connect-to: it pins probes itself");
  }
  for (auto& target : config.targets) {
    target.lookup = name_to_resolve(target.endpoint, rules, resolved, proxy, config.noproxy);
    if (config.each_address && !target.lookup) {
      target.addresses = given_addresses(target.endpoint, resolved, config.ip_version);
    }
  }
  if (control) {
    config.control_lookup =
        name_to_resolve(control->endpoint, rules, resolved, proxy, config.noproxy);
  }
  config.http_version = http1_1 ? HttpVersion::http1_1
                        : http2 ? HttpVersion::http2
                                : HttpVersion::automatic;
  config.connections = keep_alive ? Connections::keep_alive : Connections::fresh;
  config.live = live ? LiveMode::on : no_live ? LiveMode::off : LiveMode::automatic;
  return {.config = std::move(config)};
}

void hide_secrets(int argc, char** argv) {
  bool header_value = false;
  bool user_value = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    char* secret = nullptr;
    if (header_value || user_value) {
      secret = argv[i];
    } else if (arg.starts_with("--header=")) {
      secret = argv[i] + 9;
    } else if (arg.starts_with("--user=")) {
      secret = argv[i] + 7;
    } else if ((arg.starts_with("-H") || arg.starts_with("-u")) && arg.size() > 2) {
      secret = argv[i] + 2;
    }
    header_value = arg == "-H" || arg == "--header";
    user_value = arg == "-u" || arg == "--user";
    if (secret != nullptr) {
      // Only a header's value is secret; @FILE names a file of them.
      if (*secret == '@') continue;
      if (char* colon = std::strchr(secret, ':')) secret = colon + 1;
      std::memset(secret, '*', std::strlen(secret));
      continue;
    }
    // A password in a URL: "scheme://user:password@host/..."
    const auto authority = arg.find("://");
    if (authority == std::string_view::npos) continue;
    const auto end = arg.find_first_of("/?#", authority + 3);
    const auto at = arg.substr(0, end).rfind('@');
    if (at == std::string_view::npos || at < authority) continue;
    const auto colon = arg.substr(0, at).find(':', authority + 3);
    if (colon == std::string_view::npos) continue;
    std::memset(argv[i] + colon + 1, '*', at - colon - 1);
  }
}

}  // namespace upwatch
