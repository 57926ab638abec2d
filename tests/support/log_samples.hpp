#pragma once

// Records and run headers shared by the tests of the log readers and writers.

#include <chrono>
#include <string>
#include <vector>

#include "records.hpp"
#include "upwatch/log/probe_log.hpp"

namespace upwatch::testing {

using namespace std::chrono_literals;

/// A run header of the sample runs.
inline RunHeader sample_header(std::string expect = "100-499") {
  return {.version = "0.1.0",
          .start = kSampleStart,
          .interval = 50ms,
          .expect = std::move(expect),
          .url = "http://127.0.0.1:8080/health",
          .track = {"etag", "x-app-version"}};
}

/// Probes of every kind, in finish order (probe 1 timed out after probe 2 was refused).
inline std::vector<ProbeRecord> sample_records() {
  return {
      {.sequence = 0,
       .sent = kSampleStart,
       .outcome = Outcome::http(200),
       .total = 412us,
       .remote = "127.0.0.1:8080",
       .lines = {"HTTP/1.1 200 OK", "server: nginx/1.22.1", "etag: \"6538b553-19a\""},
       .phases = {12us, 120us, std::nullopt, 400us},
       .tracked = {{"etag", "\"6538b553-19a\""}, {"x-app-version", "v1 beta 100%"}}},
      {.sequence = 2,
       .sent = kSampleStart + 100ms,
       .outcome = Outcome::failure(Transport::refused),
       .total = 101us,
       .remote = "-",
       .lines =
           {"curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Connection refused"}},
      {.sequence = 1,
       .sent = kSampleStart + 50ms,
       .outcome = Outcome::failure(Transport::timeout),
       .total = 5'000'123us,
       .remote = "[::1]:8080",
       .lines = {"curl: (28) Operation timed out after 5000 milliseconds with 0 bytes received"},
       .phases = {9us, 131us, std::nullopt, std::nullopt},
       .tried = {"127.0.0.2:8080", "[::2]:8080"}},
      {.sequence = 3,
       .sent = kSampleStart + 150ms,
       .outcome = Outcome::http(502),
       .total = 1'234us,
       .remote = "127.0.0.1:8080",
       .lines = {"HTTP/2 502 ", "date: Fri, 17 Nov 2023 00:09:32 GMT"}},
  };
}

/// A probe of the control URL, answered: the log keeps no header of it.
inline ProbeRecord sample_control_record() {
  return {.sequence = 4,
          .role = Role::control,
          .sent = kSampleStart + 200ms,
          .outcome = Outcome::http(204),
          .total = 388us,
          .remote = "192.0.2.7:443"};
}

/// A gap of ticks not sent, and a step of the wall clock.
inline std::vector<Gap> sample_gaps() {
  return {{.first_tick = 5,
           .ticks = 3,
           .start = kSampleStart + 250ms,
           .end = kSampleStart + 400ms,
           .cause = GapCause::overload},
          {.first_tick = 8,
           .ticks = 0,
           .start = kSampleStart + 450ms,
           .end = kSampleStart + 1h + 450ms,
           .cause = GapCause::clock}};
}

}  // namespace upwatch::testing
