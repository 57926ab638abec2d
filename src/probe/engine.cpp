#include "upwatch/probe/engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "upwatch/core/curl_handles.hpp"
#include "upwatch/core/url.hpp"
#include "upwatch/net/resolver.hpp"
#include "upwatch/net/tick_timer.hpp"
#include "upwatch/probe/addresses.hpp"
#include "upwatch/probe/schedule.hpp"
#include "upwatch/probe/transfer.hpp"
#include "upwatch/probe/transfer_pool.hpp"

namespace upwatch {

namespace {

using Clock = BootClock;

/// Below this, the wait for the next tick is a plain sleep: at rates this high, waking for
/// each answer costs more than the at most this much it can add to a probe's total time.
constexpr auto kShortestWatchedWait = std::chrono::microseconds{100};

/// How long an address found for --keep-alive is used, as libcurl caches a look-up by default.
constexpr auto kAddressesKept = std::chrono::seconds{60};

/// The longest single wait in curl_multi_poll; a longer wait is several.
constexpr auto kLongestPoll = std::chrono::minutes{1};

/// A new multi handle; throws std::runtime_error if libcurl cannot make one.
MultiHandle make_multi() {
  MultiHandle multi{curl_multi_init()};
  if (!multi) throw std::runtime_error("libcurl: cannot create a multi handle");
  return multi;
}

}  // namespace

struct Engine::Impl {
  Impl(const Config& run_config, const ClockReading& start, EngineSinks run_sinks)
      : config(run_config),
        slots(config.targets.size()),
        timekeeper(start, config.interval,
                   tick_limit(config.count, config.duration, config.interval, slots), slots),
        sinks(std::move(run_sinks)),
        multi(make_multi()),
        pool(config, slots, multi.get()),
        addresses(slots + 1) {
    const bool lookups = std::ranges::any_of(
        config.targets, [](const TargetUrl& target) { return target.lookup.has_value(); });
    if (lookups || config.control_lookup) {
      resolver = std::make_unique<Resolver>(config.dns_servers, config.ip_version);
    }
    for (const auto& target : config.targets) urls.push_back(redact_url(target.url));
  }

  ~Impl() {
    for (const auto& probe : pool.all()) {
      if (probe->in_multi) curl_multi_remove_handle(multi.get(), probe->easy.get());
    }
  }

  /// The name a probe resolves, if any.
  [[nodiscard]] const std::optional<Endpoint>& lookup_of(const Transfer& probe) const {
    return probe.role == Role::control ? config.control_lookup
                                       : config.targets[probe.target].lookup;
  }

  /// The place of a probe's URL among the addresses kept: the control URL's come last.
  [[nodiscard]] std::size_t slot_of(Role role, std::size_t target) const {
    return role == Role::control ? slots : target;
  }

  /// Sends tick `tick` (a probe of one URL, and once a round of the control URL), unless
  /// --parallel-max probes are in flight: then the tick is not sent, and joins the overload
  /// gap.
  void launch(std::uint64_t tick, Clock::time_point now) {
    if (pool.in_flight() >= config.parallel_max) {
      if (overload_ticks == 0) overload_first = tick;
      ++overload_ticks;
      return;
    }
    close_overload_gap(tick);
    ++sent;
    const auto target = tick % slots;
    const auto sequence = tick / slots;
    const bool kept = config.connections == Connections::keep_alive;
    launch(pool.acquire(Role::target, target, sequence, now, kept), now);
    if (config.connections == Connections::both) {
      launch(pool.acquire(Role::target, target, sequence, now, true), now);
    }
    if (target == 0 && !config.control_url.empty()) {
      launch(pool.acquire(Role::control, 0, sequence, now, kept), now);
    }
  }

  void launch(Transfer& probe, Clock::time_point now) {
    const bool each_address = config.each_address && probe.role == Role::target;
    const auto& lookup = lookup_of(probe);
    if (!lookup) {
      if (each_address) {
        fan_out(probe, config.targets[probe.target].addresses);
      } else {
        transfer(probe);
      }
      return;
    }
    const auto* kept = probe.kept
                           ? addresses.fresh(slot_of(probe.role, probe.target), now, kAddressesKept)
                           : nullptr;
    if (kept) {
      if (each_address) {
        fan_out(probe, kept->addresses);
      } else {
        transfer(probe, kept->entry);
      }
      return;
    }
    probe.resolving = true;
    ++resolving;
    const auto lookup_number = ++probe.lookups;
    resolver->resolve(lookup->host, [this, &probe, lookup_number](Resolution&& resolution) {
      on_resolved(probe, lookup_number, std::move(resolution));
    });
  }

