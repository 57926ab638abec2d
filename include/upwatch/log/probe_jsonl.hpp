#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "upwatch/log/log_lines.hpp"
#include "upwatch/log/probe_log.hpp"

/// The JSON Lines log (--jsonl), written and read here and nowhere else: one JSON object per
/// line, each with a "type":
///
///   {"type":"run","run":"3f9a1c2e","version":"0.1.0","start":"2026-11-26T10:00:00.000Z","interval_s":0.05,
///    "expect":"100-499","proxy":null,"control":null,"url":"http://127.0.0.1:8080/health"}
///   {"type":"probe","run":"3f9a1c2e","seq":0,"role":"target","sent":"2026-11-26T10:00:00.000Z","outcome":"200",
///    "status":200,"error":null,"total_us":412,"remote":"127.0.0.1:8080","http_version":"1.1",
///    "status_line":"HTTP/1.1 200 OK","headers":[["Server","nginx/1.22.1"]]}
///   {"type":"gap","start":"2026-11-26T10:00:00.050Z","end":"2026-11-26T10:00:02.050Z",
///    "first":1,"ticks":40,"cause":"stalled"}
///   {"type":"lost","start":"2026-11-26T10:00:03.000Z","end":"2026-11-26T10:00:04.100Z",
///    "records":22}
///   {"type":"end","end":"2026-11-26T10:00:12.345Z"}
namespace upwatch {

/// The line that opens a run.
[[nodiscard]] std::string format_jsonl_run(const RunHeader& header);
/// The line of one probe of run `run`.
[[nodiscard]] std::string format_jsonl_record(const ProbeRecord& record, std::string_view run = {});
/// The line of one gap of run `run`.
[[nodiscard]] std::string format_jsonl_gap(const Gap& gap, std::string_view run = {});
/// The line of a URL's new set of addresses in run `run`.
[[nodiscard]] std::string format_jsonl_addresses(const AddressSet& set, std::string_view run = {});
/// The line that records lost records of run `run`, once the log can be written again.
[[nodiscard]] std::string format_jsonl_lost(const LostRecords& lost, std::string_view run = {});
/// The line that records when run `run` ended.
[[nodiscard]] std::string format_jsonl_end(WallTime end, std::string_view run = {});

/// Reads a JSON Lines log to its end, handing what it holds to `visitor` as it goes. Never
/// fails: a line that cannot be read (a line cut short included) goes to on_bad_line.
void read_jsonl(LineReader& lines, LogVisitor& visitor);

}  // namespace upwatch
