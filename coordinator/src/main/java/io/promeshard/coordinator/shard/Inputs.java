package io.promeshard.coordinator.shard;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request in canonical form: items sorted by key hash (then key), nodes sorted by name, hashes, zone ids and
 * bounds computed once. Everything later depends only on this, which is why input order does not
 * matter. Throws IllegalArgumentException naming a duplicate key or node.
 */
final class Inputs {
  final String[] keys;
  final long[] itemHash;
  final double[] cost;
  final double totalCost;
  final String[] nodes;
  final long[] nodeHash;
  final double[] capacity;
  final String[] zoneName;
  final int[] zone;
  final boolean distinctZones;
  final int replicas;
  final double[] countShare;
  final int[] countBound;
  final double[] costBound;
  final double[] costShare;
  final double[] costSlack;

  private Inputs(ShardRequest req) {
    ShardNode[] sortedNodes = req.nodes().toArray(new ShardNode[0]);
    Arrays.sort(sortedNodes, Comparator.comparing(ShardNode::name));
    int nodeCount = sortedNodes.length;
    nodes = new String[nodeCount];
    nodeHash = new long[nodeCount];
    capacity = new double[nodeCount];
    zoneName = new String[nodeCount];
    zone = new int[nodeCount];
    Map<String, Integer> zoneIds = new HashMap<>();
    for (int n = 0; n < nodeCount; n++) {
      ShardNode node = sortedNodes[n];
      if (n > 0 && node.name().equals(nodes[n - 1])) {
        throw new IllegalArgumentException("shard request: duplicate node " + node.name());
      }
      nodes[n] = node.name();
      nodeHash[n] = Hashing.node(node.name());
      capacity[n] = node.capacity();
      zoneName[n] = node.zone();
      // A node of unknown zone is a zone of its own: it conflicts with nothing.
      String zoneKey = node.zone().isEmpty() ? "\u0000" + node.name() : node.zone();
      zone[n] = zoneIds.computeIfAbsent(zoneKey, k -> zoneIds.size());
    }
    replicas = Math.min(req.replicas(), nodeCount);
    distinctZones = replicas > 1 && zoneIds.size() >= replicas;

    List<ShardItem> items = req.items();
    int count = items.size();
    long[] hashes = new long[count];
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      hashes[i] = Hashing.item(items.get(i).key());
      order[i] = i;
    }
    Radix.sort(hashes, order);
    sortEqualHashRunsByKey(hashes, order, items);
    keys = new String[count];
    itemHash = hashes;
    cost = new double[count];
    double total = 0;
    for (int i = 0; i < count; i++) {
      ShardItem item = items.get(order[i]);
      if (i > 0 && hashes[i] == hashes[i - 1] && item.key().equals(keys[i - 1])) {
        throw new IllegalArgumentException("shard request: duplicate key " + item.key());
      }
      keys[i] = item.key();
      cost[i] = item.cost();
      total += cost[i];
    }
    totalCost = total;
    countShare = Bounds.countShares(count, replicas, capacity);
    countBound = Bounds.counts(countShare, count, req.balance());
    double costSlackFactor = 2 * req.balance();
    costShare = Bounds.costShares(totalCost, replicas, capacity);
    costBound = new double[nodeCount];
    for (int n = 0; n < nodeCount; n++) {
      costBound[n] = costShare[n] * (1 + costSlackFactor);
    }
    costSlack = Bounds.costSlacks(costShare, costSlackFactor, countShare, Bounds.cheapCost(cost));
  }

  /** Equal hashes (the same key twice, or a 64-bit collision) are ordered by key, canonically. */
  private static void sortEqualHashRunsByKey(long[] hashes, int[] order, List<ShardItem> items) {
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
  }

  static Inputs of(ShardRequest req) {
    return new Inputs(req);
  }

  int itemCount() {
    return keys.length;
  }

  int nodeCount() {
    return nodes.length;
  }
}
