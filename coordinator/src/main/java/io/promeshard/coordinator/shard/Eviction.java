package io.promeshard.coordinator.shard;

import java.util.Arrays;

/**
 * Chooses which kept items leave a node that is over a limit after a change (bounds shrink when a
 * node joins), moving few items without dumping much cost on the others: for cost, see
 * {@link #coverCost}; for count, the cheapest items. Never evicted for cost: the largest item when
 * it is what sets the node's cost limit (see {@link Bounds#costLimit}), and items costlier than
 * the most room any node has (they would only come back, and the excess with them). Pure.
 */
final class Eviction {
  private static final double SMALL_SHARE = 0.05;
  private static final int FEW = 10;

  private Eviction() {}

  /**
   * For every node, the kept slots ({@code kept[s]} = node, -1 for none) it must shed; claims are
   * the slots joining nodes are expected to take, which count against their room.
   */
  static boolean[] shed(Inputs in, int[] kept, int[] claims) {
    int nodes = in.nodeCount();
    int[] start = new int[nodes + 1];
    for (int node : kept) {
      if (node >= 0) {
        start[node + 1]++;
      }
    }
    for (int n = 0; n < nodes; n++) {
      start[n + 1] += start[n];
    }
    int[] slots = new int[start[nodes]];
    int[] next = Arrays.copyOf(start, nodes);
    for (int s = 0; s < kept.length; s++) {
      if (kept[s] >= 0) {
        slots[next[kept[s]]++] = s;
      }
    }
    double movable = largestRoom(in, slots, start, claims);
    boolean[] evicted = new boolean[kept.length];
    for (int n = 0; n < nodes; n++) {
      evict(Arrays.copyOfRange(slots, start[n], start[n + 1]), in.replicas, in.cost, in.countBound[n],
          in.costBound[n], in.costShare[n], in.costSlack[n], movable, evicted);
    }
    return evicted;
  }

  /**
   * The most cost room any node with count room has left once it holds its kept slots and the
   * items it claims: the costliest item worth evicting, as no node could take a costlier one.
   */
  private static double largestRoom(Inputs in, int[] slots, int[] start, int[] claims) {
    int nodes = in.nodeCount();
    double[] sum = new double[nodes];
    double[] max = new double[nodes];
    int[] held = new int[nodes];
    for (int n = 0; n < nodes; n++) {
      for (int k = start[n]; k < start[n + 1]; k++) {
        double c = in.cost[slots[k] / in.replicas];
        sum[n] += c;
        max[n] = Math.max(max[n], c);
      }
      held[n] = start[n + 1] - start[n];
    }
    for (int s = 0; claims != null && s < claims.length; s++) {
      int n = claims[s];
      if (n >= 0) {
        double c = in.cost[s / in.replicas];
        sum[n] += c;
        max[n] = Math.max(max[n], c);
        held[n]++;
      }
    }
    double room = 0;
    for (int n = 0; n < nodes; n++) {
      if (held[n] < in.countBound[n]) {
        room = Math.max(room, Bounds.costLimit(in.costBound[n], in.costShare[n], in.costSlack[n], max[n]) - sum[n]);
      }
    }
    return room;
  }

