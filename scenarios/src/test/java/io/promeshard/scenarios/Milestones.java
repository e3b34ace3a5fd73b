package io.promeshard.scenarios;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Times how long after an event each of several conditions first held, by polling them all every
 * ~50 ms until every one has held once. A condition that throws has not held yet. Not reaching them
 * all before the deadline throws AssertionError listing what was and was not reached, and the last
 * error a pending condition threw.
 */
final class Milestones {
  private static final long POLL_MILLIS = 50;

  private final long eventNanos;
  private final Map<String, BooleanSupplier> pending = new LinkedHashMap<>();
  private final Map<String, Duration> reached = new LinkedHashMap<>();

  /** Milestones of an event that happened at {@code eventNanos} ({@link System#nanoTime()}). */
  Milestones(long eventNanos) {
    this.eventNanos = eventNanos;
  }

  Milestones add(String name, BooleanSupplier condition) {
    pending.put(name, condition);
    return this;
  }

  /**
   * Polls until every condition has held once; returns the time after the event each first held.
   */
  Map<String, Duration> await(Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException lastError = null;
    while (true) {
      var it = pending.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        boolean held;
        try {
          held = e.getValue().getAsBoolean();
        } catch (RuntimeException ex) {
          lastError = ex;
          held = false;
        }
        if (held) {
          reached.put(e.getKey(), Duration.ofNanos(System.nanoTime() - eventNanos));
          it.remove();
        }
      }
      if (pending.isEmpty()) {
        return Map.copyOf(reached);
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError err =
            new AssertionError(
                "timed out after "
                    + timeout
                    + " waiting for "
                    + what
                    + ": reached "
                    + reached
                    + ", not reached "
                    + pending.keySet());
        if (lastError != null) {
          err.initCause(lastError);
        }
        throw err;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
