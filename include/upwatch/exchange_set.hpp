#pragma once

#include <curl/curl.h>
#include <poll.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "upwatch/transfer.hpp"
#include "upwatch/wall_time.hpp"

namespace upwatch {

/// The probes under way through upwatch's own client: their deadlines, and the watching of
/// their sockets, with libcurl's (curl_multi_poll) or alone (ppoll, for the shortest waits).
class ExchangeSet {
 public:
  /// What is done with a probe whose exchange is over (its record handed over, its slot freed:
  /// it must leave the set).
  using Finish = std::function<void(Transfer&)>;

  /// A set whose exchanges time out at `max_time` from their sending, or at `connect_timeout`
  /// from their start while connecting; `finish` takes each exchange once it is over.
  ExchangeSet(std::chrono::nanoseconds max_time,
              std::optional<std::chrono::nanoseconds> connect_timeout, Finish finish);

  /// Starts `probe`'s exchange with `address`, named `remote` in the log; it may be over at once.
  void start(Transfer& probe, const sockaddr_storage& address, std::string remote);
  /// Takes `probe`, whose exchange is over or abandoned, out of the set and closes its socket.
  void remove(Transfer& probe);
  /// True if no exchange is under way.
  [[nodiscard]] bool empty() const { return exchanges_.empty(); }

  /// Ends the exchanges whose time is out at `now`; returns when the next one will be, if any.
  std::optional<BootClock::time_point> expire(BootClock::time_point now);
  /// Appends each exchange's socket to `watched`, for curl_multi_poll.
  void watch(std::vector<curl_waitfd>& watched);
  /// Notes the exchanges whose sockets curl_multi_poll found ready in `watched`.
  void note_ready(const std::vector<curl_waitfd>& watched);
  /// Waits at most `wait` for the exchanges' sockets alone, and notes those found ready.
  void poll(BootClock::duration wait);
  /// Carries on the exchanges found ready, once any gap is known: one whose time ran out
  /// meanwhile (upwatch stopped, say) is timed out as libcurl would, not answered late.
  void serve(BootClock::time_point now);

 private:
  /// When `probe`'s exchange times out.
  [[nodiscard]] BootClock::time_point deadline_of(const Transfer& probe) const;
  /// Notes the entries of `polled_` that `entries` found ready, from entry `first` on.
  template <typename PollEntries>
  void note(const PollEntries& entries, std::size_t first);

  std::chrono::nanoseconds max_time_;
  std::optional<std::chrono::nanoseconds> connect_timeout_;
  Finish finish_;
  std::vector<Transfer*> exchanges_;  ///< under way, each at its Transfer::direct_index
  /// No exchange times out before this.
  BootClock::time_point next_deadline_ = BootClock::time_point::max();
  std::vector<Transfer*> polled_;  ///< the exchanges of the last poll, in its order
  std::size_t first_polled_ = 0;   ///< the place of the first of them among curl's entries
  std::vector<pollfd> ready_;      ///< their sockets, for a wait of their own
  std::vector<Transfer*> woken_;   ///< the exchanges the last poll found ready
};

}  // namespace upwatch
