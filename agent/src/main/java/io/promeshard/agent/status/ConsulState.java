package io.promeshard.agent.status;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether the watch currently reaches Consul: since when reads have been failing, the last error
 * and whether any read ever succeeded. Written by the watch thread, read by {@code /healthz};
 * thread-safe.
 */
public final class ConsulState {
  private final long startedNanos = System.nanoTime();
  private long failingSinceNanos;
  private boolean failing;
  private boolean everReached;
  private String lastError = "";

  /** A read succeeded. */
  public synchronized void reached() {
    failing = false;
    everReached = true;
  }

  /** A read failed. */
  public synchronized void failed(Exception error) {
    if (!failing) {
      failing = true;
      failingSinceNanos = System.nanoTime();
    }
    lastError = error.getMessage() == null ? error.toString() : error.getMessage();
  }

  /**
   * How long reads have been failing without a success in between; empty when the last read
   * succeeded.
   */
  public synchronized Optional<Duration> failingFor() {
    return failing
        ? Optional.of(Duration.ofNanos(System.nanoTime() - failingSinceNanos))
        : Optional.empty();
  }

  public synchronized boolean everReached() {
    return everReached;
  }

  public synchronized boolean up() {
    return everReached && !failing;
  }

  public synchronized String lastError() {
    return lastError;
  }

  public Duration sinceStart() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
