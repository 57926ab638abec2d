#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "upwatch/core/wall_time.hpp"

/// What a run is, besides its probes: the facts its log opens with, the address sets of its
/// names, and the records it could not write. Written and read by log/, summed up by report/.
namespace upwatch {

/// What opens each run in a log: what was probed, how, and from where.
struct RunHeader {
  std::string id;                     ///< names the run in each of its lines; "" in old logs
  std::string version;                ///< upwatch's version
  WallTime start;                     ///< when the run started
  std::chrono::nanoseconds interval;  ///< the schedule's interval
  std::string expect;                 ///< the StatusExpectation spec that judged the probes
  std::optional<std::chrono::microseconds> slow;  ///< --slow: a longer answer failed; none if
                                                  ///< not given
  std::string proxy;                   ///< the proxy probed through, redacted; "" if none
  std::string control;                 ///< the control URL, credentials redacted; "" if none
  std::string url;                     ///< the probed URL, credentials redacted
  std::vector<std::string> more_urls;  ///< the other URLs of a run of several, redacted
  bool each_address = false;           ///< each URL was probed at every address of its name
  bool both_connections = false;       ///< each tick probed on a fresh connection and on a
                                       ///< kept-alive one (--connections both)
  std::vector<std::string> track;      ///< --track's header names, lower case, and "body" for
                                       ///< --track-body
  std::string vantage;                 ///< where the run watched from; "" in old logs
  std::string user;                    ///< -u's user name (its password is never kept); ""

  bool operator==(const RunHeader&) const = default;
};

/// Every URL of a run: `url`, then `more_urls`.
[[nodiscard]] std::vector<std::string> all_urls(const std::string& url,
                                                const std::vector<std::string>& more_urls);

/// The most addresses of one URL probed and analysed apart (--each-address); probes of more
/// count in the URL as users saw it only.
inline constexpr std::size_t kMaxAddresses = 64;

/// The addresses a URL's name resolved to, from one of its ticks on (--each-address).
struct AddressSet {
  std::string url;                     ///< the URL, redacted
  std::uint64_t first_tick = 0;        ///< the URL's first tick probed at these addresses
  WallTime time;                       ///< when they were found
  std::vector<std::string> addresses;  ///< numeric, sorted

  bool operator==(const AddressSet&) const = default;
};

/// Records a run could not write to its log (a full disk, a pipe nobody read in time).
struct LostRecords {
  WallTime start;             ///< when the first could not be written
  WallTime end;               ///< when the last could not be written
  std::uint64_t records = 0;  ///< how many appends were lost

  bool operator==(const LostRecords&) const = default;
};

/// A new run identifier: 8 random hex digits.
[[nodiscard]] std::string make_run_id();

}  // namespace upwatch
