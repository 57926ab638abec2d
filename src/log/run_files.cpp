#include "upwatch/log/run_files.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "upwatch/core/error.hpp"
#include "upwatch/log/probe_jsonl.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {

RunLog::RunLog(const std::string& path, LogFile::LostFormat lost_format)
    : path_(path), file_(path, std::move(lost_format)) {}

void RunLog::open_run(std::string header) {
  if (!file_.open_run(std::move(header))) {
    spdlog::error(
        "cannot write log file '{}': {}; probing goes on, and the run's header will be written "
        "once it can be",
        path_, std::strerror(errno));
    failed_ = true;
  }
}

void RunLog::append(std::string_view text) {
  follow_if_moved();
  const auto was_lost = file_.lost();
  if (!file_.append(text)) {
    if (!was_lost) {
      spdlog::error(
          "cannot write log file '{}': {}; probing goes on, and what is lost will be "
          "recorded in it once it can be written again",
          path_, std::strerror(errno));
    }
    failed_ = true;
    return;
  }
  if (was_lost) {
    spdlog::warn("log file '{}' can be written again: {} records were lost from {} to {}", path_,
                 was_lost->records, format_iso_utc(was_lost->start), format_iso_utc(was_lost->end));
    lost_records_ += was_lost->records;
  }
}

std::optional<std::string> RunLog::loss_note() const {
  const auto lost = lost_records_ + (file_.lost() ? file_.lost()->records : 0);
  if (lost == 0) return std::nullopt;
  return fmt::format(
      "{} records could not be written to log file '{}': the log misses them, "
      "this summary does not",
      lost, path_);
}

void RunLog::follow_if_moved() {
  const auto now = std::chrono::steady_clock::now();
  if (!following_ || now - checked_ < std::chrono::seconds{1}) return;
  checked_ = now;
  if (!file_.moved()) return;
  spdlog::warn("log file '{}' was moved or deleted: the run goes on in a new '{}'", path_, path_);
  try {
    file_.reopen();
  } catch (const UsageError& error) {
    spdlog::error("{}; the run goes on in the file that was moved", error.what());
    failed_ = true;
    following_ = false;
    return;
  }
}

RunFiles::RunFiles(const Config& config, std::string run_id)
    : run_id_(std::move(run_id)), log_(config.log_path, [this](const LostRecords& lost) {
        return format_lost(lost, run_id_);
      }) {
  try {
    if (!config.jsonl_path.empty()) {
      jsonl_.emplace(config.jsonl_path,
                     [this](const LostRecords& lost) { return format_jsonl_lost(lost, run_id_); });
    }
  } catch (const UsageError&) {
    log_.file().discard_if_created();
    throw;
  }
  if (config.truncate_log) {
    log_.file().truncate();
    if (jsonl_) jsonl_->file().truncate();
  }
}

void RunFiles::open_run(const RunHeader& header) {
  log_.open_run(format_run_header(header));
  if (jsonl_) jsonl_->open_run(format_jsonl_run(header));
}

void RunFiles::record(const ProbeRecord& record) {
  log_.append(format_record(record, run_id_));
  if (jsonl_) jsonl_->append(format_jsonl_record(record, run_id_));
}

void RunFiles::gap(const Gap& gap) {
  log_.append(format_gap(gap, run_id_));
  if (jsonl_) jsonl_->append(format_jsonl_gap(gap, run_id_));
}

void RunFiles::addresses(const AddressSet& set) {
  log_.append(format_addresses(set, run_id_));
  if (jsonl_) jsonl_->append(format_jsonl_addresses(set, run_id_));
}

std::vector<Mark> RunFiles::take_marks() {
  std::vector<Mark> marks;
  const auto text = log_.file().take_appended();
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    if (auto mark = parse_mark(rest.substr(0, end))) marks.push_back(std::move(*mark));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return marks;
}

void RunFiles::note_losses(std::vector<std::string>& notes) const {
  for (const RunLog* each : {&log_, jsonl_ ? &*jsonl_ : nullptr}) {
    if (each == nullptr) continue;
    if (auto note = each->loss_note()) notes.push_back(std::move(*note));
  }
}

void RunFiles::end(std::string_view summary, WallTime end) {
  log_.append(format_summary_block(summary, end, run_id_));
  if (jsonl_) jsonl_->append(format_jsonl_end(end, run_id_));
}

}  // namespace upwatch
