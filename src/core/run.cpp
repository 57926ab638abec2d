#include "upwatch/core/run.hpp"

#include <fmt/format.h>

#include <random>

namespace upwatch {

std::vector<std::string> all_urls(const std::string& url,
                                  const std::vector<std::string>& more_urls) {
  std::vector<std::string> all{url};
  all.insert(all.end(), more_urls.begin(), more_urls.end());
  return all;
}

std::string make_run_id() {
  std::random_device random;
  return fmt::format("{:08x}", random());
}

}  // namespace upwatch
