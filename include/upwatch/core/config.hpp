#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/probe.hpp"
#include "upwatch/core/url.hpp"

namespace upwatch {

/// The HTTP version to ask for.
enum class HttpVersion : std::uint8_t { automatic, http1_1, http2 };
/// The oldest TLS version a probe accepts (--tlsv1.2, --tlsv1.3).
enum class TlsMinimum : std::uint8_t { any, v1_2, v1_3 };
/// When the live view is shown.
enum class LiveMode : std::uint8_t {
  automatic,  ///< when stderr is a terminal
  on,         ///< --live: also on a pipe or a file
  off,        ///< --no-live
};

/// Whether probes may reuse connections.
enum class Connections : std::uint8_t {
  fresh,       ///< a new connection and look-up per probe, as the bash loop's curl made
  keep_alive,  ///< connections and look-ups reused
  both,        ///< each tick a probe of each kind, each kind a target of its own
};

/// One URL a run probes, checked.
struct TargetUrl {
  std::string url;                     ///< as libcurl is to be given it
  Endpoint endpoint;                   ///< its host and port
  std::optional<Endpoint> lookup;      ///< the name upwatch resolves for its probes, nullopt if
                                       ///< there is none (an address, --resolve)
  std::vector<std::string> addresses;  ///< with --each-address and no look-up: the addresses
                                       ///< its probes go to (its host's, --resolve's)
};

/// The most URLs one run probes.
inline constexpr std::size_t kMaxUrls = 10000;

/// The most probes -c may ask for: a thousand a second for over thirty years.
inline constexpr std::uint64_t kMostProbes = 1'000'000'000'000;

/// Everything a run needs, bound from the command line.
struct Config {
  std::vector<TargetUrl> targets;  ///< in the order given, at least one, no two alike
  bool each_address = false;       ///< probe every address of each URL's name at every tick
  std::string control_url;         ///< --control: also probed at every tick, unless empty
  std::chrono::nanoseconds interval = std::chrono::seconds{1};
  std::string log_path = "testlog.log";
  bool truncate_log = false;
  std::chrono::nanoseconds max_time = std::chrono::seconds{5};
  std::optional<std::chrono::nanoseconds> connect_timeout;
  std::string method = "HEAD";
  std::string data;        ///< -d: the body of each request (POST unless -X says otherwise)
  std::string user_agent;  ///< -A: the User-Agent header; upwatch/VERSION by default
  std::string interface;   ///< --interface: the network interface or address to probe from
  std::string user;        ///< -u: "USER:PASSWORD" for HTTP authentication; never logged
  bool location = false;   ///< -L: follow redirects, each hop named in the record
  long max_redirs = 50;    ///< --max-redirs: the most redirects one probe follows
  std::vector<std::string> headers;
  bool insecure = false;
  std::string cacert;
  std::string cert;  ///< --cert: the client certificate (PEM) for mutual TLS, or ""
  std::string key;   ///< --key: its private key, if not in the certificate's file
  TlsMinimum tls_minimum = TlsMinimum::any;
  HttpVersion http_version = HttpVersion::automatic;
  std::vector<std::string> resolve;
  std::vector<std::string> connect_to;
  IpVersion ip_version = IpVersion::any;
  std::string proxy;        ///< -x: "" for none (the environment's proxy variables are ignored)
  std::string noproxy;      ///< --noproxy: hosts reached without the proxy
  std::string dns_servers;  ///< --dns-servers: "IP[:PORT],..."; "" for the system's
  std::optional<Endpoint> control_lookup;  ///< the name upwatch resolves for the control URL
  Connections connections = Connections::fresh;
  StatusExpectation expectation;
  std::optional<std::chrono::nanoseconds> duration;
  std::optional<std::uint64_t> count;
  std::uint64_t parallel_max = 100;  ///< by default 100 for each URL
  std::string jsonl_path;            ///< also log each probe as JSON Lines here, unless empty
  std::string junit_path;            ///< also write the verdict as JUnit XML here, unless empty
  DowntimeBudget budget;             ///< --max-downtime, --max-window
  std::vector<std::string> track;    ///< --track: header names, lower case
  std::string track_body;            ///< --track-body: a pattern with a capture group, or ""
  LiveMode live = LiveMode::automatic;
  std::string vantage;  ///< --vantage: where the run watches from; the host name by default
  std::optional<ListenAddress> metrics_listen;  ///< --metrics-listen: serve metrics there
  std::string metrics_listen_text;              ///< --metrics-listen as given, for messages
  std::chrono::nanoseconds metrics_linger{0};   ///< --metrics-linger: wait for a last scrape
  bool quiet = false;                           ///< -q: nothing on stderr but errors
};

}  // namespace upwatch
