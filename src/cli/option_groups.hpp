#pragma once

// The options of a run, group by group: private to cli/.

#include <CLI/CLI.hpp>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "upwatch/core/config.hpp"

namespace upwatch {

/// Makes a repeatable option take exactly one value per use, so that none can swallow URL or
/// INTERVAL.
void one_each(CLI::Option* option);

/// Gives each named option of `app` the kind of value --help shows for it.
void name_values(CLI::App& app, std::initializer_list<std::pair<const char*, const char*>> options);

/// What a deploy gate's options bind as given: --slow, --max-downtime, --max-window.
struct GateTexts {
  std::string slow;
  std::string max_downtime;
  std::string max_window;
};

/// Adds the options of a deploy gate to `app` (a run's or a report's): --slow,
/// --max-downtime, --max-window, bound to `texts`, and --junit, bound to `junit_path`.
void add_gate_options(CLI::App& app, GateTexts& texts, std::string& junit_path);

/// The --slow limit of `texts`, if given; throws UsageError if it is not a time.
[[nodiscard]] std::optional<std::chrono::microseconds> slow_limit(const GateTexts& texts);

/// The budget of `texts`; throws UsageError for a value that is not a time.
[[nodiscard]] DowntimeBudget budget_of(const GateTexts& texts);

/// What a run's options bind as given, before they are checked into a Config.
struct RunOptionTexts {
  std::vector<std::string> positionals;  ///< the URLs, then INTERVAL if given so
  std::string url_file;
  std::string interval;  ///< -i
  std::string max_time = "5";
  std::string connect_timeout;
  std::string duration;
  std::string expect;
  std::string count;
  std::string parallel_max;
  std::string data;
  std::string max_redirs;
  std::string linger;
  std::string connections;
  std::vector<std::string> headers;
  std::vector<std::string> track;
  GateTexts gate;
  CLI::Option* method = nullptr;  ///< -X, to tell whether it was given
  bool http1_1 = false;
  bool http2 = false;
  bool tls1_2 = false;
  bool tls1_3 = false;
  bool ipv4 = false;
  bool ipv6 = false;
  bool keep_alive = false;
  bool live = false;
  bool no_live = false;
};

/// Adds every option of a run to `app`, bound to `config` and `texts`, group by group in the
/// order --help lists them.
void add_run_options(CLI::App& app, Config& config, RunOptionTexts& texts);

/// Checks what `app` parsed into `config` and `texts`, and completes `config` with it: the
/// targets, times, request, TLS, where to connect, and what to show. Throws UsageError with a
/// one-line message naming the option at fault.
void take_run_options(Config& config, RunOptionTexts& texts);

}  // namespace upwatch
