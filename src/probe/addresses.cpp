#include "upwatch/probe/addresses.hpp"

#include <algorithm>

namespace upwatch {

std::string resolve_entry(std::string_view host, std::uint16_t port,
                          const std::vector<std::string>& addresses) {
  std::string entry = std::string{host} + ":" + std::to_string(port) + ":";
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) entry += ',';
    const auto& address = addresses[i];
    entry += address.find(':') == std::string::npos ? address : "[" + address + "]";
  }
  return entry;
}

std::vector<std::string> address_set(std::vector<std::string> addresses, std::size_t most) {
  std::ranges::sort(addresses);
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  addresses.resize(std::min(addresses.size(), most));
  return addresses;
}

}  // namespace upwatch
