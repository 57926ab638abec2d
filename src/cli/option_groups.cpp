#include "option_groups.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "upwatch/cli/options.hpp"
#include "upwatch/core/duration.hpp"
#include "upwatch/core/error.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/core/url.hpp"

namespace upwatch {

void one_each(CLI::Option* option) {
  option->expected(1)->allow_extra_args(false)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

void name_values(CLI::App& app,
                 std::initializer_list<std::pair<const char*, const char*>> options) {
  for (const auto& [option, value] : options) app.get_option(option)->type_name(value);
}

namespace {

/// What is probed: the URLs, every address of their names, the interval; and the log.
void add_target_options(CLI::App& app, Config& config, RunOptionTexts& texts) {
  app.add_option("URL", texts.positionals,
                 "http:// or https:// URLs to probe, each on its own schedule, staggered across "
                 "the interval; then INTERVAL: seconds between probes, fractions allowed "
                 "(default 1)");
  app.add_option("--url-file", texts.url_file,
                 "also probe the URLs of FILE, one a line (# starts a comment)");
  app.add_flag("--each-address", config.each_address,
               "at every tick, resolve each URL's name and probe every address it returns, "
               "each pinned to its address with the URL's Host and TLS name kept (every "
               "load-balancer node); the report has a section per address");
  app.add_option("-i,--interval", texts.interval, "same as INTERVAL");
  app.add_option("-o,--log", config.log_path, "log file, appended to (default testlog.log)");
  app.add_flag("--truncate", config.truncate_log, "start the log file afresh instead of appending");
  app.add_option("-m,--max-time", texts.max_time,
                 "seconds a probe may take in all, name resolution included, before it fails "
                 "(default 5)");
  app.add_option("--connect-timeout", texts.connect_timeout,
                 "seconds connecting may take (default: bounded by --max-time)");
  name_values(app, {{"--url-file", "FILE"},
                    {"--interval", "SECONDS"},
                    {"--log", "FILE"},
                    {"--max-time", "SECONDS"},
                    {"--connect-timeout", "SECONDS"}});
}

/// What each request is: method, body, headers, credentials, redirects, where it leaves from.
void add_request_options(CLI::App& app, Config& config, RunOptionTexts& texts) {
  texts.method = app.add_option("-X,--request", config.method,
                                "HTTP method (default HEAD, or POST with -d; GET "
                                "discards the body)");
  app.add_option("-d,--data", texts.data,
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
  app.add_option("--max-redirs", texts.max_redirs,
                 "with -L, the most redirects one probe follows (default 50); more is a "
                 "failed probe");
  app.add_option("--interface", config.interface,
                 "probe from this network interface (eth0, wlan0, a VPN's tun0) or local "
                 "address");
  one_each(app.add_option("-H,--header", texts.headers,
                          "extra request header 'Name: value', or @FILE of them (repeatable)"));
  name_values(app, {{"--request", "METHOD"},
                    {"--data", "DATA"},
                    {"--user-agent", "NAME"},
                    {"--user", "USER:PASSWORD"},
                    {"--max-redirs", "N"},
                    {"--interface", "NAME"},
                    {"--header", "HEADER"}});
}

/// How to connect: TLS, the HTTP version, names and addresses, proxies, connection reuse.
void add_connection_options(CLI::App& app, Config& config, RunOptionTexts& texts) {
  app.add_flag("-k,--insecure", config.insecure, "do not verify the server's TLS certificate");
  app.add_option("--cacert", config.cacert, "CA certificates file to verify the server with");
  app.add_option("-E,--cert", config.cert,
                 "client certificate (PEM) for mutual TLS, with its key unless --key is given");
  app.add_option("--key", config.key, "the private key (PEM) of --cert");
  auto* tls1_2_flag = app.add_flag("--tlsv1.2", texts.tls1_2, "use TLS 1.2 or later");
  app.add_flag("--tlsv1.3", texts.tls1_3, "use TLS 1.3 or later")->excludes(tls1_2_flag);
  auto* http1_flag = app.add_flag("--http1.1", texts.http1_1, "use HTTP/1.1");
  app.add_flag("--http2", texts.http2, "ask for HTTP/2")->excludes(http1_flag);
  one_each(app.add_option("--resolve", config.resolve,
                          "HOST:PORT:ADDR[,ADDR]..., resolve HOST:PORT to ADDR (repeatable)"));
  one_each(app.add_option("--connect-to", config.connect_to,
                          "HOST1:PORT1:HOST2:PORT2, connect to HOST2:PORT2 instead (repeatable)"));
  auto* ipv4_flag = app.add_flag("-4,--ipv4", texts.ipv4, "connect over IPv4 only");
  app.add_flag("-6,--ipv6", texts.ipv6, "connect over IPv6 only")->excludes(ipv4_flag);
  app.add_option("--dns-servers", config.dns_servers,
                 "IP[:PORT],... DNS servers to ask instead of the system's");
  app.add_option("-x,--proxy", config.proxy,
                 "[SCHEME://]HOST[:PORT] proxy to probe through (http, https, socks4a, socks5h); "
                 "proxy variables of the environment are ignored");
  app.add_option("--noproxy", config.noproxy,
                 "HOST,... hosts to reach without the proxy ('*' for all)");
  auto* keep_alive =
      app.add_flag("--keep-alive", texts.keep_alive, "the same as --connections keep-alive");
  app.add_option("--connections", texts.connections,
                 "fresh: a new connection and look-up per probe (the default); keep-alive: "
                 "reuse them; both: each tick a probe of each kind, each kind a target of its own")
      ->excludes(keep_alive);
  name_values(app, {{"--cacert", "FILE"},
                    {"--cert", "FILE"},
                    {"--key", "FILE"},
                    {"--resolve", "HOST:PORT:ADDR"},
                    {"--connect-to", "H1:P1:H2:P2"},
                    {"--dns-servers", "ADDRESSES"},
                    {"--proxy", "URL"},
                    {"--noproxy", "HOSTS"},
                    {"--connections", "KIND"}});
}

/// How the run goes and what it learns: what is up, how long, the control URL, tracking.
void add_judging_options(CLI::App& app, Config& config, RunOptionTexts& texts) {
  app.add_option(
      "--expect", texts.expect,
      "statuses that count as up, e.g. 2xx,3xx or 200 or 200-399 (default: any below 500)");
  app.add_option("--duration", texts.duration, "stop after this long, e.g. 90s, 10m, 1h");
  app.add_option("-c,--count", texts.count, "stop after this many probes");
  app.add_option("--parallel-max", texts.parallel_max,
                 "most probes in flight at once; a tick that finds them in flight is not sent, "
                 "and is part of a gap (default 100 for each URL)");
  app.add_option("--control", config.control_url,
                 "also probe this independent URL at every tick: a window when it fails too is "
                 "put down to the prober's own network, not to the service");
  app.add_option("--jsonl", config.jsonl_path,
                 "also append each probe to this file as one JSON object per line");
  one_each(app.add_option("--track", texts.track,
                          "a response header whose value names what answered, e.g. "
                          "x-app-version or etag: the summary says when each value was seen "
                          "and how it switched (repeatable)"));
  app.add_option("--track-body", config.track_body,
                 "with -X GET, also track the first capture group of this regular expression "
                 "in the body (its first 64 KiB), e.g. '\"version\":\"([^\"]+)\"'");
  add_gate_options(app, texts.gate, config.junit_path);
  name_values(app, {{"--expect", "STATUSES"},
                    {"--duration", "TIME"},
                    {"--count", "N"},
                    {"--parallel-max", "N"},
                    {"--control", "URL"},
                    {"--jsonl", "FILE"},
                    {"--track", "NAME"},
                    {"--track-body", "REGEX"}});
}

/// What is shown while the run goes: where it watches from, metrics, the live view.
void add_showing_options(CLI::App& app, Config& config, RunOptionTexts& texts) {
  app.add_option("--vantage", config.vantage,
                 "where this run watches from, named in the log and in the metrics (default: "
                 "the host name)");
  app.add_option("--metrics-listen", config.metrics_listen_text,
                 "serve Prometheus metrics at http://[ADDR:]PORT/metrics while the run lasts "
                 "(PORT alone: every IPv4 address), e.g. 127.0.0.1:9115");
  app.add_option("--metrics-linger", texts.linger,
                 "with --metrics-listen, once the run ends, wait up to this long for a scrape "
                 "of its final numbers, e.g. 30s");
  auto* quiet_flag = app.add_flag("-q,--quiet,-s,--silent", config.quiet,
                                  "nothing on stderr but errors: no start line, no live view");
  auto* live_flag = app.add_flag("--live", texts.live,
                                 "show the live view (status line and events on stderr) even "
                                 "when stderr is not a terminal");
  live_flag->excludes(quiet_flag);
  app.add_flag("--no-live", texts.no_live, "no live view, even on a terminal")->excludes(live_flag);
  name_values(
      app,
      {{"--vantage", "NAME"}, {"--metrics-listen", "[ADDR:]PORT"}, {"--metrics-linger", "TIME"}});
}

/// Refuses a CR, LF or NUL in every value that reaches a request line or header, or names
/// where to connect.
void check_request_values(const Config& config, const RunOptionTexts& texts) {
  for (const auto& [value, what] : {std::pair{&config.user_agent, "--user-agent"},
                                    {&config.user, "--user"},
                                    {&config.method, "--request"},
                                    {&config.proxy, "--proxy"},
                                    {&config.noproxy, "--noproxy"},
                                    {&config.interface, "--interface"}}) {
    check_one_line(*value, what);
  }
  for (const auto& [values, what] : {std::pair{&texts.track, "--track"},
                                     {&config.resolve, "--resolve"},
                                     {&config.connect_to, "--connect-to"}}) {
    for (const auto& value : *values) check_one_line(value, what);
  }
}

/// The URLs to probe (each once), the control URL, and the interval: INTERVAL is the last word
/// that is not a URL, after at least one URL or a --url-file. Returns the checked --control.
std::optional<UrlParts> take_targets(Config& config, RunOptionTexts& texts) {
  auto& positionals = texts.positionals;
  std::string interval_text;
  if (texts.interval.empty() && !positionals.empty() &&
      positionals.back().find("://") == std::string::npos &&
      (positionals.size() > 1 || !texts.url_file.empty())) {
    interval_text = positionals.back();
    positionals.pop_back();
  }
  if (interval_text.empty() && texts.interval.empty() && positionals.size() == 2 &&
      positionals.front().find("://") == std::string::npos &&
      positionals.back().find("://") != std::string::npos && parse_duration(positionals.front())) {
    throw UsageError(
        fmt::format("'{}' is given before the URL: the interval comes after it, as "
                    "in 'upwatch {} {}'",
                    positionals.front(), redact_url(positionals.back()), positionals.front()));
  }
  std::vector<std::pair<std::string, std::string>> urls;
  urls.reserve(positionals.size());
  for (auto& url : positionals) urls.emplace_back(std::move(url), "URL");
  if (!texts.url_file.empty()) {
    std::ranges::move(read_url_file(texts.url_file), std::back_inserter(urls));
  }
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
  const auto& interval_given = texts.interval.empty() ? interval_text : texts.interval;
  if (!interval_given.empty()) config.interval = positive_duration(interval_given, "interval");
  return control;
}

/// The deadlines, the run's length and how many probes may be in flight.
void take_times(Config& config, const RunOptionTexts& texts) {
  config.max_time = positive_duration(texts.max_time, "--max-time");
  if (!texts.connect_timeout.empty()) {
    config.connect_timeout = positive_duration(texts.connect_timeout, "--connect-timeout");
  }
  if (!texts.duration.empty()) config.duration = positive_duration(texts.duration, "--duration");
  if (!texts.count.empty()) {
    config.count = whole_number(texts.count, "--count", 1, kMostProbes);
  }
  config.parallel_max = texts.parallel_max.empty()
                            ? std::min<std::uint64_t>(100 * config.targets.size(), 100000)
                            : whole_number(texts.parallel_max, "--parallel-max", 1, 100000);
}

/// What is up, the request, and what is tracked in its answers.
void take_request(Config& config, const RunOptionTexts& texts) {
  if (!texts.expect.empty()) {
    auto expectation = StatusExpectation::parse(texts.expect);
    if (!expectation) {
      throw UsageError(fmt::format(
          "bad --expect '{}': expected statuses, classes or ranges such as 2xx,3xx or 200-399",
          shown(texts.expect)));
    }
    config.expectation = std::move(*expectation);
  }
  config.expectation = config.expectation.slower_than(slow_limit(texts.gate));
  config.budget = budget_of(texts.gate);
  if (config.method.empty() ||
      config.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
          std::string::npos) {
    throw UsageError(fmt::format("bad --request '{}': expected a method such as HEAD or GET",
                                 shown(config.method)));
  }
  check_body(config, texts.data, texts.method->count() > 0);
  if (!texts.max_redirs.empty()) {
    config.max_redirs = static_cast<long>(whole_number(texts.max_redirs, "--max-redirs", 0, 1000));
  }
  if (!config.interface.empty()) check_interface(config.interface);
  config.headers = read_headers(texts.headers);
  config.track = track_names_of(texts.track);
  if (!config.track_body.empty()) {
    if (config.method != "GET") {
      throw UsageError("--track-body needs -X GET: a HEAD answer has no body");
    }
    check_track_body(config.track_body);
  }
}

/// The TLS files and the oldest version accepted.
void take_tls(Config& config, const RunOptionTexts& texts) {
  if (!config.cacert.empty()) check_readable(config.cacert, "--cacert file");
  if (!config.cert.empty()) check_readable(config.cert, "--cert file");
  if (!config.key.empty()) {
    if (config.cert.empty()) throw UsageError("--key needs --cert, the certificate it goes with");
    check_readable(config.key, "--key file");
  }
  config.tls_minimum = texts.tls1_3   ? TlsMinimum::v1_3
                       : texts.tls1_2 ? TlsMinimum::v1_2
                                      : TlsMinimum::any;
}

/// What --resolve, --connect-to and --proxy say of where probes connect.
struct Routes {
  std::vector<ResolveEntry> resolved;
  std::vector<ConnectTo> rules;
  std::optional<Endpoint> proxy;
};

/// The routes of `config`, checked, and its --dns-servers.
Routes take_routes(const Config& config) {
  Routes routes;
  for (const auto& entry : config.resolve) routes.resolved.push_back(parse_resolve(entry));
  for (const auto& rule : config.connect_to) routes.rules.push_back(parse_connect_to(rule));
  if (!config.proxy.empty()) routes.proxy = check_proxy(config.proxy);
  if (!config.dns_servers.empty()) check_dns_servers(config.dns_servers);
  return routes;
}

/// The kind of connections asked for (--connections, --keep-alive).
Connections connections_of(const RunOptionTexts& texts) {
  if (texts.keep_alive || texts.connections == "keep-alive") return Connections::keep_alive;
  if (texts.connections.empty() || texts.connections == "fresh") return Connections::fresh;
  if (texts.connections == "both") return Connections::both;
  throw UsageError(fmt::format("bad --connections '{}': expected fresh, keep-alive or both",
                               shown(texts.connections)));
}

/// For each target and the control URL, the name upwatch resolves itself, and with
/// --each-address the addresses it probes when it resolves none.
void route_targets(Config& config, const Routes& routes, const std::optional<UrlParts>& control) {
  if (config.each_address && routes.proxy) {
    throw UsageError("--each-address cannot be used with --proxy: the proxy connects, not upwatch");
  }
  if (config.each_address && !routes.rules.empty()) {
    throw UsageError("--each-address cannot be used with --connect-to: it pins probes itself");
  }
  const auto lookup = [&](const Endpoint& endpoint) {
    return name_to_resolve(endpoint, routes.rules, routes.resolved, routes.proxy, config.noproxy);
  };
  for (auto& target : config.targets) {
    target.lookup = lookup(target.endpoint);
    if (config.each_address && !target.lookup) {
      target.addresses = given_addresses(target.endpoint, routes.resolved, config.ip_version);
    }
  }
  if (control) config.control_lookup = lookup(control->endpoint);
}

}  // namespace

void add_run_options(CLI::App& app, Config& config, RunOptionTexts& texts) {
  add_target_options(app, config, texts);
  add_request_options(app, config, texts);
  add_connection_options(app, config, texts);
  add_judging_options(app, config, texts);
  add_showing_options(app, config, texts);
}

void take_run_options(Config& config, RunOptionTexts& texts) {
  check_request_values(config, texts);
  const auto control = take_targets(config, texts);
  take_times(config, texts);
  take_request(config, texts);
  take_tls(config, texts);
  const auto routes = take_routes(config);
  check_metrics(config, texts.linger);
  config.ip_version = texts.ipv4 ? IpVersion::v4 : texts.ipv6 ? IpVersion::v6 : IpVersion::any;
  route_targets(config, routes, control);
  config.http_version = texts.http1_1 ? HttpVersion::http1_1
                        : texts.http2 ? HttpVersion::http2
                                      : HttpVersion::automatic;
  config.connections = connections_of(texts);
  if (config.connections == Connections::both && config.each_address) {
    throw UsageError("--connections both cannot be used with --each-address");
  }
  config.live = texts.live ? LiveMode::on : texts.no_live ? LiveMode::off : LiveMode::automatic;
}

void add_gate_options(CLI::App& app, GateTexts& texts, std::string& junit_path) {
  app.add_option("--slow", texts.slow,
                 "an answer slower than this (its total time) is a failed probe of its own "
                 "class, slow, e.g. 0.5 or 300ms");
  app.add_option("--max-downtime", texts.max_downtime,
                 "exit 1 only if the downtime in all exceeds this, e.g. 1s (every window is "
                 "still reported)");
  app.add_option("--max-window", texts.max_window,
                 "exit 1 only if a window of downtime lasts longer than this, e.g. 500ms");
  app.add_option("--junit", junit_path,
                 "also write the verdict as JUnit XML to FILE, for CI: a test case per target");
  name_values(app, {{"--slow", "SECONDS"},
                    {"--max-downtime", "TIME"},
                    {"--max-window", "TIME"},
                    {"--junit", "FILE"}});
}

namespace {

/// A budget's time: 0, or a positive time.
std::optional<std::chrono::milliseconds> budget_time(const std::string& text,
                                                     std::string_view what) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds{0};
  return std::chrono::ceil<std::chrono::milliseconds>(positive_duration(text, what));
}

}  // namespace

std::optional<std::chrono::microseconds> slow_limit(const GateTexts& texts) {
  if (texts.slow.empty()) return std::nullopt;
  return std::chrono::ceil<std::chrono::microseconds>(positive_duration(texts.slow, "--slow"));
}

DowntimeBudget budget_of(const GateTexts& texts) {
  return {.total = budget_time(texts.max_downtime, "--max-downtime"),
          .window = budget_time(texts.max_window, "--max-window")};
}

}  // namespace upwatch
