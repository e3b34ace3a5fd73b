package io.promeshard.protocol.consul;

import io.promeshard.protocol.consul.WatchIndex.Outcome;
import java.io.Closeable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Consul blocking-query loop on its own thread: delivers the first reply, then each reply whose
 * index moved and whose value differs (index rules in {@link WatchIndex}); paces polls by a minimum
 * interval plus jitter; on errors retries forever with the retry policy from index 0, reporting each
 * failure to the listener. {@link #close()}
 * cancels the fetch in flight and returns within about a second; no callback runs after it returns.
 */
public final class BlockingWatch<T> implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(BlockingWatch.class);
  private static final long CLOSE_JOIN_MILLIS = 1000;

  private enum State { NEW, RUNNING, CLOSED }

  private final String name;
  private final Fetcher<T> fetcher;
  private final WatchListener<T> listener;
  private final WatchOptions options;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final Object callbackLock = new Object();
  private volatile Thread thread;

  public BlockingWatch(String name, Fetcher<T> fetcher, WatchListener<T> listener, WatchOptions options) {
    this.name = Objects.requireNonNull(name, "name");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Starts the loop thread; IllegalStateException when already started or closed. */
  public BlockingWatch<T> start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("[watch] " + name + ": start() called twice or after close (" + state.get() + ")");
    }
    Thread t = new Thread(this::loop, "watch-" + name);
    t.setDaemon(true);
    thread = t;
    t.start();
    return this;
  }

  public String name() {
    return name;
  }

  /** True while the loop thread runs. */
  public boolean isAlive() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  /** Stops the loop: cancels the fetch in flight, waits for a running callback, joins the thread (≤ 1 s). */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    closeSignal.countDown();
    fetcher.cancel();
    synchronized (callbackLock) {
      // a callback in progress finishes before close returns; later ones see CLOSED
    }
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(CLOSE_JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        log.warn("[watch] {}: loop thread still busy {} ms after close (fetch not cancellable?)", name, CLOSE_JOIN_MILLIS);
      }
    }
    log.debug("[watch] {}: closed", name);
  }

  private boolean closed() {
    return state.get() == State.CLOSED;
  }

  private void loop() {
    WatchIndex index = new WatchIndex();
    T last = null;
    boolean delivered = false;
    int failures = 0;
    long nextPollNanos = System.nanoTime();
    while (!closed()) {
      if (!pauseUntil(nextPollNanos)) {
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
        int attempt = ++failures;
        Duration delay = options.retry().delay(attempt);
        log.warn("[watch] {}: retry {} in {} ms: {}", name, attempt, delay.toMillis(), e.toString());
        callback(() -> listener.onError(e, attempt, delay));
        nextPollNanos = Math.max(nextPollNanos, System.nanoTime() + delay.toNanos());
        continue;
      }
      if (failures > 0) {
        log.info("[watch] {}: recovered after {} failed attempts", name, failures);
        failures = 0;
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

  private Duration pacing() {
    long jitter = options.jitter().toNanos();
    long extra = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1);
    return options.minInterval().plusNanos(extra);
  }

  /** Waits until {@code deadlineNanos} or close; false when closed. */
  private boolean pauseUntil(long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return !closed();
    }
    try {
      return !closeSignal.await(remaining, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void callback(Runnable r) {
    synchronized (callbackLock) {
      if (closed()) {
        return;
      }
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("[watch] {}: listener failed", name, e);
      }
    }
  }

  @Override
  public String toString() {
    return "BlockingWatch[" + name + ", " + state.get() + "]";
  }
}
