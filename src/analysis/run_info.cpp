#include "upwatch/analysis/run_info.hpp"

namespace upwatch {

RunInfo run_info_of(const RunHeader& header, WallTime end) {
  return {.id = header.id,
          .start = header.start,
          .end = end,
          .url = header.url,
          .more_urls = header.more_urls,
          .proxy = header.proxy,
          .control = header.control,
          .vantage = header.vantage,
          .interval = header.interval,
          .slow = header.slow};
}

}  // namespace upwatch
