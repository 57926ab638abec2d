#include <algorithm>

#include "upwatch/log/log_lines.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch {

void LogCollector::on_run(RunHeader header) { runs.push_back({.header = std::move(header)}); }

LogRun* LogCollector::find(std::string_view id) {
  if (runs.empty()) return nullptr;
  if (id.empty()) return &runs.back();
  const auto it =
      std::ranges::find_if(runs, [&](const LogRun& run) { return run.header.id == id; });
  return it == runs.end() ? nullptr : &*it;
}

void LogCollector::on_header(const RunHeader& header) {
  if (auto* run = find(header.id)) run->header = header;
}

void LogCollector::on_record(std::string_view run, ProbeRecord record) {
  if (auto* found = find(run)) found->records.push_back(std::move(record));
}

void LogCollector::on_gap(std::string_view run, const Gap& gap) {
  if (auto* found = find(run)) found->gaps.push_back(gap);
}

void LogCollector::on_addresses(std::string_view run, const AddressSet& set) {
  if (auto* found = find(run)) found->address_sets.push_back(set);
}

void LogCollector::on_lost(std::string_view run, const LostRecords& lost) {
  if (auto* found = find(run)) found->lost.push_back(lost);
}

void LogCollector::on_mark(const Mark& mark) {
  if (!runs.empty()) runs.back().marks.push_back(mark);
}

void LogCollector::on_end(std::string_view run, WallTime end) {
  if (auto* found = find(run)) found->end = end;
}

void LogCollector::on_bad_line(std::size_t number) { bad_lines.push_back(number); }

LogContents read_log(std::istream& in) {
  LogCollector collector;
  LineReader lines{in};
  read_log(lines, collector);
  return {.runs = std::move(collector.runs), .bad_lines = std::move(collector.bad_lines)};
}

}  // namespace upwatch
