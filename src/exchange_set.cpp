#include "upwatch/exchange_set.hpp"

#include <algorithm>

namespace upwatch {

ExchangeSet::ExchangeSet(std::chrono::nanoseconds max_time,
                         std::optional<std::chrono::nanoseconds> connect_timeout, Finish finish)
    : max_time_(max_time), connect_timeout_(connect_timeout), finish_(std::move(finish)) {}

void ExchangeSet::start(Transfer& probe, const sockaddr_storage& address, std::string remote) {
  probe.direct = true;
  probe.remote = std::move(remote);
  probe.direct_index = exchanges_.size();
  exchanges_.push_back(&probe);
  // Pinned to an address (--each-address), it is named as libcurl names a --connect-to host.
  probe.exchange.start(*probe.route, address, BootClock::now(),
                       probe.address.empty() ? probe.route->host : probe.address);
  if (probe.exchange.over()) {
    finish_(probe);
    return;
  }
  next_deadline_ = std::min(next_deadline_, deadline_of(probe));
}

void ExchangeSet::remove(Transfer& probe) {
  exchanges_[probe.direct_index] = exchanges_.back();
  exchanges_[probe.direct_index]->direct_index = probe.direct_index;
  exchanges_.pop_back();
  probe.exchange.close();
  probe.direct = false;
}

BootClock::time_point ExchangeSet::deadline_of(const Transfer& probe) const {
  auto deadline = probe.sent + max_time_;
  if (connect_timeout_ && !probe.exchange.connected()) {
    deadline = std::min(deadline, probe.exchange.started() + *connect_timeout_);
  }
  return deadline;
}

std::optional<BootClock::time_point> ExchangeSet::expire(BootClock::time_point now) {
  if (exchanges_.empty()) return std::nullopt;
  if (now < next_deadline_) return next_deadline_;
  next_deadline_ = BootClock::time_point::max();
  for (std::size_t i = 0; i < exchanges_.size();) {
    Transfer& probe = *exchanges_[i];
    const auto deadline = deadline_of(probe);
    if (deadline > now) {
      next_deadline_ = std::min(next_deadline_, deadline);
      ++i;
      continue;
    }
    probe.exchange.expire(now);
    finish_(probe);  // takes it out of the set: another is now at i
  }
  if (exchanges_.empty()) return std::nullopt;
  return next_deadline_;
}

void ExchangeSet::watch(std::vector<curl_waitfd>& watched) {
  polled_ = exchanges_;
  first_polled_ = watched.size();
  for (const Transfer* probe : polled_) {
    watched.push_back(curl_waitfd{
        .fd = probe->exchange.fd(),
        .events = static_cast<short>(probe->exchange.events() == POLLIN ? CURL_WAIT_POLLIN
                                                                        : CURL_WAIT_POLLOUT),
        .revents = 0});
  }
}

template <typename PollEntries>
void ExchangeSet::note(const PollEntries& entries, std::size_t first) {
  for (std::size_t i = first; i < entries.size() && i - first < polled_.size(); ++i) {
    if (entries[i].revents != 0) woken_.push_back(polled_[i - first]);
  }
}

void ExchangeSet::note_ready(const std::vector<curl_waitfd>& watched) {
  note(watched, first_polled_);
}

void ExchangeSet::poll(BootClock::duration wait) {
  polled_ = exchanges_;
  ready_.clear();
  for (const Transfer* probe : polled_) {
    ready_.push_back(
        pollfd{.fd = probe->exchange.fd(), .events = probe->exchange.events(), .revents = 0});
  }
  const timespec timeout = to_timespec(wait);
  if (::ppoll(ready_.data(), ready_.size(), &timeout, nullptr) > 0) note(ready_, 0);
}

void ExchangeSet::serve(BootClock::time_point now) {
  for (Transfer* probe : woken_) {
    if (!probe->direct) continue;  // it ended meanwhile
    if (now >= deadline_of(*probe)) {
      probe->exchange.expire(now);
    } else {
      probe->exchange.advance(probe->head);
    }
    if (probe->exchange.over()) finish_(*probe);
  }
  woken_.clear();
}

}  // namespace upwatch
