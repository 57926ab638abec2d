#include "upwatch/analysis/logged_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "upwatch/core/duration.hpp"
#include "upwatch/core/tracking.hpp"
#include "upwatch/log/log_lines.hpp"
#include "upwatch/log/probe_jsonl.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/log/script_log.hpp"

namespace upwatch {

namespace {

/// The most runs of a log kept open at once (begun, not ended); when another begins, the
/// one begun first is closed as it stands. Memory stays bounded whatever the log.
constexpr std::size_t kOpenRunsKept = 16;
/// The line numbers kept for the warning about lines that could not be read.
constexpr std::size_t kBadLinesKept = 20;
/// The URL of a run whose header, and records, do not name it.
constexpr std::string_view kUnknownUrl = "(unknown: not in the log)";
/// The most lines read ahead at the start of a log for upwatch's first marker line.
constexpr std::size_t kLookAhead = 256;

}  // namespace

/// Builds one LoggedRun per run as the readers hand over headers, records and ends, and hands
/// each to `on_closed` the moment it ends, so that a log of any number of runs is read in
/// bounded memory. Lines of a run are told apart by its identifier, not by their position.
class RunBuilder final : public LogVisitor {
 public:
  RunBuilder(std::function<void(LoggedRun&&)> on_closed, Timelines timelines,
             std::vector<std::string> track, std::optional<std::chrono::microseconds> slow)
      : on_closed_(std::move(on_closed)),
        timelines_(timelines),
        track_(std::move(track)),
        slow_(slow) {}
  /// Where what is read from the log being read goes.
  void reading(LogReading* reading) { reading_ = reading; }
  RunBuilder(const RunBuilder&) = delete;
  RunBuilder& operator=(const RunBuilder&) = delete;
  ~RunBuilder() override = default;

  void on_run(RunHeader header) override {
    ++reading_->runs;
    if (!header.id.empty() && find(header.id) != nullptr) return;  // a log reopened mid-run
    if (header.id.empty()) {
      if (auto* unnamed = find_named("")) close(*unnamed);  // runs without id follow each other
    }
    if (open_.size() == kOpenRunsKept) close(open_.front());
    auto expectation = StatusExpectation::parse(header.expect);
    const auto interval = header.interval;
    const auto start = header.start;
    for (const auto& name : track_) {
      if (std::ranges::find(header.track, name) == header.track.end()) header.track.push_back(name);
    }
    if (slow_) header.slow = slow_;
    TargetsAnalysis analysis{expectation.value_or(StatusExpectation{}).slower_than(header.slow),
                             interval,
                             header.track,
                             all_urls(header.url, header.more_urls),
                             header.each_address,
                             header.both_connections};
    open_.push_back({.header = std::move(header),
                     .analysis = std::move(analysis),
                     .expectation_known = expectation.has_value(),
                     .last_activity = start});
    if (timelines_ == Timelines::build) draw(open_.back(), start);
  }

  void on_header(const RunHeader& header) override {
    auto* run = find(header.id);
    if (run == nullptr) return;
    auto track = std::move(run->header.track);  // what the analysis follows, as it began
    run->header = header;
    run->header.track = std::move(track);
  }

  void on_record(std::string_view id, ProbeRecord record) override {
    auto* run = run_of(id, record.sequence, record.sent, record.url, !record.address.empty(),
                       !record.connection.empty());
    if (run->headless && (record.sequence < run->first_tick ||
                          (!record.url.empty() && record.url != run->header.url))) {
      ++run->left_out;  // sent before the log begins, or of a URL it cannot place
      return;
    }
    if (run->headless && record.role == Role::target) {
      run->last_tick = std::max(run->last_tick, std::pair{record.sequence, record.sent});
    }
    run->last_activity =
        std::max(run->last_activity,
                 record.sent + std::chrono::duration_cast<std::chrono::milliseconds>(record.total));
    track_from_headers(record, run->header.track);
    run->analysis.add(record);
    ++run->records;
  }

  void on_gap(std::string_view id, const Gap& gap) override {
    auto* run = run_of(id, gap.first_tick, gap.start);
    run->last_activity = std::max(run->last_activity, gap.end);
    run->analysis.add_gap(gap);
  }

  void on_addresses(std::string_view id, const AddressSet& set) override {
    auto* run = run_of(id, set.first_tick, set.time, set.url, true);
    run->analysis.add_addresses(set);
  }

