package io.promeshard.coordinator.shard;

import java.util.List;

/**
 * Everything {@link Sharder} needs for one assignment: the items, the healthy nodes, the replica
 * count R, the balance factor and, optionally, the previous assignment to stay close to. Throws
 * IllegalArgumentException (naming the field and the bad value) for null lists or elements, {@code
 * replicas < 1} or a balance outside (0, 1].
 *
 * <p>{@code balance} is the count slack: no node holds more than {@code (1 + balance)} times its
 * capacity-proportional share of items; the cost slack is twice that (0.05 → 1.05 and 1.10).
 */
public record ShardRequest(
    List<ShardItem> items,
    List<ShardNode> nodes,
    int replicas,
    double balance,
    Assignment previous) {
  public static final double DEFAULT_BALANCE = 0.05;

  public ShardRequest {
    if (items == null) {
      throw new IllegalArgumentException("shard request: items must not be null");
    }
    if (nodes == null) {
      throw new IllegalArgumentException("shard request: nodes must not be null");
    }
    if (replicas < 1) {
      throw new IllegalArgumentException("shard request: replicas must be >= 1, found " + replicas);
    }
    if (!(balance > 0 && balance <= 1)) {
      throw new IllegalArgumentException(
          "shard request: balance must be in (0, 1], found " + balance);
    }
    // List.of(..).contains(null) throws, so look element by element.
    for (ShardItem item : items) {
      if (item == null) {
        throw new IllegalArgumentException("shard request: items must not contain null");
      }
    }
    for (ShardNode node : nodes) {
      if (node == null) {
        throw new IllegalArgumentException("shard request: nodes must not contain null");
      }
    }
    items = List.copyOf(items);
    nodes = List.copyOf(nodes);
  }

  /** One replica, default balance, no previous assignment. */
  public static ShardRequest of(List<ShardItem> items, List<ShardNode> nodes) {
    return new ShardRequest(items, nodes, 1, DEFAULT_BALANCE, null);
  }

  /** The same request, staying close to {@code previous} (which may be null). */
  public ShardRequest withPrevious(Assignment previous) {
    return new ShardRequest(items, nodes, replicas, balance, previous);
  }

  /** The same request over another set of nodes. */
  public ShardRequest withNodes(List<ShardNode> nodes) {
    return new ShardRequest(items, nodes, replicas, balance, previous);
  }
}
