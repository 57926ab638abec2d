#include "upwatch/probe/transfer_pool.hpp"

#include <algorithm>
#include <stdexcept>

namespace upwatch {

namespace {

/// Connections kept alive for each URL of the run (its addresses, with --each-address).
constexpr std::size_t kConnectionsKept = 16;

/// URLs whose connections share one cache in a run of several URLs kept alive.
constexpr std::size_t kUrlsPerCache = 16;

}  // namespace

TransferPool::TransferPool(const Config& config, std::size_t urls, CURLM* multi)
    : urls_(urls), setup_(config), idle_(2 * (urls + 1)) {
  if (config.connections != Connections::fresh && urls > 1) keep_connections_apart(multi);
}

std::size_t TransferPool::slot_of(Role role, std::size_t target, bool kept) const {
  return 2 * (role == Role::control ? urls_ : target) + (kept ? 1 : 0);
}

// libcurl (7.88) looks through a transfer's cache each time a kept-alive transfer leaves the
// multi handle: one cache of every URL's connections would make each probe cost time in
// proportion to the URLs.
void TransferPool::keep_connections_apart(CURLM* multi) {
  // libcurl keeps 4 connections for each transfer under way, and a run of many URLs has few
  // under way at once.
  check(curl_multi_setopt(
            multi, CURLMOPT_MAXCONNECTS,
            static_cast<long>(std::min<std::size_t>(kConnectionsKept * (urls_ + 1), 100000))),
        "option");
  for (std::size_t first = 0; first < urls_; first += kUrlsPerCache) {
    ShareHandle& cache = caches_.emplace_back(curl_share_init());
    if (!cache ||
        curl_share_setopt(cache.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
      throw std::runtime_error("libcurl: cannot create a connection cache");
    }
  }
}

Transfer& TransferPool::acquire(Role role, std::size_t target, std::uint64_t sequence,
                                BootClock::time_point sent, bool kept) {
  auto& spare = idle_[slot_of(role, target, kept)];
  Transfer* probe = nullptr;
  if (spare.empty()) {
    probes_.push_back(setup_.make(role, target, kept));
    probe = probes_.back().get();
    if (!caches_.empty() && role == Role::target && kept) {
      check(
          curl_easy_setopt(probe->easy.get(), CURLOPT_SHARE, caches_[target / kUrlsPerCache].get()),
          "option");
    }
  } else {
    probe = spare.back();
    spare.pop_back();
  }
  probe->sequence = sequence;
  probe->sent = sent;
  probe->head.clear();
  probe->body.clear();
  probe->error[0] = '\0';
  probe->opened.clear();
  probe->address.clear();
  probe->resolving_took = {};
  probe->active = true;
  probe->interrupted = false;
  probe->peer_reset = false;
  ++in_flight_;
  return *probe;
}

void TransferPool::release(Transfer& probe) {
  probe.active = false;
  --in_flight_;
  idle_[slot_of(probe.role, probe.target, probe.kept)].push_back(&probe);
}

}  // namespace upwatch
