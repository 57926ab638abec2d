#pragma once

#include <cstddef>
#include <istream>
#include <vector>

#include "upwatch/log/log_lines.hpp"
#include "upwatch/log/probe_log.hpp"

/// The log of the bash loop upwatch replaces (`curl -o - -I $URL >> testlog.log; sleep $INT`,
/// then START / END / URL / INT on exit): blocks of status line and headers, nothing for a
/// probe that got no answer.
namespace upwatch {

/// The version a run read from such a log is given in its RunHeader.
inline constexpr std::string_view kScriptLogVersion = "bash-script";

/// Reads such a log as one run, streaming its probes to `visitor`: each status line is a
/// probe, sent when its `date:` header says (to the second; a probe without one is given the
/// time of the one before, or of the first date for those before it), with no latency; the
/// trailer completes the run's header (on_header). Never fails: lines it cannot read go to
/// on_bad_line. Stops before a line of upwatch's own log, which it leaves to be read next.
void read_script_log(LineReader& lines, LogVisitor& visitor);

}  // namespace upwatch
