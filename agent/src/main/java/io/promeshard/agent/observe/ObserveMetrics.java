package io.promeshard.agent.observe;

/** The metrics the observer moves; implementations do not throw. */
public interface ObserveMetrics {
  /** Targets awaiting their first scrape and rule groups awaiting an evaluation, now. */
  void pending(int unscrapedTargets, int unevaluatedGroups);

  /** A read of Prometheus' API failed (no answer, an HTTP error, a reply not understood). */
  void observeFailed();
}
