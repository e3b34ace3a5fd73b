package io.promeshard.coordinator.dispatch;

import java.util.Map;

/**
 * What the dispatcher tells metrics about: leadership, each dispatch and the resulting node loads.
 */
public interface DispatchObserver {
  void leadership(boolean isLeader, long epoch);

  /** A dispatch ended: {@code result} is changed, unchanged or error. */
  void dispatched(String result, double seconds);

  /**
   * Where a dispatch that went through spent its time: seconds per phase (decide, shares, guard,
   * plan, write), adding up to the dispatch.
   */
  default void phases(Map<String, Double> seconds) {}

  /**
   * A dispatch wrote {@code keys} keys of {@code bytes} bytes, moving {@code moved} assignments.
   */
  void published(int moved, int keys, long bytes);

  void nodes(Map<String, Integer> targets, Map<String, Double> cost, Map<String, Integer> rules);

  /**
   * A dispatch went through with {@code r} as its handover outcome, leaving {@code inProgress}
   * going on.
   */
  void handovers(HandoverPlanner.Result r, Handovers inProgress);

  /** What placing by load did in a published dispatch ({@link LoadOutcome#OFF} when off). */
  default void load(LoadOutcome load) {}

  /** A dispatch is held back ({@code true}) or no longer held ({@code false}). */
  void held(boolean isHeld);
}
