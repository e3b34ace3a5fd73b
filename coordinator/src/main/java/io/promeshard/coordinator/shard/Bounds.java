package io.promeshard.coordinator.shard;

import java.util.Arrays;

/**
 * Per-node shares, bounds and limits on count and cost. A share is proportional to capacity but
 * capped at one copy of every item (with R replicas a node cannot hold an item twice), the capped
 * remainder spread over the others; a bound is {@code (1 + slack)} times the share. Pure.
 */
final class Bounds {
  private Bounds() {}

  /**
   * Count bounds: never below the rounded-up share (so the bounds always sum to at least {@code
   * items * replicas}), otherwise the rounded-down {@code (1 + slack) * share}; share from {@link
   * #countShares}.
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

  /**
   * Each node's share of the total cost of all slots, none above its {@code maxCost} (what a capped
   * node cannot take is spread over the others).
   */
  static double[] costShares(double totalCost, int replicas, double[] capacity, double[] maxCost) {
    double[] cap = new double[capacity.length];
    for (int n = 0; n < cap.length; n++) {
      cap[n] = Math.min(totalCost, maxCost[n]);
    }
    return shares(totalCost * replicas, capacity, cap);
  }

  /**
   * The cost a node may hold: its bound; but a node holding an item costlier than its whole cost
   * share (with Pareto costs that is common at scale, and the bound may then be out of reach of any
   * assignment) may hold that item plus {@code slack} (see {@link #costSlacks}) when that is more.
   */
  static double costLimit(double bound, double share, double slack, double largestItem) {
    return largestItem > share ? Math.max(bound, largestItem + slack) : bound;
  }

  /**
   * Per node, the room a node holding an oversized item keeps beside it: the slack every node has
   * over its cost share, or its count share of cheap items when that is more, so that such nodes
   * still take their part of the count (otherwise the others run into the count bound).
   */
  static double[] costSlacks(
      double[] costShare, double slack, double[] countShare, double cheapCost) {
    double[] out = new double[costShare.length];
    for (int n = 0; n < out.length; n++) {
      out[n] = Math.max(costShare[n] * slack, countShare[n] * cheapCost);
    }
    return out;
  }

  /** The mean cost of the cheaper half of the items (the cheaper {@code ceil(n / 2)}). */
  static double cheapCost(double[] cost) {
    if (cost.length == 0) {
      return 0;
    }
    double[] a = cost.clone();
    int half = (a.length + 1) / 2;
    select(a, half - 1);
    double sum = 0;
    for (int k = 0; k < half; k++) {
      sum += a[k];
    }
    return sum / half;
  }

  /** Quickselect: afterwards a[0, k] hold the k + 1 smallest values (in no particular order). */
  private static void select(double[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (lo < hi) {
      double pivot = median(a[lo], a[(lo + hi) >>> 1], a[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i++] = a[j];
          a[j--] = t;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private static double median(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  /** Water-filling: shares proportional to capacity, none above {@code cap}, summing to total. */
  static double[] shares(double total, double[] capacity, double cap) {
    double[] caps = new double[capacity.length];
    Arrays.fill(caps, cap);
    return shares(total, capacity, caps);
  }

  /**
   * Water-filling with a cap per node; when the caps sum to less than the total, every node is at
   * its cap.
   */
  static double[] shares(double total, double[] capacity, double[] cap) {
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
          rest -= cap[n];
        } else {
          free += capacity[n];
        }
      }
      for (int n = 0; n < nodes; n++) {
        if (!capped[n]) {
          share[n] = free == 0 ? 0 : Math.max(0, rest) * capacity[n] / free;
          if (share[n] > cap[n]) {
            capped[n] = true;
            changed = true;
          }
        } else {
          share[n] = cap[n];
        }
      }
    }
    return share;
  }
}