  /**
   * Marks in {@code evicted} (indexed by slot) the slots of one node that must go; {@code slots}
   * are the node's kept slots in ascending order, {@code costBase} its cost bound before the
   * largest-item rule, {@code movable} the cost of the largest item another node could take.
   */
  private static void evict(int[] slots, int replicas, double[] cost, int countLimit, double costBase, double costShare, double costSlack,
      double movable, boolean[] evicted) {
    double sum = 0;
    double max = 0;
    for (int s : slots) {
      sum += cost[s / replicas];
      max = Math.max(max, cost[s / replicas]);
    }
    double limit = Bounds.costLimit(costBase, costShare, costSlack, max);
    // Sums taken in another order may differ in the last bits; do not evict for that.
    if (slots.length <= countLimit && sum <= limit * (1 + 1e-9)) {
      return;
    }
    int[] byCost = slots.clone();
    IntSort.sort(byCost, (a, b) -> {
      int c = Double.compare(cost[a / replicas], cost[b / replicas]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    boolean[] out = new boolean[byCost.length];
    int protectedPos = limit > costBase ? byCost.length - 1 : -1;
    int left = byCost.length;
    double excess = sum - limit;
    left -= coverCost(byCost, replicas, cost, sum - limit, limit, movable, out, protectedPos);
    for (int pos = 0; pos < byCost.length && left > countLimit; pos++) {
      if (!out[pos] && pos != protectedPos) {
        out[pos] = true;
        left--;
      }
    }
    for (int pos = 0; pos < byCost.length; pos++) {
      if (out[pos]) {
        evicted[byCost[pos]] = true;
      }
    }
  }

  /**
   * Marks items to evict until their cost covers {@code excess}, in few moves without pushing much
   * more cost than needed onto other nodes: the cheapest single item that covers the excess if it
   * is small (at most twice the excess, or {@value #SMALL_SHARE} of the node's limit); else items
   * below the excess, largest first, if at most {@value #FEW} of them cover it; else that single
   * item; else as many items below the excess as it takes. If nothing covers the rest, the
   * costliest movable item, and again. Returns how many were marked.
   */
  private static int coverCost(int[] byCost, int replicas, double[] cost, double excess, double limit,
      double movable, boolean[] out, int protectedPos) {
    int marked = 0;
    while (excess > 0) {
      int single = firstCovering(byCost, replicas, cost, excess, movable, out, protectedPos);
      if (single >= 0 && cost[byCost[single] / replicas] <= Math.max(2 * excess, SMALL_SHARE * limit)) {
        out[single] = true;
        return marked + 1;
      }
      int top = single >= 0 ? single - 1 : byCost.length - 1;
      int needed = smallCover(byCost, replicas, cost, excess, movable, out, protectedPos, top);
      if (needed > 0 && (needed <= FEW || single < 0)) {
        markSmall(byCost, replicas, cost, excess, movable, out, protectedPos, top, needed);
        return marked + needed;
      }
      int next = single >= 0 ? single : costliest(byCost, replicas, cost, movable, out, protectedPos);
      if (next < 0) {
        return marked;
      }
      out[next] = true;
      marked++;
      excess -= cost[byCost[next] / replicas];
    }
    return marked;
  }

  /** How many items below the excess (largest first, from position top down) cover it, or 0. */
  private static int smallCover(int[] byCost, int replicas, double[] cost, double excess, double movable,
      boolean[] out, int protectedPos, int top) {
    double covered = 0;
    int n = 0;
    for (int pos = top; pos >= 0 && covered < excess; pos--) {
      double c = cost[byCost[pos] / replicas];
      if (!out[pos] && pos != protectedPos && c < excess && c <= movable) {
        covered += c;
        n++;
      }
    }
    return covered >= excess ? n : 0;
  }

  private static void markSmall(int[] byCost, int replicas, double[] cost, double excess, double movable,
      boolean[] out, int protectedPos, int top, int count) {
    for (int pos = top; pos >= 0 && count > 0; pos--) {
      double c = cost[byCost[pos] / replicas];
      if (!out[pos] && pos != protectedPos && c < excess && c <= movable) {
        out[pos] = true;
        count--;
      }
    }
  }

  /** The cheapest available position whose cost is at least {@code excess}, or -1. */
  private static int firstCovering(int[] byCost, int replicas, double[] cost, double excess, double movable,
      boolean[] out, int protectedPos) {
    int lo = 0;
    int hi = byCost.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cost[byCost[mid] / replicas] < excess) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int pos = lo; pos < byCost.length && cost[byCost[pos] / replicas] <= movable; pos++) {
      if (!out[pos] && pos != protectedPos) {
        return pos;
      }
    }
    return -1;
  }

  private static int costliest(int[] byCost, int replicas, double[] cost, double movable, boolean[] out,
      int protectedPos) {
    for (int pos = byCost.length - 1; pos >= 0; pos--) {
      if (!out[pos] && pos != protectedPos && cost[byCost[pos] / replicas] <= movable) {
        return pos;
      }
    }
    return -1;
  }
}
