package io.promeshard.bench.fleet;

import java.time.Duration;

/**
 * Deliberate pauses between measured changes (pacing, not synchronisation); restores the interrupt
 * flag.
 */
public final class Pace {
  private Pace() {}

  public static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pacing changes", e);
    }
  }
}
