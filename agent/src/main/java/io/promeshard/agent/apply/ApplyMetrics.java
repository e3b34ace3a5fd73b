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

  /**
   * One apply step took {@code seconds}: writing the changed files and, when it carries rules or
   * scrape configs, the reload; failed steps included.
   */
  default void applyTook(double seconds) {}

  /** {@code kind} is {@code targets}, {@code rules} or {@code scrape_configs}. */
  void filesWritten(String kind, int count);

  /** How many jobs of the share have scrape settings the local Prometheus cannot take. */
  default void jobsUnsupported(int jobs) {}

  /** A reload was answered ({@code ok} or not), or Prometheus did not answer it. */
  void reload(ReloadResult result);

  /** An apply step failed for {@code reason} (a {@link Stall.Reason#label()}) and is retried. */
  void applyFailed(String reason);

  /** Whether the loop is retrying because of {@code reason} (a {@link Stall.Reason#label()}). */
  void stalled(String reason, boolean stalled);
}
