#pragma once

#include <cstddef>
#include <istream>
#include <vector>

#include "upwatch/probe_log.hpp"

/// The log of the bash loop upwatch replaces (`curl -o - -I $URL >> testlog.log; sleep $INT`,
/// then START / END / URL / INT on exit): blocks of status line and headers, nothing for a
/// probe that got no answer.
namespace upwatch {

/// The version a run read from such a log is given in its RunHeader.
inline constexpr std::string_view kScriptLogVersion = "bash-script";

/// Reads such a log as one run: each status line is a probe, sent when its `date:` header
/// says (to the second; a probe without one is given the time of the one before), with no
/// latency. Never fails: returns the 1-based numbers of the lines it could not read.
std::vector<std::size_t> read_script_log(std::istream& in, LogVisitor& visitor);

}  // namespace upwatch
