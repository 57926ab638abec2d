#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/unique_fd.hpp"
#include "upwatch/live/live_status.hpp"

namespace spdlog::sinks {
class sink;
}

namespace upwatch {

/// Whether to show the live view: never when quiet; in `automatic` mode, only on a terminal.
[[nodiscard]] bool live_view_wanted(LiveMode mode, bool quiet, bool on_terminal);
/// Whether to colour it: only on a terminal, and not when NO_COLOR is set to anything but ""
/// (no-color.org) or TERM is "dumb". Either variable may be nullptr (unset).
[[nodiscard]] Colour colour_wanted(bool on_terminal, const char* no_color, const char* term);

/// The live view on stderr: lines of events scroll up above one status line that is redrawn in
/// place with a carriage return (no other control sequence, so a dumb terminal shows it too);
/// for a run of several targets (URLs, addresses), above a line per target, the worst first,
/// redrawn by moving the cursor up (on a dumb terminal: the worst one's line alone).
/// Writing never holds up the probes: a terminal or pipe is reopened non-blocking, and what it
/// cannot take at once waits (event lines) or is dropped (a status line, redrawn later). While
/// the view lives, upwatch's own messages go through it, above the status line.
class LiveView {
 public:
  /// A view of a run that started at `start`, probing every `interval`: of its first URL, or,
  /// if `several`, of each of its targets, each observed through target().
  LiveView(WallTime start, std::chrono::nanoseconds interval, Colour colour, bool several = false);
  /// Prints the last events, erases the status line, writes what waits (for at most a
  /// second), and gives upwatch's messages back to stderr.
  ~LiveView();
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  /// What the run's analysis tells the events of its first URL to (a run of one target).
  [[nodiscard]] AnalysisObserver& observer() { return status_; }
  /// What the run's analysis tells the events of the target `url` at `address` ("" for the
  /// URL) to, made on first need (a run of several targets); it lives as long as this.
  [[nodiscard]] AnalysisObserver* target(const std::string& url, const std::string& address);
  /// The observers made by target(), to be taken back from the analysis before this goes.
  [[nodiscard]] std::vector<AnalysisObserver*> targets() const;
  /// Shows a URL's new set of addresses (--each-address) among the events.
  void on_addresses(const AddressSet& set) { status_.on_addresses(set); }
  /// As LiveStatus::on_mark.
  void on_mark(const Mark& mark) { status_.on_mark(mark); }
  /// Prints the events since the last refresh, then redraws the status line.
  void refresh(WallTime now, std::uint64_t sent);
  /// Prints one line above the status line.
  void print_line(const ScreenText& line);
  /// Erases the status line, so that other output on the terminal starts on a clean line;
  /// the next refresh draws it again.
  void erase();

 private:
  /// `line` written over the status line, from the start of the row, blanking what is left;
  /// over the whole status area if it has several lines.
  [[nodiscard]] std::string overwrite(const ScreenText& line) const;
  /// Prints the events of every target since the last call, in time order.
  void print_events();
  /// The status area at `now`: one line, or a line per target.
  [[nodiscard]] std::vector<ScreenText> status_lines(WallTime now, std::uint64_t sent) const;
  /// The terminal's height in rows (24 when it is not a terminal).
  [[nodiscard]] std::size_t rows() const;
  /// Queues `text` and writes what the terminal takes without waiting.
  void write(std::string_view text);
  /// Writes what is queued, waiting at most `limit` for the terminal to take it.
  void drain(std::chrono::milliseconds limit);
  /// The terminal's width in columns (COLUMNS, or 80, when it is not a terminal).
  [[nodiscard]] std::size_t columns() const;

  LiveStatus status_;  ///< the first URL's, or (several) the run's own events: marks, addresses
  WallTime start_;
  std::chrono::nanoseconds interval_;
  Colour colour_;
  bool several_;
  bool cursor_moves_;  ///< the terminal moves its cursor up (not TERM=dumb)
  std::vector<std::unique_ptr<LiveStatus>> lanes_;  ///< each target's, when several
  UniqueFd fd_;
  std::string pending_;          ///< written to the view but not yet taken by the terminal
  std::size_t drawn_ = 0;        ///< the width of the status line on screen; 0 when there is none
  std::size_t drawn_lines_ = 0;  ///< the lines of the status area on screen
  std::vector<std::shared_ptr<spdlog::sinks::sink>> saved_sinks_;  ///< stderr's, given back
};

}  // namespace upwatch
