package io.promeshard.coordinator.membership;

import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulReachability;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fetcher;
import io.promeshard.protocol.consul.HealthClient;
import io.promeshard.protocol.consul.WatchListener;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.lifecycle.TaskThread;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the health of {@code node_service} with blocking queries and turns it into the effective
 * membership through a {@link FlapFilter}, reporting each change to a {@link MembershipListener}.
 * While Consul is unreachable the effective set and all holds are frozen (WARN, retried by the
 * watch); {@code flap_hold} can be changed at runtime. One scheduler thread owns the filter.
 */
public final class MembershipWatcher implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(MembershipWatcher.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final ConsulHttp consul;
  private final String service;
  private final MembershipListener listener;
  private final Clock clock;
  private final WatchOptions options;
  private final MemberPolicy policy;
  private final AtomicReference<Duration> wantedHold;
  private final TaskThread tasks;
  private volatile MembershipStatus status;
  private volatile BlockingWatch<HealthSnapshot> watch;

  // Owned by the executor thread.
  private HoldTracker tracker;
  private HealthSnapshot raw;
  private Map<String, Member> emitted;
  private boolean frozen;
  private TaskThread.Handle wakeUp;
  private Instant lastContact;
  private String lastError;

  /** A watcher on the system clock with default watch timing. */
  public MembershipWatcher(
      ConsulHttp consul, String service, Duration hold, MembershipListener listener) {
    this(consul, service, hold, listener, Clock.systemUTC(), WatchOptions.defaults());
  }

  public MembershipWatcher(
      ConsulHttp consul,
      String service,
      Duration hold,
      MembershipListener listener,
      Clock clock,
      WatchOptions options) {
    this(consul, service, hold, MemberPolicy.DEFAULT, listener, clock, options);
  }

  /** A watcher on the system clock with default watch timing, under {@code policy}. */
  public MembershipWatcher(
      ConsulHttp consul,
      String service,
      Duration hold,
      MemberPolicy policy,
      MembershipListener listener) {
    this(consul, service, hold, policy, listener, Clock.systemUTC(), WatchOptions.defaults());
  }

  public MembershipWatcher(
      ConsulHttp consul,
      String service,
      Duration hold,
      MemberPolicy policy,
      MembershipListener listener,
      Clock clock,
      WatchOptions options) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.consul = Objects.requireNonNull(consul, "consul");
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("node_service: missing");
    }
    this.service = service;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    this.wantedHold = new AtomicReference<>(checkHold(hold));
    this.status = new MembershipStatus(service, hold, Map.of(), null, List.of(), null, null);
    this.tasks =
        new TaskThread(
            "membership-" + service,
            CLOSE_WAIT,
            e -> log.error("[membership] {}: step failed", service, e));
  }

  /**
   * Starts the health watch and the scheduler thread; IllegalStateException when started twice or
   * closed.
   */
  public MembershipWatcher start() {
    tasks.start();
    post(
        () -> {
          tracker = new HoldTracker(service, wantedHold.get());
          publishStatus();
        });
    watch =
        new BlockingWatch<>(
            "membership " + service,
            observing(new NodeHealthFetcher(new HealthClient(consul), service, policy)),
            new WatchListener<>() {
              @Override
              public void onChange(HealthSnapshot value, long index) {
                // every successful read is already fed to the filter by the fetcher (see observing)
              }

              @Override
              public void onError(Exception error, int attempt, Duration retryIn) {
                post(() -> onUnreachable(error));
              }
            },
            options);
    watch.start();
    return this;
  }

  /**
   * Changes {@code flap_hold}; the effective set is kept and pending nodes restart their hold now.
   */
  public void setHold(Duration newHold) {
    wantedHold.set(checkHold(newHold));
    post(this::applyHold); // before start, the start step reads wantedHold
  }

  /** The current effective set (empty before Consul first answers). */
  public Map<String, Member> members() {
    return status.effective();
  }

  /** The effective set, pending nodes and Consul reachability, as of the last step. */
  public MembershipStatus status() {
    return status;
  }

  public String service() {
    return service;
  }

  /** Which registrations count and the weight cap, fixed for the watcher's life. */
  public MemberPolicy policy() {
    return policy;
  }

  /** Stops the watch and the scheduler; the listener is not called after this returns. */
  @Override
  public void close() {
    BlockingWatch<HealthSnapshot> w = watch;
    if (w != null) {
      w.close();
    }
    tasks.close();
  }

  /**
   * Feeds every successful read to the filter, even unchanged ones: they confirm Consul answers
   * again.
   */
  private Fetcher<HealthSnapshot> observing(Fetcher<HealthSnapshot> inner) {
    return new Fetcher<>() {
      @Override
      public ConsulResponse<HealthSnapshot> fetch(long index, Duration wait) throws IOException {
        ConsulResponse<HealthSnapshot> reply = inner.fetch(index, wait);
        post(() -> onRead(reply.value()));
        return reply;
      }

      @Override
      public void cancel() {
        inner.cancel();
      }

      @Override
      public ConsulReachability reachability() {
        return consul.reachability();
      }
    };
  }

  /** Runs {@code step} on the membership thread; dropped before start and after close. */
  private void post(Runnable step) {
    if (tasks.isRunning()) {
      tasks.execute(step);
    }
  }

  private void onRead(HealthSnapshot snapshot) {
    Instant now = clock.instant();
    lastContact = now;
    if (lastError != null) {
      log.info("[membership] {}: Consul answers again; flap holds resume", service);
      lastError = null;
    }
    frozen = false;
    if (!snapshot.equals(raw)) {
      snapshot.problems().forEach(p -> log.warn("[membership] {}: {}", service, p));
      snapshot
          .conflicts()
          .forEach(
              (node, line) -> {
                if (raw == null || !line.equals(raw.conflicts().get(node))) {
                  log.error("[membership] {}: {}", service, line);
                }
              });
      if (raw != null) {
        raw.conflicts().keySet().stream()
            .filter(node -> !snapshot.conflicts().containsKey(node))
            .forEach(
                node ->
                    log.info(
                        "[membership] {}: node name {} is claimed by one host again",
                        service,
                        node));
      }
      log.debug(
          "[membership] {}: {} healthy, {} unhealthy, {} draining",
          service,
          snapshot.healthy().size(),
          snapshot.unhealthy().size(),
          snapshot.draining().size());
    }
    raw = snapshot;
    tracker.observe(now, snapshot);
    afterStep();
  }

  private void onDeadline() {
    if (frozen) {
      return;
    }
    tracker.advance(clock.instant());
    afterStep();
  }

  private void onUnreachable(Exception error) {
    if (lastError == null) {
      log.warn(
          "[membership] {}: Consul unreachable; keeping the {} effective node(s), flap holds paused: {}",
          service,
          tracker.effective().size(),
          error.toString());
    }
    lastError = error.toString();
    frozen = true;
    cancelWakeUp();
    publishStatus();
  }

  private void applyHold() {
    if (tracker.setHold(clock.instant(), wantedHold.get())) {
      afterStep();
    }
  }

  private void afterStep() {
    Map<String, Member> effective = tracker.effective();
    boolean changed = tracker.initialised() && !effective.equals(emitted);
    if (changed) {
      logChange(emitted == null ? Map.of() : emitted, effective);
      emitted = effective;
    }
    publishStatus();
    reschedule();
    if (changed && tasks.isRunning()) {
      try {
        listener.onMembers(effective);
      } catch (RuntimeException e) {
        log.error("[membership] {}: listener failed", service, e);
      }
    }
  }

  private void logChange(Map<String, Member> before, Map<String, Member> after) {
    List<String> diff = new ArrayList<>();
    after.forEach(
        (n, m) -> {
          if (!m.equals(before.get(n))) {
            diff.add(
                (before.containsKey(n) ? "~" : "+")
                    + n
                    + " (weight "
                    + m.weight()
                    + (m.zone().isEmpty() ? "" : ", zone " + m.zone())
                    + (m.maxSeries() > 0 ? ", max_series " + m.maxSeries() : "")
                    + ")");
          }
        });
    before.keySet().stream().filter(n -> !after.containsKey(n)).forEach(n -> diff.add("-" + n));
    log.info(
        "[membership] {}: {} effective node(s){}",
        service,
        after.size(),
        diff.isEmpty() ? "" : ": " + String.join(", ", diff));
    if (after.isEmpty()) {
      log.warn("[membership] {}: NO healthy nodes; the last assignment should be kept", service);
    }
  }

  private void reschedule() {
    cancelWakeUp();
    if (frozen || !tasks.isRunning()) {
      return;
    }
    tracker
        .nextDeadline()
        .ifPresent(
            due -> {
              long nanos =
                  Math.max(0, Duration.between(clock.instant(), due).toNanos())
                      + TimeUnit.MILLISECONDS.toNanos(1);
              wakeUp = tasks.schedule(this::onDeadline, Duration.ofNanos(nanos));
            });
  }

  private void cancelWakeUp() {
    if (wakeUp != null) {
      wakeUp.cancel();
      wakeUp = null;
    }
  }

  private void publishStatus() {
    status =
        new MembershipStatus(
            service,
            tracker.hold(),
            tracker.effective(),
            raw,
            tracker.pending(),
            lastContact,
            lastError);
  }

  private static Duration checkHold(Duration hold) {
    if (hold == null || hold.isNegative()) {
      throw new IllegalArgumentException("flap_hold: must be >= 0, found " + hold);
    }
    return hold;
  }
}
