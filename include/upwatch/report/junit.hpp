#pragma once

#include <string>
#include <string_view>

#include "upwatch/analysis/run_info.hpp"
#include "upwatch/analysis/targets.hpp"

namespace upwatch {

/// `text` made safe for XML 1.0 text and attribute values: &, <, >, " and ' escaped, and every
/// control character but tab and newline, and every byte that is not part of valid UTF-8,
/// replaced by '?'.
[[nodiscard]] std::string escape_xml(std::string_view text);

/// The verdict of a run as JUnit XML, as CI systems read it (GitLab, Jenkins, GitHub's test
/// reporters): one test suite, a test case per target (each URL as users saw it, then each of
/// its nodes). A target fails when its downtime is beyond the run's deploy gate (any downtime,
/// without one), its windows in the failure; is an error when inconclusive; passes otherwise,
/// any windows within the gate in its system-out. The whole summary is the suite's system-out.
[[nodiscard]] std::string render_junit(const RunInfo& run, const RunResults& results);

}  // namespace upwatch
