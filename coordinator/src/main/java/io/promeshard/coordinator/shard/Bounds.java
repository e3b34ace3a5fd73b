package io.promeshard.coordinator.shard;

/**
 * Per-node upper bounds on count and cost: {@code (1 + slack)} times the node's
 * capacity-proportional share, where a node's share is capped at one copy of every item (with R
 * replicas a node cannot hold an item twice) and the capped remainder is spread over the others.
 */
final class Bounds {
  private Bounds() {}

  /**
   * Count bounds: never below the rounded-up share (so the bounds always sum to at least
   * {@code items * replicas}), otherwise the rounded-down {@code (1 + slack) * share}; share from
   * {@link #countShares}.
   */
  static int[] counts(double[] share, int items, double slack) {
    int[] out = new int[share.length];
    for (int n = 0; n < out.length; n++) {
      long up = (long) Math.ceil(share[n] - 1e-9);
      long slackened = (long) Math.floor((1 + slack) * share[n] + 1e-9);
      out[n] = (int) Math.min(items, Math.max(up, slackened));
    }
    return out;
  }

  /** Each node's fractional share of the {@code items * replicas} slots. */
  static double[] countShares(int items, int replicas, double[] capacity) {
    return shares((double) items * replicas, capacity, items);
  }

  /** Each node's share of the total cost of all slots. */
  static double[] costShares(double totalCost, int replicas, double[] capacity) {
    return shares(totalCost * replicas, capacity, totalCost);
  }

  /**
   * The cost a node may hold: its bound; but a node holding an item costlier than a whole share
   * ({@code bound / factor}), whose bound is then within reach of that one item or beyond it (with
   * Pareto costs that is common at scale), may hold that item plus {@code slack} (see
   * {@link #costSlacks}) when that is more.
   */
  static double costLimit(double bound, double share, double slack, double largestItem) {
    return largestItem > share ? Math.max(bound, largestItem + slack) : bound;
  }

  /**
   * Per node, the room a node holding an oversized item keeps beside it: the slack every node has
   * over its cost share, or its count share of cheap items when that is more, so that such nodes
   * still take their part of the count (otherwise the others run into the count bound).
   */
  static double[] costSlacks(double[] costShare, double slack, double[] countShare, double cheapCost) {
    double[] out = new double[costShare.length];
    for (int n = 0; n < out.length; n++) {
      out[n] = Math.max(costShare[n] * slack, countShare[n] * cheapCost);
    }
    return out;
  }

  /** The mean cost of the cheaper half of the items, estimated on a fixed sample of at most 4096. */
  static double cheapCost(double[] cost) {
    if (cost.length == 0) {
      return 0;
    }
    int stride = Math.max(1, cost.length / 4096);
    double[] sample = new double[(cost.length + stride - 1) / stride];
    for (int k = 0; k < sample.length; k++) {
      sample[k] = cost[k * stride];
    }
    java.util.Arrays.sort(sample);
    int half = (sample.length + 1) / 2;
    double sum = 0;
    for (int k = 0; k < half; k++) {
      sum += sample[k];
    }
    return sum / half;
  }

  /** Water-filling: shares proportional to capacity, none above {@code cap}, summing to total. */
  static double[] shares(double total, double[] capacity, double cap) {
    int nodes = capacity.length;
    double[] share = new double[nodes];
    boolean[] capped = new boolean[nodes];
    boolean changed = true;
    while (changed) {
      changed = false;
      double free = 0;
      double rest = total;
      for (int n = 0; n < nodes; n++) {
        if (capped[n]) {
          rest -= cap;
        } else {
          free += capacity[n];
        }
      }
      for (int n = 0; n < nodes; n++) {
        if (!capped[n]) {
          share[n] = rest * capacity[n] / free;
          if (share[n] > cap) {
            capped[n] = true;
            changed = true;
          }
        } else {
          share[n] = cap;
        }
      }
    }
    return share;
  }
}
