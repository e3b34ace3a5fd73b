package io.promeshard.coordinator.source;

import io.promeshard.protocol.TargetGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that refreshes on its own thread every {@code refresh}, sooner after a failure (1s, 2s,
 * 4s… capped at {@code refresh}) and sooner when {@link #changed()} sees new input. A failing poll is
 * reported to the listener and retried; the loop ends only when the source is closed.
 */
public abstract class PollingSource implements TargetSource {
  private static final Logger log = LoggerFactory.getLogger(PollingSource.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final long JOIN_MILLIS = 5_000;

  private enum State { NEW, RUNNING, CLOSED }

  /** One poll's outcome: the targets, inputs dropped, and an error for the part that failed (or null). */
  public record Polled(List<TargetGroup> groups, int skipped, Exception partialError) {
    public Polled {
      groups = List.copyOf(groups);
    }

    public static Polled of(List<TargetGroup> groups) {
      return new Polled(groups, 0, null);
    }
  }

  protected final String name;
  private final Duration refresh;
  private final Duration checkInterval;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile Thread thread;

  /** {@code checkInterval} below {@code refresh} makes the loop ask {@link #changed()} that often. */
  protected PollingSource(String name, Duration refresh, Duration checkInterval) {
    this.name = name;
    this.refresh = refresh;
    this.checkInterval = checkInterval.compareTo(refresh) < 0 ? checkInterval : refresh;
  }

  /** Reads the whole current input; throws with context on failure. */
  protected abstract Polled poll() throws Exception;

  /** Cheap check between polls, e.g. file modification times; the default never fires. */
  protected boolean changed() {
    return false;
  }

  /** Aborts an in-flight request when the source closes; the default does nothing. */
  protected void cancel() {}

  protected final boolean running() {
    return state.get() == State.RUNNING;
  }

  @Override
  public final void start(Listener listener) {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("source " + name + ": start called twice or after close");
    }
    Thread t = new Thread(() -> loop(listener), "source " + name);
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  @Override
  public final void close() {
    if (state.getAndSet(State.CLOSED) != State.RUNNING) {
      return;
    }
    cancel();
    Thread t = thread;
    t.interrupt();
    if (t != Thread.currentThread()) {
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        log.warn("[source] {}: still running {} ms after close; abandoning its thread", name, JOIN_MILLIS);
      }
    }
  }

  private void loop(Listener listener) {
    int failures = 0;
    while (running()) {
      long started = System.nanoTime();
      Polled polled = null;
      try {
        polled = poll();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (!running()) {
          return;
        }
        failures++;
        report(listener, e);
      }
      if (polled != null && running()) {
        failures = polled.partialError() == null ? 0 : failures + 1;
        report(listener, polled);
      }
      if (!awaitNext(started, delay(failures))) {
        return;
      }
    }
  }

  private void report(Listener listener, Object outcome) {
    try {
      if (outcome instanceof Polled polled) {
        listener.onTargets(polled.groups(), polled.skipped());
        if (polled.partialError() != null) {
          listener.onError(polled.partialError());
        }
      } else {
        listener.onError((Exception) outcome);
      }
    } catch (RuntimeException e) {
      log.error("[source] {}: listener failed", name, e);
    }
  }

  private Duration delay(int failures) {
    if (failures == 0) {
      return refresh;
    }
    Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 16));
    return backoff.compareTo(refresh) < 0 ? backoff : refresh;
  }

  /** Waits {@code delay} from {@code startedNanos} or until {@link #changed()}; false once closed. */
  private boolean awaitNext(long startedNanos, Duration delay) {
    long deadline = startedNanos + delay.toNanos();
    while (running()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, checkInterval.toNanos()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (running() && checkInterval.compareTo(refresh) < 0 && changed()) {
        log.debug("[source] {}: input changed, refreshing early", name);
        return true;
      }
    }
    return false;
  }
}
