#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "upwatch/core/url.hpp"

struct MHD_Daemon;

namespace upwatch {

/// Serves a registry's metrics in Prometheus' text format at http://ADDRESS:PORT/metrics until
/// destroyed, and tells when they were scraped. One thread serves every connection as it is
/// ready (libmicrohttpd), so that clients that connect and send nothing never hold a scrape up.
class MetricsServer {
 public:
  /// Listens at `where`; throws UsageError naming `spec` (as the user wrote it) if it cannot.
  MetricsServer(const ListenAddress& where, std::string_view spec,
                std::shared_ptr<prometheus::Registry> registry);
  /// Stops serving, at once.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Scrapes begun so far.
  [[nodiscard]] std::uint64_t scrapes() const;
  /// Waits until a scrape begun after the first `seen` has been sent whole, or until `limit` has
  /// passed; true if one has.
  bool wait_for_scrape(std::uint64_t seen, std::chrono::milliseconds limit);

  /// The state the serving thread shares.
  struct Shared;

 private:
  struct DaemonStop {
    void operator()(MHD_Daemon* daemon) const;
  };
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<MHD_Daemon, DaemonStop> daemon_;  ///< stopped before shared_ goes
};

}  // namespace upwatch