  /// Sends a probe whose name was resolved (or needs no resolving), with the time it has left.
  void transfer(Transfer& probe, const std::string& resolve_entry = {}) {
    end_lookup(probe);
    if (!resolve_entry.empty()) {
      probe.resolving_took =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - probe.sent);
      pool.setup().resolve_to(probe, resolve_entry);
    }
    check(curl_multi_add_handle(multi.get(), probe.easy.get()), "add");
    probe.in_multi = true;
  }

  /// Sends the probe of one tick of a URL to each of `addresses` (--each-address): `first`
  /// goes to the first, a slot more to each of the others, each pinned to its address with
  /// the URL's host name kept for Host and TLS. A new set is handed over first.
  void fan_out(Transfer& first, const std::vector<std::string>& resolved) {
    end_lookup(first);
    const auto found = Clock::now();
    const auto sorted = address_set(resolved, kMaxAddresses);
    if (addresses.change_set(first.target, sorted)) {
      if (const auto all = address_set(resolved, resolved.size()).size(); all > kMaxAddresses) {
        spdlog::warn("{} resolved to {} addresses: the first {} are probed", urls[first.target],
                     all, kMaxAddresses);
      }
      if (sinks.addresses) {
        sinks.addresses({.url = urls[first.target],
                         .first_tick = first.sequence,
                         .time = timekeeper.to_wall(found),
                         .addresses = sorted});
      }
    }
    const auto resolving_took =
        lookup_of(first) ? std::chrono::duration_cast<std::chrono::microseconds>(found - first.sent)
                         : std::chrono::microseconds{};
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      Transfer& probe =
          i == 0 ? first
                 : pool.acquire(Role::target, first.target, first.sequence, first.sent, first.kept);
      probe.resolving_took = resolving_took;
      pool.setup().pin_to(probe, sorted[i]);
      transfer(probe);
    }
  }

  void on_resolved(Transfer& probe, std::uint64_t lookup_number, Resolution&& resolution) {
    if (!probe.resolving || probe.lookups != lookup_number) return;  // it ended meanwhile
    const auto& lookup = *lookup_of(probe);
    if (resolution.status != ARES_SUCCESS || resolution.addresses.empty()) {
      fail(probe, resolution.failure(), resolution.error(lookup.host));
      return;
    }
    auto entry = resolve_entry(lookup.host, lookup.port, resolution.addresses);
    if (config.each_address && probe.role == Role::target) {
      fan_out(probe, resolution.addresses);
    } else {
      transfer(probe, entry);
    }
    addresses.keep(slot_of(probe.role, probe.target), {.entry = std::move(entry),
                                                       .addresses = std::move(resolution.addresses),
                                                       .found = Clock::now()});
  }

  /// Ends a probe that was not sent, as the failure `transport` with `why` as its error.
  void fail(Transfer& probe, Transport transport, std::string why) {
    probe.head.lines.push_back(std::move(why));
    release(probe, unfinished_record(probe, transport, Clock::now()));
  }

  /// The record of a probe that libcurl did not finish, as the failure `transport` at `now`,
  /// with the lines it has so far.
  ProbeRecord unfinished_record(Transfer& probe, Transport transport, Clock::time_point now) {
    return {.sequence = probe.sequence,
            .role = probe.role,
            .sent = timekeeper.to_wall(probe.sent),
            .outcome = Outcome::failure(transport),
            .total = std::chrono::duration_cast<std::chrono::microseconds>(now - probe.sent),
            .lines = std::move(probe.head.lines)};
  }

  /// Ends the look-ups that have taken --max-time, as `dns` failures; returns when the next
  /// one still going will have, if any.
  std::optional<Clock::time_point> expire_lookups(Clock::time_point now) {
    std::optional<Clock::time_point> next_deadline;
    if (resolving == 0) return next_deadline;
    for (const auto& probe : pool.all()) {
      if (!probe->resolving) continue;
      const auto deadline = probe->sent + config.max_time;
      if (deadline > now) {
        next_deadline = std::min(next_deadline.value_or(deadline), deadline);
        continue;
      }
      const auto& lookup = *lookup_of(*probe);
      if (probe->interrupted) {
        fail(*probe, Transport::abandoned,
             fmt::format("upwatch: resolving '{}' ran out of --max-time while upwatch did not run "
                         "(a gap): not judged",
                         lookup.host));
        continue;
      }
      fail(*probe, Transport::dns,
           fmt::format("upwatch: resolving '{}' timed out after {} ms (--max-time)", lookup.host,
                       to_millis(config.max_time)));
    }
    return next_deadline;
  }

  /// Hands over the ticks not sent for --parallel-max, if any, as one gap that lasted until
  /// tick `resumed` was due.
  void close_overload_gap(std::uint64_t resumed) {
    if (overload_ticks == 0) return;
    const auto& schedule = timekeeper.schedule();
    sinks.gap({.first_tick = overload_first,
               .ticks = overload_ticks,
               .start = timekeeper.to_wall(schedule.tick(overload_first)),
               .end = timekeeper.to_wall(schedule.tick(resumed)),
               .cause = GapCause::overload});
    overload_ticks = 0;
  }

  /// Marks a probe's look-up, if one is going, as over.
  void end_lookup(Transfer& probe) {
    if (!probe.resolving) return;
    probe.resolving = false;
    --resolving;
  }

  /// Hands a probe's record to the sink and returns its slot to the idle list.
  void release(Transfer& probe, ProbeRecord&& record) {
    if (probe.in_multi) check(curl_multi_remove_handle(multi.get(), probe.easy.get()), "remove");
    probe.in_multi = false;
    end_lookup(probe);  // an answer that comes now is for nobody
    pool.release(probe);
    // A run of one URL names it in its header alone.
    if (slots > 1 && probe.role == Role::target) record.url = urls[probe.target];
    record.address = probe.address;
    if (config.connections == Connections::both && probe.role == Role::target) {
      record.connection = probe.kept ? kKeptConnection : kFreshConnection;
    }
    sinks.record(std::move(record));
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      void* owner = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
      auto& probe = *static_cast<Transfer*>(owner);
      release(probe, pool.setup().finished_record(probe, message->data.result,
                                                  timekeeper.to_wall(probe.sent)));
    }
  }

  void abandon_all(Clock::time_point now) {
    std::vector<Transfer*> active;
    for (const auto& probe : pool.all()) {
      if (probe->active) active.push_back(probe.get());
    }
    std::ranges::sort(active, {}, &Transfer::sequence);
    for (Transfer* probe : active) {
      auto record = unfinished_record(*probe, Transport::abandoned, now);
      record.lines.push_back(
          fmt::format("upwatch: abandoned after {:.3f}s in flight: the run was stopped",
                      static_cast<double>(record.total.count()) / 1e6));
      record.remote = probe->in_multi ? remote_of(*probe) : "-";
      release(*probe, std::move(record));
    }
  }

  /// Hands over the gaps of `due`.
  void hand_over_gaps(const DueTicks& due) {
    for (const auto& gap : due.gaps) {
      close_overload_gap(gap.first_tick);
      sinks.gap(gap);
      if (gap.cause == GapCause::stalled || gap.cause == GapCause::suspended) {
        for (const auto& probe : pool.all())
          probe->interrupted = probe->interrupted || probe->active;
      }
    }
  }

  /// Hands over the gaps found up to `now` and sends every tick due from `next` on; returns
  /// the next tick not yet sent.
  std::uint64_t send_due(const ClockReading& now, std::uint64_t next) {
    const auto due = timekeeper.due(now, next);
    hand_over_gaps(due);
    for (next = due.first; next < due.end; ++next) launch(next, now.boot);
    return next;
  }

  /// Calls the refresh sink if it is time to.
  void refresh() {
    if (sinks.refresh && Clock::now() >= next_refresh) {
      sinks.refresh(timekeeper.to_wall(Clock::now()), sent);
      next_refresh = Clock::now() + kRefreshEvery;
    }
  }

  /// When to stop waiting: at tick `next`, or in at most a second while the last probes
  /// finish; sooner if a look-up's deadline, a refresh or the resolver needs it.
  [[nodiscard]] Clock::time_point wake_time(std::uint64_t next,
                                            std::optional<Clock::time_point> lookup_deadline) {
    const auto& schedule = timekeeper.schedule();
    auto wake_at =
        schedule.contains(next) ? schedule.tick(next) : Clock::now() + std::chrono::seconds{1};
    if (lookup_deadline) wake_at = std::min(wake_at, *lookup_deadline);
    if (sinks.refresh) wake_at = std::min(wake_at, next_refresh);
    if (const auto resolver_wait = resolver ? resolver->next_timeout() : std::nullopt) {
      wake_at = std::min(wake_at, Clock::now() + *resolver_wait);
    }
    return wake_at;
  }

  /// Waits until `wake_at`, watching the sockets so that each answer is taken (and timed) as
  /// it comes, and the resolver's, and `stop`'s.
  void wait(Clock::time_point wake_at, const StopSignals& stop) {
    const auto wait = std::max(wake_at - Clock::now(), Clock::duration::zero());
    if (wait < kShortestWatchedWait && resolving == 0) {
      if (wait > Clock::duration::zero()) std::this_thread::sleep_until(wake_at);
      return;
    }
    // curl_multi_poll counts in whole milliseconds, in an int; the timer ends the wait on
    // the tick, however far off it is.
    tick_timer.arm(wake_at);
    watched.assign({curl_waitfd{.fd = stop.wake_fd(), .events = CURL_WAIT_POLLIN, .revents = 0},
                    curl_waitfd{.fd = tick_timer.fd(), .events = CURL_WAIT_POLLIN, .revents = 0}});
    if (resolver) resolver->watch(watched);
    check(curl_multi_poll(
              multi.get(), watched.data(), static_cast<unsigned>(watched.size()),
              static_cast<int>(to_millis(std::min<std::chrono::nanoseconds>(wait, kLongestPoll))),
              nullptr),
          "poll");
    if (resolver) resolver->process(watched);
  }

  WallTime run(const StopSignals& stop) {
    std::uint64_t next = 0;
    while (true) {
      if (stop.stop_requested()) {
        // Stopped (Ctrl-Z, SIGSTOP) and then ended (bash's kill %job sends SIGTERM, then
        // SIGCONT): the time upwatch did not run is a gap, found before the summary.
        const auto now = ClockReading::now();
        hand_over_gaps(timekeeper.due(now, next));
        abandon_all(now.boot);
        break;
      }
      if (stop.take_summary_request() && sinks.interim) sinks.interim();
      next = send_due(ClockReading::now(), next);
      int running = 0;
      check(curl_multi_perform(multi.get(), &running), "perform");
      // Stopped since the ticks were sent: what libcurl timed out meanwhile is upwatch's own
      // gap, which the next send_due finds.
      if (timekeeper.stalled_at(Clock::now(), next)) {
        for (const auto& probe : pool.all())
          probe->interrupted = probe->interrupted || probe->active;
      }
      collect_finished();
      const auto lookup_deadline = expire_lookups(Clock::now());
      if (!timekeeper.schedule().contains(next) && pool.in_flight() == 0) break;
      refresh();
      wait(wake_time(next, lookup_deadline), stop);
    }
    close_overload_gap(next);
    return timekeeper.to_wall(Clock::now());
  }

  const Config& config;
  std::size_t slots;  ///< URLs, each a slot of the schedule
  Timekeeper timekeeper;
  EngineSinks sinks;
  MultiHandle multi;
  TransferPool pool;
  TickTimer tick_timer;                ///< readable at the next tick, to end a wait there
  std::unique_ptr<Resolver> resolver;  ///< when a name is to be resolved
  std::vector<curl_waitfd> watched;    ///< the descriptors of a wait besides libcurl's
  std::size_t resolving = 0;           ///< probes waiting for the resolver
  AddressBook addresses;  ///< look-ups kept for each URL and the control; each URL's last set
  std::vector<std::string> urls;  ///< each URL redacted, as the log names it
  std::uint64_t sent = 0;         ///< ticks sent
  Clock::time_point next_refresh{};
  std::uint64_t overload_first = 0;  ///< the first tick of the overload gap, if it is open
  std::uint64_t overload_ticks = 0;  ///< ticks not sent for --parallel-max since then
};

Engine::Engine(const Config& config, const ClockReading& start, EngineSinks sinks)
    : impl_(std::make_unique<Impl>(config, start, std::move(sinks))) {}

Engine::~Engine() = default;

WallTime Engine::run(const StopSignals& stop) { return impl_->run(stop); }

}  // namespace upwatch
