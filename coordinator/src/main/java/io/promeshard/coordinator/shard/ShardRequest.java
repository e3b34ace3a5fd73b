package io.promeshard.coordinator.shard;

import java.util.List;

/**
 * Everything {@link Sharder} needs for one assignment: the items, the healthy nodes, the replica
 * count R, the balance factor and, optionally, the previous assignment to stay close to. Throws
 * IllegalArgumentException (naming the field and the bad value) for null lists or elements, {@code
 * replicas < 1}, a balance outside (0, 1] or a cost balance outside (0, 2].
 *
 * <p>{@code balance} is the count slack: no node holds more than {@code (1 + balance)} times its
 * capacity-proportional share of items; {@code costBalance} is the cost slack, by default twice
 * that (0.05 → 1.05 and 1.10). Placing by observed load, where the cost is what fills a server,
 * tightens the cost slack and loosens the count slack instead (see {@link #loadAware}).
 */
public record ShardRequest(
    List<ShardItem> items,
    List<ShardNode> nodes,
    int replicas,
    double balance,
    Assignment previous,
    double costBalance) {
  public static final double DEFAULT_BALANCE = 0.05;

  /** The count slack of a {@link #loadAware} request. */
  public static final double LOAD_AWARE_COUNT_BALANCE = 0.25;

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
    if (!(costBalance > 0 && costBalance <= 2)) {
      throw new IllegalArgumentException(
          "shard request: cost balance must be in (0, 2], found " + costBalance);
    }
    items = List.copyOf(items);
    nodes = List.copyOf(nodes);
  }

  /** Cost slack twice the count slack: the usual request, costs being relative weights. */
  public ShardRequest(
      List<ShardItem> items,
      List<ShardNode> nodes,
      int replicas,
      double balance,
      Assignment previous) {
    this(items, nodes, replicas, balance, previous, 2 * balance);
  }

  /**
   * A request whose costs are measured load (samples per scrape): the cost slack is {@code balance}
   * (series are what fill a server), the count slack {@link #LOAD_AWARE_COUNT_BALANCE} (a count
   * bound as tight as the cost bound would leave little freedom to balance series).
   */
  public ShardRequest loadAware() {
    return new ShardRequest(
        items, nodes, replicas, Math.max(balance, LOAD_AWARE_COUNT_BALANCE), previous, balance);
  }

  /** One replica, default balance, no previous assignment. */
  public static ShardRequest of(List<ShardItem> items, List<ShardNode> nodes) {
    return new ShardRequest(items, nodes, 1, DEFAULT_BALANCE, null, 2 * DEFAULT_BALANCE);
  }

  /** The same request, staying close to {@code previous} (which may be null). */
  public ShardRequest withPrevious(Assignment previous) {
    return new ShardRequest(items, nodes, replicas, balance, previous, costBalance);
  }

  /** The same request over another list of items (e.g. the same keys at other costs). */
  public ShardRequest withItems(List<ShardItem> items) {
    return new ShardRequest(items, nodes, replicas, balance, previous, costBalance);
  }

  /** The same request over another set of nodes. */
  public ShardRequest withNodes(List<ShardNode> nodes) {
    return new ShardRequest(items, nodes, replicas, balance, previous, costBalance);
  }
}
