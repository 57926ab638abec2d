#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "upwatch/core/config.hpp"
#include "upwatch/core/curl_handles.hpp"
#include "upwatch/probe/transfer.hpp"

namespace upwatch {

/// Every probe slot of a run, in flight or idle: a slot (a libcurl easy handle set up for its
/// URL) is made on first need and reused once its probe ends. With connections kept alive in a
/// run of several URLs, each group of URLs keeps its connections in a cache of its own.
class TransferPool {
 public:
  /// The pool of `config`'s run of `urls` URLs (and its control URL), whose transfers go
  /// through `multi`; `config` and `multi` must outlive it. Throws std::runtime_error if
  /// libcurl cannot make a connection cache.
  TransferPool(const Config& config, std::size_t urls, CURLM* multi);

  /// An idle slot for `role` and URL `target`, on connections kept alive if `kept`, ready for
  /// probe `sequence` sent at `sent`.
  Transfer& acquire(Role role, std::size_t target, std::uint64_t sequence,
                    BootClock::time_point sent, bool kept);

  /// Returns `probe`, no longer in flight, to the idle slots of its URL.
  void release(Transfer& probe);

  /// Probes acquired and not yet released.
  [[nodiscard]] std::uint64_t in_flight() const { return in_flight_; }

  /// Every slot made, in flight or idle.
  [[nodiscard]] const std::vector<std::unique_ptr<Transfer>>& all() const { return probes_; }

  /// How the slots' transfers are set up, and their records made.
  [[nodiscard]] const TransferSetup& setup() const { return setup_; }

 private:
  /// The place of a URL's slots among the idle lists: the control URL's come last.
  [[nodiscard]] std::size_t slot_of(Role role, std::size_t target, bool kept) const;
  /// Keeps each group of URLs' connections in a cache of its own.
  void keep_connections_apart(CURLM* multi);

  std::size_t urls_;
  TransferSetup setup_;
  std::vector<ShareHandle> caches_;                ///< of groups of URLs, when kept apart
  std::vector<std::unique_ptr<Transfer>> probes_;  ///< every slot made
  std::vector<std::vector<Transfer*>> idle_;       ///< idle slots of each URL, then the control's
  std::uint64_t in_flight_ = 0;
};

}  // namespace upwatch
