// libFuzzer target over every log reader, and the reports rendered from what they read.
// Run by scripts/fuzz.sh; the seed corpus is tests/fuzz/corpus.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "upwatch/analysis/logged_run.hpp"
#include "upwatch/log/probe_jsonl.hpp"
#include "upwatch/log/probe_log.hpp"
#include "upwatch/log/script_log.hpp"
#include "upwatch/report/report.hpp"

namespace {

/// Checks what the readers hand over, as a report would use it. Records, gaps, address sets
/// and lost records may come outside any run: those of a log whose header is missing.
struct Checker final : upwatch::LogVisitor {
  void on_run(upwatch::RunHeader header) override { in_run = header.interval.count() > 0; }
  void on_header(const upwatch::RunHeader& header) override {
    if (!in_run) __builtin_trap();  // a header completed outside a run
    static_cast<void>(upwatch::format_run_header(header));
  }
  void on_bad_line(std::size_t) override {}
  void on_record(std::string_view, upwatch::ProbeRecord record) override {
    static_cast<void>(upwatch::format_record(record));
    static_cast<void>(upwatch::format_jsonl_record(record));
  }
  void on_gap(std::string_view, const upwatch::Gap& gap) override {
    static_cast<void>(upwatch::format_gap(gap));
    static_cast<void>(upwatch::format_jsonl_gap(gap));
  }
  void on_addresses(std::string_view, const upwatch::AddressSet& set) override {
    static_cast<void>(upwatch::format_addresses(set));
    static_cast<void>(upwatch::format_jsonl_addresses(set));
  }
  void on_lost(std::string_view, const upwatch::LostRecords& lost) override {
    static_cast<void>(upwatch::format_lost(lost));
    static_cast<void>(upwatch::format_jsonl_lost(lost));
  }
  void on_mark(const upwatch::Mark& mark) override {
    static_cast<void>(upwatch::format_mark(mark));
  }
  void on_end(std::string_view, upwatch::WallTime end) override {
    static_cast<void>(upwatch::format_iso_utc(end));
  }
  bool in_run = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  {
    std::istringstream in{text};
    upwatch::LineReader lines{in};
    Checker checker;
    upwatch::read_log(lines, checker);
  }
  {
    std::istringstream in{text};
    upwatch::LineReader lines{in};
    Checker checker;
    upwatch::read_jsonl(lines, checker);
  }
  {
    std::istringstream in{text};
    upwatch::LineReader lines{in};
    Checker checker;
    upwatch::read_script_log(lines, checker);
  }
  std::istringstream in{text};
  const auto reading = upwatch::read_runs(in);
  for (const auto& run : reading.all) {
    static_cast<void>(upwatch::render_report(run.info, run.results));
    static_cast<void>(upwatch::render_report_json(run.info, run.results));
  }
  static_cast<void>(upwatch::render_run_list(reading.all));
  return 0;
}