  void on_lost(std::string_view id, const LostRecords& lost) override {
    auto* run = run_of(id, 0, lost.start);
    run->log_incomplete = true;
    run->notes.push_back(fmt::format(
        "{} could not be written to this log from {} to {} (it was full, or its reader fell "
        "behind): the probes missing from it are gaps, not uptime",
        lost.records == 1 ? "1 record" : fmt::format("{} records", lost.records),
        format_iso_utc(lost.start), format_iso_utc(lost.end)));
  }

  void on_mark(const Mark& mark) override {
    auto* run = find("");
    if (run == nullptr) return;
    if (run->marks.size() < kMarksListed) {
      run->marks.push_back(mark);
    } else {
      ++run->marks_unlisted;
    }
  }

  void on_end(std::string_view id, WallTime end) override {
    auto* run = run_of(id, 0, end);
    run->end = end;
    close(*run);
  }

  void on_bad_line(std::size_t number) override {
    ++reading_->bad_line_count;
    if (reading_->bad_lines.size() < kBadLinesKept) reading_->bad_lines.push_back(number);
  }

  /// Closes the runs still open at the end of the log, in the order they began.
  void finish() {
    while (!open_.empty()) close(open_.front());
  }

 private:
  struct Open {
    RunHeader header;
    TargetsAnalysis analysis;
    bool expectation_known = true;
    std::optional<WallTime> end;
    WallTime last_activity;
    std::uint64_t records = 0;
    std::vector<std::string> notes;
    std::vector<Mark> marks;
    std::uint64_t marks_unlisted = 0;
    /// Where the analysis tells each target's events, by URL and address, if drawn; apart,
    /// so that it stays where the analysis' observers point as runs open and close.
    std::unique_ptr<std::map<std::pair<std::string, std::string>, Timeline>> timelines;
    bool headless = false;                          ///< its header is not in the log
    std::uint64_t first_tick = 0;                   ///< of a headless run: the first in the log
    std::pair<std::uint64_t, WallTime> first_seen;  ///< a headless run's first probe
    std::pair<std::uint64_t, WallTime> last_tick;   ///< and the last tick it probed
    std::uint64_t left_out = 0;   ///< a headless run's records that could not be placed
    bool log_incomplete = false;  ///< its log says records could not be written to it
  };

  /// The open run `id`; if the log holds no header of it (an excerpt, a log truncated by
  /// logrotate's copytruncate, a header never written), a run begun here, at tick `tick`
  /// sent at `at`, of `url`, its addresses probed each if `each_address`, on both kinds of
  /// connection if `both_connections`.
  Open* run_of(std::string_view id, std::uint64_t tick, WallTime at, const std::string& url = {},
               bool each_address = false, bool both_connections = false) {
    if (auto* run = find(id)) return run;
    ++reading_->runs;
    if (open_.size() == kOpenRunsKept) close(open_.front());
    RunHeader header{.id = std::string{id},
                     .start = std::chrono::floor<std::chrono::milliseconds>(at),
                     .url = url.empty() ? std::string{kUnknownUrl} : url,
                     .each_address = each_address,
                     .both_connections = both_connections};
    header.slow = slow_;
    TargetsAnalysis analysis{StatusExpectation{}.slower_than(slow_),
                             std::chrono::nanoseconds{0},
                             track_,
                             {header.url},
                             each_address,
                             both_connections};
    analysis.begin_at(tick);
    header.track = track_;
    open_.push_back({.header = std::move(header),
                     .analysis = std::move(analysis),
                     .last_activity = at,
                     .headless = true,
                     .first_tick = tick,
                     .first_seen = {tick, at},
                     .last_tick = {tick, at}});
    if (timelines_ == Timelines::build) draw(open_.back(), at);
    return &open_.back();
  }

  /// Draws each target of `run`, begun at `start`, on a Timeline of its own.
  static void draw(Open& run, WallTime start) {
    run.timelines = std::make_unique<std::map<std::pair<std::string, std::string>, Timeline>>();
    run.analysis.observe_each([timelines = run.timelines.get(), start](const std::string& url,
                                                                       const std::string& address) {
      return &timelines->try_emplace({url, address}, start).first->second;
    });
  }

  Open* find_named(std::string_view id) {
    const auto it =
        std::ranges::find_if(open_, [&](const Open& run) { return run.header.id == id; });
    return it == open_.end() ? nullptr : &*it;
  }

  /// The open run named `id`, or for "" the last begun.
  Open* find(std::string_view id) {
    if (id.empty()) return open_.empty() ? nullptr : &open_.back();
    return find_named(id);
  }

