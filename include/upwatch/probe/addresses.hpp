#pragma once

// The addresses the engine keeps between ticks: each URL's set with --each-address, and each
// name's last look-up with --keep-alive.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upwatch/core/wall_time.hpp"

namespace upwatch {

/// What CURLOPT_RESOLVE takes for `host`:`port` at `addresses`: "h:80:10.0.0.1,[::1]".
[[nodiscard]] std::string resolve_entry(std::string_view host, std::uint16_t port,
                                        const std::vector<std::string>& addresses);

/// The set one tick of --each-address probes: `addresses` sorted, without repeats, the first
/// `most` of them.
[[nodiscard]] std::vector<std::string> address_set(std::vector<std::string> addresses,
                                                   std::size_t most);

/// A name's look-up, kept to be used again.
struct KeptLookup {
  std::string entry;                   ///< as CURLOPT_RESOLVE takes it
  std::vector<std::string> addresses;  ///< as resolved
  BootClock::time_point found;
};

/// The look-ups kept for each of a run's places (its URLs, then its control URL), and the
/// last set of addresses each URL was probed at.
class AddressBook {
 public:
  /// A book of `places` places.
  explicit AddressBook(std::size_t places) : kept_(places), sets_(places) {}

  /// Keeps `lookup` as the last of `place`.
  void keep(std::size_t place, KeptLookup lookup) { kept_[place] = std::move(lookup); }

  /// The look-up kept for `place` if it is younger than `age` at `now`, else nullptr.
  [[nodiscard]] const KeptLookup* fresh(std::size_t place, BootClock::time_point now,
                                        BootClock::duration age) const {
    const auto& kept = kept_[place];
    return kept && now - kept->found < age ? &*kept : nullptr;
  }

  /// Makes `set` the last set of `place`; true if it differs from the one before.
  bool change_set(std::size_t place, const std::vector<std::string>& set) {
    if (sets_[place] == set) return false;
    sets_[place] = set;
    return true;
  }

 private:
  std::vector<std::optional<KeptLookup>> kept_;
  std::vector<std::vector<std::string>> sets_;
};

}  // namespace upwatch
