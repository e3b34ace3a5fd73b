package io.promeshard.coordinator.shard;

import java.util.Arrays;

/**
 * One item's weighted-rendezvous preferences over the nodes. Node a comes before node b when its
 * score {@code -ln(u) / capacity} is smaller, then when its draw u is larger, then when its index
 * is smaller. Nodes of equal capacity are ordered by draw alone (the score is monotone in it), so
 * logarithms are computed only to compare nodes of different capacities, lazily. Finding the best
 * node that passes a test is one linear scan per capacity group, never a sort. Not thread-safe.
 */
final class Ranker {
  private final long[] nodeHash;
  private final double[] capacity;
  private final int[] group;
  private final int groups;
  private final long[] draw;
  private final double[] score;
  private final int[] groupBest;

  Ranker(long[] nodeHash, double[] capacity) {
    this.nodeHash = nodeHash;
    this.capacity = capacity;
    int nodes = nodeHash.length;
    this.group = new int[nodes];
    double[] distinct = Arrays.stream(capacity).distinct().sorted().toArray();
    for (int n = 0; n < nodes; n++) {
      group[n] = Arrays.binarySearch(distinct, capacity[n]);
    }
    this.groups = distinct.length;
    this.draw = new long[nodes];
    this.score = new double[nodes];
    this.groupBest = new int[groups];
  }

  /** Makes the item with this hash the current one. */
  void load(long itemHash) {
    for (int n = 0; n < draw.length; n++) {
      draw[n] = Hashing.draw(itemHash, nodeHash[n]);
    }
    if (groups > 1) {
      Arrays.fill(score, Double.NaN);
    }
  }

  /** Whether node a comes before node b for the current item. */
  boolean better(int a, int b) {
    if (group[a] != group[b]) {
      double sa = score(a);
      double sb = score(b);
      if (sa != sb) {
        return sa < sb;
      }
    }
    if (draw[a] != draw[b]) {
      return draw[a] > draw[b];
    }
    return a < b;
  }

  /**
   * Whether node a comes before node b for the item with this hash: the answer {@link #better}
   * gives once that item is loaded, from the two nodes' draws alone. Leaves the current item as it
   * is.
   */
  boolean better(long itemHash, int a, int b) {
    long da = Hashing.draw(itemHash, nodeHash[a]);
    long db = Hashing.draw(itemHash, nodeHash[b]);
    if (group[a] != group[b]) {
      double sa = Hashing.score(da, capacity[a]);
      double sb = Hashing.score(db, capacity[b]);
      if (sa != sb) {
        return sa < sb;
      }
    }
    if (da != db) {
      return da > db;
    }
    return a < b;
  }

  /** The current item's score for node n (smaller is better). */
  double score(int n) {
    if (groups == 1 || Double.isNaN(score[n])) {
      double s = Hashing.score(draw[n], capacity[n]);
      if (groups > 1) {
        score[n] = s;
      }
      return s;
    }
    return score[n];
  }

  /** Tests a node for the current item. */
  @FunctionalInterface
  interface NodeTest {
    boolean test(int node);
  }

  /** The best-ranked node passing the test, or -1 if none does. */
  int best(NodeTest test) {
    if (groups == 1) {
      int b = -1;
      for (int n = 0; n < draw.length; n++) {
        if ((b < 0 || draw[n] > draw[b]) && test.test(n)) {
          b = n;
        }
      }
      return b;
    }
    Arrays.fill(groupBest, -1);
    for (int n = 0; n < draw.length; n++) {
      int g = group[n];
      if ((groupBest[g] < 0 || draw[n] > draw[groupBest[g]]) && test.test(n)) {
        groupBest[g] = n;
      }
    }
    int b = -1;
    for (int g = 0; g < groups; g++) {
      if (groupBest[g] >= 0 && (b < 0 || better(groupBest[g], b))) {
        b = groupBest[g];
      }
    }
    return b;
  }

  /** Writes the current item's best {@code r} nodes, best first, into out[0, r). */
  void top(int r, int[] out) {
    for (int k = 0; k < r; k++) {
      final int taken = k;
      out[k] =
          best(
              n -> {
                for (int q = 0; q < taken; q++) {
                  if (out[q] == n) {
                    return false;
                  }
                }
                return true;
              });
    }
  }

  /** All nodes in the current item's preference order (for explanations; sorts). */
  int[] ranking() {
    Integer[] order = new Integer[draw.length];
    for (int n = 0; n < order.length; n++) {
      order[n] = n;
    }
    Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : better(a, b) ? -1 : 1);
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }
}