  void close(Open& run) {
    RunInfo info = run_info_of(run.header, run.end.value_or(run.last_activity));
    info.notes = std::move(run.notes);
    info.marks = std::move(run.marks);
    info.marks_unlisted = run.marks_unlisted;
    info.log_incomplete = run.log_incomplete;
    std::vector<std::string> unknown;
    if (run.headless) {
      unknown.emplace_back("its header is not in the log");
      info.notes.push_back(headless_note(run, info));
    }
    if (!run.end) {
      unknown.emplace_back("its end is not in the log");
      info.notes.emplace_back(
          "this run ended without writing its summary (killed, or its disk full?): END is the "
          "end of its last record, and what came after it is unknown");
    }
    if (!run.expectation_known) {
      info.notes.push_back("the log's --expect '" + run.header.expect +
                           "' is unreadable: statuses below 500 were counted as up");
    }
    if (run.header.version == kScriptLogVersion) {
      info.latency_recorded = false;
      info.notes.emplace_back(
          "read from the bash loop's log: times come from the servers' date: headers, to the "
          "second, and it cannot show refused, reset or timed-out probes, which curl never wrote "
          "to it");
    }
    auto results = std::move(run.analysis).finish();
    if (!unknown.empty()) {
      auto why = unknown.size() == 1 ? unknown.front()
                                     : fmt::format("{} and {}", unknown.front(), unknown.back());
      for (auto& target : results.targets) target.analysis.incomplete = why;
    }
    LoggedRun closed{.info = std::move(info),
                     .results = std::move(results),
                     .records = run.records,
                     .summarized = run.end.has_value()};
    if (run.timelines) {
      for (const auto& target : closed.results.targets) {
        auto drawn = run.timelines->extract({target.url, target.address});
        closed.timelines.push_back(drawn ? std::move(drawn.mapped()) : Timeline{closed.info.start});
      }
    }
    open_.erase(open_.begin() + (&run - open_.data()));
    on_closed_(std::move(closed));
  }

  /// What a headless run's report can and cannot know; sets the interval of `info` from its
  /// records.
  static std::string headless_note(const Open& run, RunInfo& info) {
    const auto& [first_tick, first_sent] = run.first_seen;
    const auto& [last_tick, last_sent] = run.last_tick;
    std::string interval = "unknown";
    if (last_tick > first_tick) {
      const auto estimate = std::chrono::round<std::chrono::milliseconds>(
          (last_sent - first_sent) / static_cast<std::int64_t>(last_tick - first_tick));
      if (estimate > std::chrono::milliseconds::zero() && estimate <= kLongestDuration) {
        info.interval = estimate;
        interval = "estimated from its records";
      }
    }
    auto note = fmt::format(
        "the log holds no header of this run (it begins inside it: an excerpt, a log truncated "
        "by logrotate's copytruncate, or a header that could not be written): START is its "
        "first record, INT is {}, its --expect is unknown (statuses below 500 were counted as "
        "up), and its verdict can be no better than inconclusive",
        interval);
    if (run.left_out > 0) {
      note += fmt::format(
          "; {} of its records could not be placed (sent before the first, or "
          "of another URL) and were left out",
          run.left_out);
    }
    return note;
  }

