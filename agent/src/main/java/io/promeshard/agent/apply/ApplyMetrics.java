package io.promeshard.agent.apply;

import java.time.Instant;

/** The counters the apply loop moves; implementations do not throw. */
public interface ApplyMetrics {
  /**
   * A snapshot was read: {@code complete}, {@code incomplete}, {@code malformed}, {@code too_large}
   * or {@code no_manifest}.
   */
  void snapshot(String result);

  void applied(long generation, Instant at);

  /** {@code kind} is {@code targets} or {@code rules}. */
  void filesWritten(String kind, int count);

  void reload(boolean ok);
}
