#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/gap.hpp"
#include "upwatch/core/probe.hpp"
#include "upwatch/core/run.hpp"
#include "upwatch/log/log_file.hpp"
#include "upwatch/log/mark.hpp"

namespace upwatch {

/// A log the run appends to: when writes start to fail, and when they work again, the user
/// is told once; what was lost is remembered for the summary.
class RunLog {
 public:
  /// The log at `path`, opened to append; throws UsageError if it cannot be opened.
  RunLog(const std::string& path, LogFile::LostFormat lost_format);

  /// Writes the text that opens the run in the log; it is written again at the top of a file
  /// that takes the place of one that was moved away or emptied, or later if it failed.
  void open_run(std::string header);
  /// Appends `text`, following the file if it was moved; says so once when writes fail.
  void append(std::string_view text);
  /// Whether a write failed during the run.
  [[nodiscard]] bool failed() const { return failed_; }
  /// The file written.
  [[nodiscard]] LogFile& file() { return file_; }
  /// A note for the summary on records this log lost, if it lost any.
  [[nodiscard]] std::optional<std::string> loss_note() const;

 private:
  /// At most once a second: if the log was renamed or deleted (logrotate), says so and goes on
  /// in a new file of the same name, which opens with the run's header again.
  void follow_if_moved();

  std::string path_;
  LogFile file_;
  bool failed_ = false;
  std::uint64_t lost_records_ = 0;  ///< lost, and recorded as such in the log
  std::chrono::steady_clock::time_point checked_ = std::chrono::steady_clock::now();
  bool following_ = true;  ///< false once a new file could not be opened: said once, no more
};

/// The files a run appends to, its log and its --jsonl log, each record in each format.
class RunFiles {
 public:
  /// Opens the files of `config`'s run `run_id`, every one before any is changed: a log that
  /// cannot be opened leaves the others as they were (and removes one this run created).
  /// Throws UsageError.
  RunFiles(const Config& config, std::string run_id);

  /// Opens the run in each file.
  void open_run(const RunHeader& header);
  /// Appends a probe's record to each file.
  void record(const ProbeRecord& record);
  /// Appends a gap to each file.
  void gap(const Gap& gap);
  /// Appends a URL's new set of addresses to each file.
  void addresses(const AddressSet& set);
  /// The marks (upwatch mark) appended to the log since the last call, in the order written.
  [[nodiscard]] std::vector<Mark> take_marks();
  /// Adds to `notes` what the files lost, if anything.
  void note_losses(std::vector<std::string>& notes) const;
  /// Ends the run in each file, with `summary` in the log.
  void end(std::string_view summary, WallTime end);
  /// Whether a file could not be written during the run.
  [[nodiscard]] bool failed() const { return log_.failed() || (jsonl_ && jsonl_->failed()); }

 private:
  std::string run_id_;
  RunLog log_;
  std::optional<RunLog> jsonl_;
};

}  // namespace upwatch