  std::function<void(LoggedRun&&)> on_closed_;
  Timelines timelines_;
  std::vector<std::string> track_;                 ///< names to follow in every run besides its own
  std::optional<std::chrono::microseconds> slow_;  ///< --slow, over what the logs say
  LogReading* reading_ = nullptr;
  std::vector<Open> open_;  ///< in the order they began
};

std::string_view format_as(LogFormat format) {
  switch (format) {
    case LogFormat::text:
      return "upwatch log";
    case LogFormat::jsonl:
      return "upwatch JSON Lines log";
    case LogFormat::script:
      return "bash loop log";
  }
  return "log";
}

LogFormat detect_format(std::string_view first_line) {
  if (first_line.starts_with("{")) return LogFormat::jsonl;
  if (first_line.starts_with("HTTP/") || first_line.starts_with("START: "))
    return LogFormat::script;
  return LogFormat::text;
}

RunReader::RunReader(std::function<void(LoggedRun&&)> on_run, Timelines timelines,
                     std::vector<std::string> track, std::optional<std::chrono::microseconds> slow)
    : builder_(std::make_unique<RunBuilder>(std::move(on_run), timelines, std::move(track), slow)) {
}

RunReader::~RunReader() = default;

LogReading RunReader::read(std::istream& in) {
  LineReader lines{in};
  // The first lines, up to upwatch's first marker line: what they are says how to read them.
  std::vector<std::string> ahead;
  auto kind = LogLineKind::other;
  for (std::string line; ahead.size() < kLookAhead && lines.next(line);) {
    if (ahead.empty() && line.empty()) continue;
    kind = log_line_kind(line);
    ahead.push_back(std::move(line));
    if (kind != LogLineKind::other || ahead.front().starts_with('{')) break;
  }
  LogReading reading{.format = ahead.empty() ? LogFormat::text : detect_format(ahead.front())};
  builder_->reading(&reading);
  if (kind == LogLineKind::marker && ahead.size() > 1) {
    // A record, gap or end of a run with no header before it: the log begins inside a run (an
    // excerpt, a log truncated by copytruncate), and the lines before it end a record or a
    // summary whose start is not in the log.
    reading.format = LogFormat::text;
    const auto first_number = lines.number() - ahead.size() + 1;
    for (std::size_t i = 0; i + 1 < ahead.size(); ++i) {
      if (!ahead[i].empty()) builder_->on_bad_line(first_number + i);
    }
    ahead.erase(ahead.begin(), ahead.end() - 1);
  }
  // Given back last first, so that they are read again in order.
  for (; !ahead.empty(); ahead.pop_back()) lines.push_back(std::move(ahead.back()));
  if (reading.format == LogFormat::jsonl) {
    read_jsonl(lines, *builder_);
  } else {
    // The bash loop's log and upwatch's may follow each other in one file (both default to
    // testlog.log): each reader stops where the other's lines begin.
    auto format = reading.format;
    for (std::string line; lines.next(line);) {
      lines.push_back(std::move(line));
      if (format == LogFormat::script) {
        read_script_log(lines, *builder_);
        format = LogFormat::text;
      } else {
        read_log(lines, *builder_);
        format = LogFormat::script;
      }
    }
  }
  builder_->reading(nullptr);
  return reading;
}

void RunReader::finish() {
  LogReading unused;
  builder_->reading(&unused);
  builder_->finish();
  builder_->reading(nullptr);
}

LogReading read_runs(std::istream& in) {
  std::vector<LoggedRun> runs;
  RunReader reader{[&](LoggedRun&& run) { runs.push_back(std::move(run)); }};
  auto reading = reader.read(in);
  reader.finish();
  reading.all = std::move(runs);
  return reading;
}

std::string render_run_list_header() {
  return fmt::format("{:<4} {:<24} {:<24} {:>7} {:>7} {:>7} {:>12} {:>12} {:<12} {:<7} {}\n", "RUN",
                     "START", "END", "PROBES", "FAILED", "WINDOWS", "DOWNTIME", "UNOBSERVED",
                     "VERDICT", "SUMMARY", "URL");
}

std::string render_run_row(std::size_t number, const LoggedRun& run) {
  const auto& info = run.info;
  std::uint64_t probes = 0;
  std::uint64_t failed = 0;
  std::uint64_t windows = 0;
  std::chrono::milliseconds downtime{0};
  std::chrono::milliseconds unobserved{0};
  for (const auto& target : run.results.targets) {
    if (!target.address.empty()) continue;  // counted in its URL's, as users saw it
    const auto& analysis = target.analysis;
    probes += analysis.probes();
    failed += analysis.down;
    windows += analysis.windows.size() + analysis.unlisted_windows.count;
    downtime += analysis.downtime(info.end);
    unobserved = std::max(unobserved, analysis.unobserved());
  }
  std::string url = info.url;
  if (!info.more_urls.empty()) url += fmt::format(" (and {} more)", info.more_urls.size());
  if (run.results.each_address) url += " at each address";
  if (run.results.both_connections) url += " on both kinds of connection";
  return fmt::format("{:<4} {:<24} {:<24} {:>7} {:>7} {:>7} {:>12} {:>12} {:<12} {:<7} {}\n",
                     number, format_iso_utc(info.start), format_iso_utc(info.end), probes, failed,
                     windows, format_elapsed(downtime), format_elapsed(unobserved),
                     format_as(run.results.verdict()), run.summarized ? "yes" : "no", url);
}

std::string render_run_list(const std::vector<LoggedRun>& runs) {
  std::string out = render_run_list_header();
  for (std::size_t i = 0; i < runs.size(); ++i) out += render_run_row(i + 1, runs[i]);
  return out;
}

}  // namespace upwatch
