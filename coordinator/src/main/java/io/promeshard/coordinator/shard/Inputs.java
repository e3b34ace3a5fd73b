package io.promeshard.coordinator.shard;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request in canonical form: items sorted by key hash (then key), nodes sorted by name, hashes,
 * zone ids and bounds computed once. Everything later depends only on this, which is why input
 * order does not matter. Throws IllegalArgumentException naming a duplicate key or node.
 */
final class Inputs {
  /** Item indexes must fit in 29 bits (see the fill order in {@link Sharder}). */
  static final int MAX_ITEMS = 1 << 29;

  final String[] keys;
  final long[] itemHash;
  final double[] cost;
  final String[] nodes;
  final long[] nodeHash;
  final double[] capacity;
  final String[] zoneName;

  /**
   * The most cost each node may hold (infinite for no limit): a hard limit, see {@link #costLimit}.
   */
  final double[] maxCost;

  /** Zone id per node; a node of unknown zone has a zone of its own. */
  final int[] zone;

  final boolean distinctZones;

  /** Owners per item: the requested replicas, at most the node count. */
  final int replicas;

  final double[] countShare;
  final int[] countBound;
  final double[] costShare;
  final double[] costBound;

  /** See {@link Bounds#costSlacks}. */
  final double[] costSlack;

  /**
   * The request's item list: an assignment made from these inputs remembers it, so that the next
   * request over the very same list reuses the canonical arrays instead of hashing and sorting the
   * items again.
   */
  final List<ShardItem> items;

  /** listIndex[i]: the position of item i in {@link #items}. */
  final int[] listIndex;

  private Inputs(ShardRequest req, boolean reuseItems) {
    ShardNode[] sorted = req.nodes().toArray(new ShardNode[0]);
    Arrays.sort(sorted, Comparator.comparing(ShardNode::name));
    int nodeCount = sorted.length;
    nodes = new String[nodeCount];
    nodeHash = new long[nodeCount];
    capacity = new double[nodeCount];
    zoneName = new String[nodeCount];
    maxCost = new double[nodeCount];
    for (int n = 0; n < nodeCount; n++) {
      if (n > 0 && sorted[n].name().equals(nodes[n - 1])) {
        throw new IllegalArgumentException("shard request: duplicate node " + sorted[n].name());
      }
      nodes[n] = sorted[n].name();
      nodeHash[n] = Hashing.node(nodes[n]);
      capacity[n] = sorted[n].capacity();
      zoneName[n] = sorted[n].zone();
      maxCost[n] = sorted[n].maxCost();
    }
    zone = zoneIds(nodes, zoneName);
    replicas = Math.min(req.replicas(), nodeCount);
    distinctZones = replicas > 1 && Arrays.stream(zone).distinct().count() >= replicas;

    List<ShardItem> items = req.items();
    if (items.size() > MAX_ITEMS) {
      throw new IllegalArgumentException(
          "shard request: " + items.size() + " items, at most " + MAX_ITEMS);
    }
    this.items = items;
    Assignment previous = req.previous();
    if (reuseItems && previous != null && previous.madeFrom(items)) {
      // the very list the previous assignment was made from: its canonical arrays are these
      keys = previous.keyArray();
      itemHash = previous.hashArray();
      cost = previous.costArray();
      listIndex = previous.listIndexArray();
    } else {
      itemHash = new long[items.size()];
      int[] order = canonicalOrder(items, itemHash);
      listIndex = order;
      keys = new String[order.length];
      cost = new double[order.length];
      for (int i = 0; i < order.length; i++) {
        ShardItem item = items.get(order[i]);
        if (i > 0 && itemHash[i] == itemHash[i - 1] && item.key().equals(keys[i - 1])) {
          throw new IllegalArgumentException("shard request: duplicate key " + item.key());
        }
        keys[i] = item.key();
        cost[i] = item.cost();
      }
    }
    double totalCost = 0;
    for (double c : cost) {
      totalCost += c;
    }

    double costSlackFactor = req.costBalance();
    countShare = Bounds.countShares(keys.length, replicas, capacity);
    countBound = Bounds.counts(countShare, keys.length, req.balance());
    costShare = Bounds.costShares(totalCost, replicas, capacity, maxCost);
    costBound = new double[nodeCount];
    for (int n = 0; n < nodeCount; n++) {
      costBound[n] = Math.min(maxCost[n], costShare[n] * (1 + costSlackFactor));
    }
    costSlack = Bounds.costSlacks(costShare, costSlackFactor, countShare, Bounds.cheapCost(cost));
  }

  static Inputs of(ShardRequest req) {
    return new Inputs(req, true);
  }

  /** Without reusing the previous assignment's arrays: the reference for tests. */
  static Inputs fresh(ShardRequest req) {
    return new Inputs(req, false);
  }

  /**
   * The cost node n may hold when the costliest item it holds costs {@code largest}: see {@link
   * Bounds#costLimit}, never above the node's maxCost.
   */
  double costLimit(int n, double largest) {
    return Math.min(
        maxCost[n], Bounds.costLimit(costBound[n], costShare[n], costSlack[n], largest));
  }

  /** Whether any node has a maxCost. */
  boolean capped() {
    for (double m : maxCost) {
      if (m != Double.POSITIVE_INFINITY) {
        return true;
      }
    }
    return false;
  }

  int itemCount() {
    return keys.length;
  }

  int nodeCount() {
    return nodes.length;
  }

  private static int[] zoneIds(String[] nodes, String[] zoneNames) {
    Map<String, Integer> ids = new HashMap<>();
    int[] zone = new int[nodes.length];
    for (int n = 0; n < nodes.length; n++) {
      String key = zoneNames[n].isEmpty() ? "\u0000" + nodes[n] : zoneNames[n];
      zone[n] = ids.computeIfAbsent(key, k -> ids.size());
    }
    return zone;
  }

  /**
   * Fills {@code hashes} with the items' key hashes in canonical order (by hash as unsigned value,
   * then by key) and returns, for each position, the item's index in the list.
   */
  private static int[] canonicalOrder(List<ShardItem> items, long[] hashes) {
    int[] order = new int[items.size()];
    for (int i = 0; i < order.length; i++) {
      hashes[i] = Hashing.item(items.get(i).key());
      order[i] = i;
    }
    Radix.sort(hashes, order);
    // Equal hashes (the same key twice, or a 64-bit collision) are ordered by key.
    for (int from = 0; from < hashes.length; ) {
      int to = from + 1;
      while (to < hashes.length && hashes[to] == hashes[from]) {
        to++;
      }
      if (to - from > 1) {
        Integer[] run = new Integer[to - from];
        for (int k = from; k < to; k++) {
          run[k - from] = order[k];
        }
        Arrays.sort(run, Comparator.comparing(k -> items.get(k).key()));
        for (int k = from; k < to; k++) {
          order[k] = run[k - from];
        }
      }
      from = to;
    }
    return order;
  }
}
