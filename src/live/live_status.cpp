#include "upwatch/live/live_status.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "upwatch/core/duration.hpp"

namespace upwatch {

namespace {

constexpr std::string_view kRed = "1;31";
constexpr std::string_view kGreen = "1;32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kCyan = "1;36";

/// A time for a glance: "4.5s", "2m05s", "1h02m".
std::string glance(std::chrono::milliseconds value) {
  const auto ms = std::max<std::int64_t>(value.count(), 0);
  if (ms < 60'000) return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  const auto seconds = ms / 1000;
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
}

std::string window_span(const DowntimeWindow& window) {
  return fmt::format("{} failed probe{} (#{}-#{}): {}", window.failed,
                     window.failed == 1 ? "" : "s", window.first_sequence, window.last_sequence,
                     format_counts(window.outcomes));
}

/// `text` with every control character replaced by '?': what a server or a log says reaches
/// the terminal as text, never as a control.
std::string printable(std::string_view text) {
  std::string out{text};
  std::ranges::replace_if(
      out, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
  return out;
}

}  // namespace

LiveStatus::LiveStatus(WallTime start, std::chrono::nanoseconds interval, Colour colour,
                       std::string target)
    : start_(start),
      interval_(interval),
      colour_(colour),
      target_(std::move(target)),
      last_answer_(start) {}

void LiveStatus::on_probe(const JudgedProbe& probe) {
  if (probe.verdict == Verdict::abandoned) return;  // no answer: it says nothing of now
  last_outcome_ = probe.outcome;
  last_sequence_ = probe.sequence;
  last_answer_ =
      std::max(last_answer_,
               probe.sent + std::chrono::duration_cast<std::chrono::milliseconds>(probe.total));
  if (probe.verdict == Verdict::down) {
    ++failed_;
    last_failure_ = probe.sequence;
    const auto outcome = format_as(probe.outcome);
    cause_known_ = !probe.cause.empty() && probe.cause != outcome;
    last_cause_ = cause_known_ ? printable(probe.cause) : outcome;
    return;
  }
  recent_[recent_count_++ % kRecent] = probe.total;
}

void LiveStatus::on_version(std::uint64_t sequence, WallTime sent, const VersionNews& news) {
  auto found = std::ranges::find(versions_, news.name, &Version::name);
  if (found == versions_.end()) found = versions_.insert(versions_.end(), {.name = news.name});
  auto& version = *found;
  using Kind = VersionNews::Kind;
  switch (news.kind) {
    case Kind::first:
      version.latest = news.value;
      add_event(sent, "VERSION", kYellow,
                fmt::format("{} {} (#{})", news.name, news.value, sequence));
      return;
    case Kind::switched:
      version.latest = news.value;
      version.mixed_with.clear();
      add_event(sent, "VERSION", kYellow,
                fmt::format("{} {} answered first (#{}), after {}", news.name, news.value, sequence,
                            news.other));
      return;
    case Kind::mixing:
      version.mixed_with = news.other;
      return;
    case Kind::replaced:
      version.mixed_with.clear();
      return;
    case Kind::came_back:
      add_event(sent, "VERSION", kYellow,
                fmt::format("{} {} came back (#{}) after {} replaced it", news.name, news.value,
                            sequence, news.other));
      return;
  }
}

void LiveStatus::on_gap(const Gap& gap) {
  add_event(gap.start, "GAP", kYellow,
            fmt::format("{} not observed: {}", format_elapsed(gap.duration()), describe(gap)));
}

void LiveStatus::on_addresses(const AddressSet& set) {
  add_event(set.time, "ADDRESSES", kYellow,
            fmt::format("from #{}: {}", set.first_tick,
                        describe(set, addresses_.empty() ? nullptr : &addresses_)));
  addresses_ = set.addresses;
}

void LiveStatus::on_mark(const Mark& mark) {
  add_event(mark.time, "MARK", kCyan, printable(mark.text));
}

void LiveStatus::on_window_opened(const DowntimeWindow& window) {
  ++windows_;
  down_since_ = window.start;
  // What the first failure was, in words: "502 Bad Gateway from ...", "refused: connection
  // refused by ...".
  const auto outcome = window.outcomes.begin()->first;
  auto what = format_as(outcome);
  if (last_failure_ == window.first_sequence && last_cause_ != what) {
    what = outcome.transport == Transport::answered ? last_cause_ : what + ": " + last_cause_;
  }
  add_event(
      window.start, "DOWN", kRed,
      fmt::format("window {} began with #{}: {}{}", windows_, window.first_sequence, what,
                  window.began_in_gap ? " (after a gap: it may have begun earlier, unseen)" : ""));
}

void LiveStatus::on_window_closed(const DowntimeWindow& window) {
  down_since_.reset();
  const auto end = window.end.value_or(window.start);
  const auto lasted = format_elapsed(window.duration(end));
  if (window.ended_in_gap) {
    add_event(end, "GAP", kYellow,
              fmt::format("window {} cut short by a gap after {} (its true end is unknown): {}",
                          windows_, lasted, window_span(window)));
    return;
  }
  add_event(end, "UP", kGreen,
            fmt::format("window {} ended after {}: {}", windows_, lasted, window_span(window)));
}

std::vector<ScreenText> LiveStatus::take_events() { return std::exchange(events_, {}); }

ScreenText LiveStatus::status(WallTime now, std::uint64_t sent, std::size_t columns) const {
  const auto elapsed = std::max<std::int64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - start_).count(), 0);
  std::vector<ScreenText> fields{
      ScreenText{fmt::format("{}:{:02}:{:02}", elapsed / 3600, elapsed / 60 % 60, elapsed % 60)}};
  for (auto& field : state_fields(now, fmt::format("{} sent", sent))) {
    fields.push_back(std::move(field));
  }
  return fit(std::move(fields), columns);
}

ScreenText LiveStatus::lane(WallTime now, std::size_t columns) const {
  std::vector<ScreenText> fields{ScreenText{target_}};
  for (auto& field : state_fields(now, {})) fields.push_back(std::move(field));
  return fit(std::move(fields), columns);
}

std::vector<ScreenText> LiveStatus::state_fields(WallTime now, std::string sent) const {
  const auto painted = [this](const std::string& text, std::string_view sgr) {
    return ScreenText{paint(text, sgr), text.size()};
  };
  // Each field with its width on screen, most important first.
  std::vector<ScreenText> fields;
  if (!last_outcome_) {
    fields.push_back({"waiting for the first answer"});
  } else if (down_since_) {
    fields.push_back(painted("DOWN for " + glance(now - *down_since_), kRed));
    if (cause_known_) fields.push_back({.text = last_cause_, .shortened_to_fit = true});
  } else {
    fields.push_back(painted("UP", kGreen));
  }
  const auto silence = now - last_answer_;
  if (last_outcome_ &&
      silence > std::max<std::chrono::nanoseconds>(std::chrono::seconds{1}, 2 * interval_)) {
    fields.push_back(painted("no answer for " + glance(silence), kYellow));
  }
  if (!versions_.empty()) {
    const auto& version = versions_.front();
    fields.push_back(
        {version.mixed_with.empty()
             ? fmt::format("{} {}", version.name, version.latest)
             : fmt::format("{} {}+{}", version.name, version.mixed_with, version.latest)});
  }
  if (!sent.empty()) fields.push_back({std::move(sent)});
  fields.push_back({failed_ == 0 ? std::string{"no failures"}
                                 : fmt::format("{} failed in {} window{}", failed_, windows_,
                                               windows_ == 1 ? "" : "s")});
  if (last_outcome_) {
    fields.push_back({fmt::format("last #{} {}", last_sequence_, format_as(*last_outcome_))});
  }
  if (recent_count_ > 0) {
    auto recent = recent_;
    const auto count = std::min(recent_count_, kRecent);
    const auto middle = recent.begin() + static_cast<std::ptrdiff_t>((count - 1) / 2);
    std::nth_element(recent.begin(), middle, recent.begin() + static_cast<std::ptrdiff_t>(count));
    std::string p50 = "p50 ";
    append_millis(p50, *middle);
    fields.push_back({std::move(p50)});
  }
  if (failed_ > 0 && !down_since_) {
    fields.push_back({fmt::format("last failure #{}: {}", last_failure_, last_cause_)});
  }
  return fields;
}

ScreenText LiveStatus::fit(std::vector<ScreenText> fields, std::size_t columns) {
  ScreenText line;
  for (auto& field : fields) {
    if (field.width == 0) field.width = field.text.size();
    const auto separator = line.text.empty() ? 0U : 2U;
    const bool fits = line.width + separator + field.width <= columns;
    if (!fits) {
      constexpr std::size_t kShortest = 16;  // "connection re..." still says something
      const auto room = columns - std::min(columns, line.width + separator);
      if (!field.shortened_to_fit || room < kShortest) break;
      auto cut = room - 3;
      while (cut > 0 && (static_cast<unsigned char>(field.text[cut]) & 0xC0U) == 0x80U) --cut;
      field.text = field.text.substr(0, cut) + "...";
      field.width = cut + 3;
    }
    if (separator != 0) line.text += "  ";
    line.text += field.text;
    line.width += separator + field.width;
    if (!fits) break;
  }
  return line;
}

std::string LiveStatus::paint(std::string_view text, std::string_view sgr) const {
  if (colour_ == Colour::none) return std::string{text};
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

void LiveStatus::add_event(WallTime time, std::string_view label, std::string_view sgr,
                           std::string_view text) {
  const auto prefix = format_iso_utc(time) + "  " + (target_.empty() ? "" : target_ + "  ");
  events_.push_back({prefix + paint(label, sgr) + ": " + std::string{text},
                     prefix.size() + label.size() + 2 + text.size()});
}

std::vector<ScreenText> lane_lines(std::vector<const LiveStatus*> lanes, WallTime now,
                                   std::size_t columns, std::size_t rows) {
  std::ranges::stable_sort(lanes, [](const LiveStatus* a, const LiveStatus* b) {
    return std::pair{a->down(), a->failed()} > std::pair{b->down(), b->failed()};
  });
  const auto shown = lanes.size() <= rows ? lanes.size() : std::max<std::size_t>(rows, 1) - 1;
  std::vector<ScreenText> lines;
  for (std::size_t i = 0; i < shown; ++i) lines.push_back(lanes[i]->lane(now, columns));
  if (shown < lanes.size()) {
    const auto rest = lanes.size() - shown;
    const auto down = static_cast<std::size_t>(
        std::ranges::count_if(lanes.begin() + static_cast<std::ptrdiff_t>(shown), lanes.end(),
                              [](const LiveStatus* lane) { return lane->down(); }));
    auto text = fmt::format("... and {} more target{}, {}", rest, rest == 1 ? "" : "s",
                            down == 0 ? std::string{"all up"} : fmt::format("{} down", down));
    if (text.size() > columns) text.resize(columns);
    lines.push_back({text, text.size()});
  }
  return lines;
}

}  // namespace upwatch
