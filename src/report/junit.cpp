#include "upwatch/report/junit.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

#include "summary_words.hpp"
#include "upwatch/report/html_report.hpp"
#include "upwatch/report/report.hpp"

namespace upwatch {

std::string escape_xml(std::string_view text) {
  // What XML 1.0 cannot hold becomes '?'; then the characters markup gives a meaning to are
  // escaped, as for HTML, and the apostrophe too.
  std::string valid;
  valid.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    // The length of the UTF-8 sequence this byte begins; 0 if it begins none.
    const std::size_t length = byte < 0x80U              ? 1
                               : (byte & 0xE0U) == 0xC0U ? 2
                               : (byte & 0xF0U) == 0xE0U ? 3
                               : (byte & 0xF8U) == 0xF0U ? 4
                                                         : 0;
    bool whole = length > 0 && at + length <= text.size() && (length != 2 || byte >= 0xC2U);
    for (std::size_t k = 1; whole && k < length; ++k) {
      whole = (static_cast<unsigned char>(text[at + k]) & 0xC0U) == 0x80U;
    }
    const bool control =
        length == 1 && ((byte < 0x20U && byte != '\t' && byte != '\n') || byte == 0x7FU);
    if (!whole || control) {
      valid += '?';
      ++at;
      continue;
    }
    valid.append(text.substr(at, length));
    at += length;
  }
  std::string out;
  for (const char c : escape_html(valid)) {
    out += c == '\'' ? std::string_view{"&apos;"} : std::string_view{&c, 1};
  }
  return out;
}

namespace {

/// The test case of one target.
std::string junit_case(const RunInfo& run, const TargetResult& target, double seconds) {
  const auto& analysis = target.analysis;
  const auto verdict = analysis.verdict();
  const auto gated = analysis.gated(run.budget, run.end);
  std::string reasons;
  for (const auto& reason : verdict_reasons(run, analysis)) {
    reasons += (reasons.empty() ? "" : "; ") + reason;
  }
  const auto gate = gate_words(run, verdict, analysis.within(run.budget, run.end));
  if (!gate.empty()) reasons += ", " + gate;
  std::string windows;
  summary::append_windows(windows, run, analysis, false);
  auto out = fmt::format(R"(    <testcase name="{}" classname="upwatch" time="{:.3f}")",
                         escape_xml(summary::target_name(target)), seconds);
  if (gated == RunVerdict::down) {
    return out + fmt::format(
                     ">\n      <failure type=\"downtime\" message=\"{}\">{}</failure>\n"
                     "    </testcase>\n",
                     escape_xml(reasons), escape_xml(windows));
  }
  if (gated == RunVerdict::inconclusive) {
    return out + fmt::format(
                     ">\n      <error type=\"inconclusive\" message=\"{}\">{}</error>\n"
                     "    </testcase>\n",
                     escape_xml(reasons), escape_xml(windows));
  }
  if (!windows.empty()) {
    return out + fmt::format(">\n      <system-out>{}: {}\n{}</system-out>\n    </testcase>\n",
                             format_as(verdict), escape_xml(reasons), escape_xml(windows));
  }
  return out + "/>\n";
}

}  // namespace

std::string render_junit(const RunInfo& run, const RunResults& results) {
  const double seconds = std::chrono::duration<double>(run.end - run.start).count();
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::string cases;
  for (const auto& target : results.targets) {
    const auto gated = target.analysis.gated(run.budget, run.end);
    failures += gated == RunVerdict::down ? 1 : 0;
    errors += gated == RunVerdict::inconclusive ? 1 : 0;
    cases += junit_case(run, target, seconds);
  }
  const auto timestamp = format_iso_utc(run.start).substr(0, 19);  // no fraction, no zone
  auto name = "upwatch " + run.url;
  if (!run.more_urls.empty()) name += fmt::format(" and {} more", run.more_urls.size());
  const auto tests = results.targets.size();
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"upwatch\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" "
      "time=\"{4:.3f}\">\n"
      "  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"{3}\" skipped=\"0\" "
      "time=\"{4:.3f}\" timestamp=\"{5}\"{6}>\n"
      "{7}"
      "    <system-out>{8}</system-out>\n"
      "  </testsuite>\n"
      "</testsuites>\n",
      escape_xml(name), tests, failures, errors, seconds, timestamp,
      run.vantage.empty() ? std::string{} : " hostname=\"" + escape_xml(run.vantage) + "\"", cases,
      escape_xml(render_report(run, results)));
}

}  // namespace upwatch
