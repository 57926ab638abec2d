#include "upwatch/cli/command_line.hpp"

#include <ares.h>
#include <curl/curl.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "option_groups.hpp"
#include "upwatch/cli/options.hpp"
#include "upwatch/core/error.hpp"
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

/// Parses with `app`; --help and --version end in a CommandLine that only prints.
/// Options whose empty value means something, as in curl: -A "" sends no User-Agent, -d ""
/// an empty body.
constexpr std::array<std::string_view, 2> kMayBeEmpty = {"--user-agent", "--data"};

/// Refuses an empty value for every named option of `app` but kMayBeEmpty: one given by
/// mistake (an unset shell variable) would silently change what is probed or judged.
void refuse_empty_values(CLI::App& app) {
  for (auto* option : app.get_options()) {
    if (option->get_positional() || option->get_type_size() == 0 ||
        std::ranges::any_of(kMayBeEmpty, [&](std::string_view name) {
          return option->check_name(std::string{name});
        })) {
      continue;
    }
    option->check(CLI::Validator(
        [](std::string& value) { return value.empty() ? std::string{"an empty value"} : ""; }, ""));
  }
}

/// The message for arguments `app` did not expect (CLI11's `error`): the option meant when the
/// first of them is an option misspelt ("--tarck": did you mean "--track"?).
std::string unexpected(const CLI::App& app, const CLI::ExtrasError& error) {
  const auto extras = app.remaining();
  const auto help = fmt::format("try '{} --help'", app.get_name());
  if (extras.empty() || !extras.front().starts_with("--")) {
    return fmt::format("{}; {}", error.what(), help);
  }
  const auto given = std::string_view{extras.front()}.substr(0, extras.front().find('='));
  std::string closest;
  std::size_t fewest = 3;  // more edits than two is another word
  for (const auto* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      if (const auto edits = edit_distance(given.substr(2), name); edits < fewest) {
        fewest = edits;
        closest = "--" + name;
      }
    }
  }
  if (closest.empty()) return fmt::format("unknown option '{}'; {}", given, help);
  return fmt::format("unknown option '{}': did you mean '{}'?", given, closest);
}

std::optional<CommandLine> parse_or_print(CLI::App& app, int argc, const char* const* argv) {
  refuse_empty_values(app);
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
  } catch (const CLI::ExtrasError& error) {
    throw UsageError(unexpected(app, error));
  } catch (const CLI::ParseError& error) {
    throw UsageError(fmt::format("{}; try '{} --help'", error.what(), app.get_name()));
  }
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
  GateTexts gate;
  add_gate_options(app, gate, report.junit_path);
  name_values(app, {{"--run", "N"}, {"--track", "NAME"}, {"--html", "FILE"}});
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  report.slow = slow_limit(gate);
  report.budget = budget_of(gate);
  if (!run_text.empty()) report.run = whole_number(run_text, "--run", 1, kMaxRuns);
  if (!logs.empty()) report.logs = std::move(logs);
  report.track = track_names_of(track_names);
  return {.report = std::move(report)};
}

/// The time `text` names for `upwatch mark --at`: as the log writes it, the milliseconds
/// optional; throws UsageError otherwise.
WallTime mark_time(const std::string& text) {
  auto time = parse_iso_utc(text);
  if (!time && text.size() == 20 && text.ends_with('Z')) {
    time = parse_iso_utc(text.substr(0, 19) + ".000Z");
  }
  if (!time) {
    throw UsageError(
        fmt::format("bad --at '{}': expected a time in UTC as the log writes it, such as "
                    "2026-12-05T09:41:07.250Z or 2026-12-05T09:41:07Z",
                    shown(text)));
  }
  return *time;
}

CommandLine parse_mark_command_line(int argc, const char* const* argv) {
  MarkConfig mark;
  std::vector<std::string> words;
  CLI::App app{
      "upwatch mark: note an event (\"drained s1\", \"scaled to 3\") in a run's log, in one\n"
      "append, even while the run writes it. upwatch report tells the marks in time order\n"
      "with the windows of downtime, and draws them on the HTML timeline.",
      "upwatch mark"};
  describe(app, "Usage: upwatch mark [-o LOG] [--at TIME] TEXT...\n");
  app.footer(R"(
Examples:
  upwatch mark -o cutover.log drained s1
  upwatch mark -o cutover.log --at 2026-12-05T09:41:07.250Z launched s2 v2

Exit status:
  0    marked
  2    bad usage, or the log is not there or cannot be written)");
  app.add_option("TEXT", words, "what happened, one line (the words are joined by spaces)");
  app.add_option("-o,--log", mark.log_path, "the run's log (default testlog.log)");
  std::string at;
  app.add_option("--at", at,
                 "when it happened, in UTC as the log writes times (2026-12-05T09:41:07.250Z, "
                 "the milliseconds may be left out), rather than now");
  name_values(app, {{"--log", "FILE"}, {"--at", "TIME"}});
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  if (!at.empty()) mark.at = mark_time(at);
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
  RunOptionTexts texts;
  add_run_options(app, config, texts);
  if (auto printed = parse_or_print(app, argc, argv)) return std::move(*printed);
  take_run_options(config, texts);
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
