package io.promeshard.coordinator.shard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Inputs and quality measures shared by the sharding tests and the benchmark. */
final class ShardFixtures {
  private ShardFixtures() {}

  /**
   * Targets {@code job-k/10.a.b.c:9100} with Pareto(alpha = 1.2, x_min = 1) costs from a fixed
   * seed.
   */
  static List<ShardItem> paretoItems(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<ShardItem> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      double u = 1.0 - random.nextDouble(); // (0, 1]
      items.add(new ShardItem(key(i), Math.pow(u, -1 / 1.2)));
    }
    return items;
  }

  /** Targets of cost 1. */
  static List<ShardItem> unitItems(int count) {
    List<ShardItem> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(ShardItem.of(key(i)));
    }
    return items;
  }

  static String key(int i) {
    return "job-"
        + (i % 7)
        + "/10."
        + ((i >> 16) & 255)
        + "."
        + ((i >> 8) & 255)
        + "."
        + (i & 255)
        + ":9100";
  }

  static List<ShardNode> nodes(int count) {
    List<ShardNode> nodes = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      nodes.add(ShardNode.of(nodeName(n)));
    }
    return nodes;
  }

  static String nodeName(int n) {
    return "prom-" + n + ".example:9090";
  }

  /** Max over nodes of (count / capacity-proportional share of all replica slots). */
  static double countMaxAvg(Assignment a, List<ShardNode> nodes) {
    return maxOverShare(a.countByNode(), nodes);
  }

  /** Max over nodes of (cost / capacity-proportional share of the total cost of all slots). */
  static double costMaxAvg(Assignment a, List<ShardNode> nodes) {
    return maxOverShare(a.costByNode(), nodes);
  }

  private static double maxOverShare(Map<String, ? extends Number> perNode, List<ShardNode> nodes) {
    double total = 0;
    double capacity = 0;
    for (ShardNode n : nodes) {
      total += perNode.get(n.name()).doubleValue();
      capacity += n.capacity();
    }
    double max = 0;
    for (ShardNode n : nodes) {
      double share = total * n.capacity() / capacity;
      max = Math.max(max, perNode.get(n.name()).doubleValue() / share);
    }
    return max;
  }

  static double maxItemCost(List<ShardItem> items) {
    return items.stream().mapToDouble(ShardItem::cost).max().orElse(0);
  }

  static double totalCost(List<ShardItem> items) {
    return items.stream().mapToDouble(ShardItem::cost).sum();
  }

  /** Fraction of the items whose owners changed, over the ideal fraction 1 / nodes. */
  static double movedRatio(Assignment after, Assignment before, int items, int nodes) {
    return after.movedComparedTo(before) / ((double) items / nodes);
  }

  /**
   * Asserts the cost rule of the package documentation, computed here from first principles (one
   * replica, shares by capacity): a node holds at most 1.10 times its cost share, except that a
   * node holding an item costlier than its whole share may hold that item plus the larger of 10% of
   * its share and its count share of the cheaper half's mean cost.
   */
  static void assertCostWithinLimits(
      Assignment a, List<ShardItem> items, List<ShardNode> nodes, String context) {
    Map<String, Double> cost = new HashMap<>();
    items.forEach(item -> cost.put(item.key(), item.cost()));
    double[] sorted = items.stream().mapToDouble(ShardItem::cost).sorted().toArray();
    int half = (sorted.length + 1) / 2;
    double cheap = Arrays.stream(sorted, 0, half).sum() / half;
    double total = totalCost(items);
    double capacity = nodes.stream().mapToDouble(ShardNode::capacity).sum();
    Map<String, List<String>> byNode = a.keysByNode();
    for (ShardNode node : nodes) {
      double share = total * node.capacity() / capacity;
      double countShare = items.size() * node.capacity() / capacity;
      double held = 0;
      double largest = 0;
      for (String key : byNode.get(node.name())) {
        held += cost.get(key);
        largest = Math.max(largest, cost.get(key));
      }
      double limit = 1.10 * share;
      if (largest > share) {
        limit = Math.max(limit, largest + Math.max(0.10 * share, countShare * cheap));
      }
      assertTrue(
          held <= limit * (1 + 1e-9),
          String.format(
              "%s: %s holds cost %.1f, limit %.1f (share %.1f, largest %.1f)",
              context, node.name(), held, limit, share, largest));
    }
  }
}
