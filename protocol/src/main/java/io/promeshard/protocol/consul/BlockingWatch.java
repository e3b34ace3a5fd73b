package io.promeshard.protocol.consul;

import io.promeshard.protocol.consul.WatchIndex.Outcome;
import io.promeshard.protocol.lifecycle.Lifecycle;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Consul blocking-query loop on its own thread: delivers the first reply, then each reply whose
 * index moved and whose value differs (index rules in {@link WatchIndex}); paces polls by a minimum
 * interval plus jitter; on errors retries forever with the {@link RetryPolicy} from index 0,
 * reporting each failure to the listener, and at once when the fetcher's {@link ConsulReachability}
 * records that Consul answered another call meanwhile. {@link #close()} cancels the fetch in flight
 * and returns within about a second; no callback runs after it returns.
 */
public final class BlockingWatch<T> extends Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(BlockingWatch.class);
  private static final Duration CLOSE_JOIN = Duration.ofSeconds(1);

  /** How often a backoff wait looks whether Consul answered another call. */
  private static final Duration RECOVERY_CHECK = Duration.ofMillis(100);

  private final String name;
  private final Fetcher<T> fetcher;
  private final WatchListener<T> listener;
  private final WatchOptions options;

  public BlockingWatch(
      String name, Fetcher<T> fetcher, WatchListener<T> listener, WatchOptions options) {
    super("watch-" + Objects.requireNonNull(name, "name"), CLOSE_JOIN);
    this.name = name;
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Starts the loop thread; IllegalStateException when already started or closed. */
  @Override
  public BlockingWatch<T> start() {
    super.start();
    return this;
  }

  public String name() {
    return name;
  }

  @Override
  protected void onClose() {
    fetcher.cancel();
  }

  private boolean closed() {
    return !isRunning();
  }

  @Override
  protected void run() {
    WatchIndex index = new WatchIndex();
    T last = null;
    boolean delivered = false;
    int failures = 0;
    long nextPollNanos = System.nanoTime();
    long recoveriesAtFailure = -1;
    while (!closed()) {
      if (!waitUntil(nextPollNanos, recoveriesAtFailure)) {
        break;
      }
      nextPollNanos = System.nanoTime() + pacing().toNanos();
      ConsulResponse<T> reply;
      try {
        log.debug("[watch] {}: fetch index {}", name, index.next());
        reply = fetcher.fetch(index.next(), options.waitTime());
      } catch (Exception e) {
        if (closed()) {
          break;
        }
        index.reset();
        recoveriesAtFailure = fetcher.reachability().recoveries();
        int attempt = ++failures;
        Duration delay = options.retry().delay(attempt);
        log.warn(
            "[watch] {}: retry {} in {} ms: {}", name, attempt, delay.toMillis(), e.toString());
        callback(() -> listener.onError(e, attempt, delay));
        nextPollNanos = Math.max(nextPollNanos, System.nanoTime() + delay.toNanos());
        continue;
      }
      if (failures > 0) {
        log.info("[watch] {}: recovered after {} failed attempts", name, failures);
        failures = 0;
        recoveriesAtFailure = -1;
        callback(listener::onRecovered);
      }
      Outcome outcome = index.observe(reply.index());
      log.debug("[watch] {}: reply index {} -> {}", name, reply.index(), outcome);
      if (outcome == Outcome.RESET) {
        log.info("[watch] {}: index went backwards to {}, restarting from 0", name, reply.index());
        continue;
      }
      if (outcome == Outcome.UNCHANGED || (delivered && Objects.equals(last, reply.value()))) {
        continue;
      }
      T value = reply.value();
      long at = reply.index();
      last = value;
      delivered = true;
      log.debug("[watch] {}: change at index {}", name, at);
      callback(() -> listener.onChange(value, at));
    }
    log.debug("[watch] {}: loop ended", name);
  }

  /**
   * Waits until {@code untilNanos}; a backoff wait ({@code recoveriesAtFailure >= 0}) ends early
   * once Consul answered another call of this client. False when closed.
   */
  private boolean waitUntil(long untilNanos, long recoveriesAtFailure) {
    while (true) {
      long left = untilNanos - System.nanoTime();
      if (left <= 0) {
        return !closed();
      }
      if (recoveriesAtFailure >= 0 && fetcher.reachability().recoveries() != recoveriesAtFailure) {
        log.debug("[watch] {}: Consul answers other calls again; retrying now", name);
        return !closed();
      }
      long slice = recoveriesAtFailure >= 0 ? Math.min(left, RECOVERY_CHECK.toNanos()) : left;
      if (!pause(Duration.ofNanos(slice))) {
        return false;
      }
    }
  }

  private Duration pacing() {
    long jitter = options.jitter().toNanos();
    long extra = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1);
    return options.minInterval().plusNanos(extra);
  }

  private void callback(Runnable r) {
    step(
        () -> {
          try {
            r.run();
          } catch (RuntimeException e) {
            log.error("[watch] {}: listener failed", name, e);
          }
        });
  }

  @Override
  public String toString() {
    return "BlockingWatch[" + name + ", " + state() + "]";
  }
}
