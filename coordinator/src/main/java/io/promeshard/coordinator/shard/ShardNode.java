package io.promeshard.coordinator.shard;

/**
 * A healthy Prometheus server that can own items: its name, its capacity weight (a node of weight 2
 * gets about twice the items and cost of a node of weight 1), its zone ({@code ""} when unknown;
 * every node of unknown zone counts as a zone of its own) and the most cost it may ever hold
 * ({@code maxCost}, infinite for no limit; a server's declared {@code max_series}). Throws
 * IllegalArgumentException for an empty name, a null zone, a capacity that is not finite and
 * positive or a maxCost that is not positive.
 */
public record ShardNode(String name, double capacity, String zone, double maxCost) {
  public ShardNode {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("shard node: name must not be empty");
    }
    if (!(capacity > 0) || Double.isInfinite(capacity)) {
      throw new IllegalArgumentException(
          "shard node " + name + ": capacity must be a finite number > 0, found " + capacity);
    }
    if (zone == null) {
      throw new IllegalArgumentException(
          "shard node " + name + ": zone must not be null (use \"\" for unknown)");
    }
    if (!(maxCost > 0)) {
      throw new IllegalArgumentException(
          "shard node " + name + ": max cost must be > 0 (infinite for none), found " + maxCost);
    }
  }

  /** A node without a cost limit. */
  public ShardNode(String name, double capacity, String zone) {
    this(name, capacity, zone, Double.POSITIVE_INFINITY);
  }

  /** A node of capacity 1 in an unknown zone. */
  public static ShardNode of(String name) {
    return new ShardNode(name, 1.0, "");
  }
}
