package io.promeshard.coordinator.shard;

import java.util.Arrays;

/**
 * Chooses which kept items leave a node that is over a limit after a change (limits shrink when a
 * node joins), moving few items without dumping much cost on the others: for count, the cheapest
 * items; for cost, see {@link Node#coverCost}. Never evicted for cost: the largest item when it is
 * what sets the node's cost limit (see {@link Bounds#costLimit}), and items costlier than the most
 * room any node has (they would only come back, and the excess with them), unless the node is over
 * its maxCost, which is never kept. Pure.
 */
final class Eviction {
  /** A single covering item is cheap enough at up to this share of the node's limit. */
  private static final double SMALL_SHARE = 0.05;

  /** Up to this many smaller items are preferred to one costly covering item. */
  private static final int FEW = 10;

  private Eviction() {}

  /**
   * Per slot ({@code kept[s]} = node, -1 for none), whether its node must shed it. Claims are the
   * slots joining nodes are expected to take, which count against their room.
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
      int[] own = Arrays.copyOfRange(slots, start[n], start[n + 1]);
      // over its maxCost a node sheds even what no node has room for: it must not keep it, and
      // what nobody can take is reported unplaced rather than coming back
      new Node(in, n, own, movable, overMaxCost(in, n, own)).evict(evicted);
    }
    return evicted;
  }

  /**
   * The most cost room any node with count room has left once it holds its kept slots and the items
   * it claims: the costliest item worth evicting, as no node could take a costlier one.
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
        room = Math.max(room, limit(in, n, max[n]) - sum[n]);
      }
    }
    return room;
  }

  private static boolean overMaxCost(Inputs in, int n, int[] slots) {
    if (in.maxCost[n] == Double.POSITIVE_INFINITY) {
      return false;
    }
    double sum = 0;
    for (int s : slots) {
      sum += in.cost[s / in.replicas];
    }
    return sum > in.maxCost[n];
  }

  private static double limit(Inputs in, int n, double largest) {
    return in.costLimit(n, largest);
  }

  /** One node's kept slots, sorted by cost, and which of them go. */
  private static final class Node {
    private final Inputs in;
    private final int node;
    private final int[] slots;
    private final double movable;
    private int[] byCost;
    private boolean[] out;
    private int protectedPos = -1;

    /** Over its maxCost: everything may go, the largest item included. */
    private final boolean overMax;

    Node(Inputs in, int node, int[] slots, double movable, boolean overMax) {
      this.in = in;
      this.node = node;
      this.slots = slots;
      this.movable = overMax ? Double.POSITIVE_INFINITY : movable;
      this.overMax = overMax;
    }

    void evict(boolean[] evicted) {
      double sum = 0;
      double max = 0;
      for (int s : slots) {
        sum += cost(s);
        max = Math.max(max, cost(s));
      }
      double limit = limit(in, node, max);
      // Sums taken in another order may differ in the last bits; do not evict for that.
      if (slots.length <= in.countBound[node] && sum <= limit * (1 + 1e-9)) {
        return;
      }
      byCost = slots.clone();
      IntSort.sort(
          byCost,
          (a, b) -> {
            int c = Double.compare(cost(a), cost(b));
            return c != 0 ? c : Integer.compare(a, b);
          });
      out = new boolean[byCost.length];
      if (limit > in.costBound[node] && !overMax) {
        protectedPos = byCost.length - 1;
      }
      int left = byCost.length - coverCost(sum - limit, limit);
      for (int pos = 0; pos < byCost.length && left > in.countBound[node]; pos++) {
        if (available(pos)) {
          out[pos] = true;
          left--;
        }
      }
      for (int pos = 0; pos < byCost.length; pos++) {
        evicted[byCost[pos]] |= out[pos];
      }
    }

    /**
     * Marks items until their cost covers {@code excess}, in few moves without pushing much more
     * cost than needed onto other nodes: the cheapest single item that covers the excess if it is
     * small (at most twice the excess, or {@link #SMALL_SHARE} of the limit); else up to {@link
     * #FEW} items below the excess, largest first, if they cover it; else that single item; else as
     * many smaller items as it takes. If nothing covers the rest, the costliest movable item, and
     * again. Returns how many were marked.
     */
    private int coverCost(double excess, double limit) {
      int marked = 0;
      while (excess > 0) {
        int single = firstCovering(excess);
        if (single >= 0 && cost(byCost[single]) <= Math.max(2 * excess, SMALL_SHARE * limit)) {
          out[single] = true;
          return marked + 1;
        }
        int below = single >= 0 ? single : byCost.length;
        int needed = smallCover(excess, below, Integer.MAX_VALUE, false);
        if (needed > 0 && (needed <= FEW || single < 0)) {
          smallCover(excess, below, needed, true);
          return marked + needed;
        }
        int next = single >= 0 ? single : costliest();
        if (next < 0) {
          return marked;
        }
        out[next] = true;
        marked++;
        excess -= cost(byCost[next]);
      }
      return marked;
    }

    /**
     * How many movable items below position {@code below} and below the excess, largest first,
     * cover the excess (0 if they cannot); marks them if asked, at most {@code limit} of them.
     */
    private int smallCover(double excess, int below, int limit, boolean mark) {
      double covered = 0;
      int n = 0;
      for (int pos = below - 1; pos >= 0 && covered < excess && n < limit; pos--) {
        double c = cost(byCost[pos]);
        if (available(pos) && c < excess && c <= movable) {
          covered += c;
          n++;
          out[pos] |= mark;
        }
      }
      return covered >= excess ? n : 0;
    }

    /** The cheapest available movable position whose cost is at least {@code excess}, or -1. */
    private int firstCovering(double excess) {
      int lo = 0;
      int hi = byCost.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cost(byCost[mid]) < excess) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      for (int pos = lo; pos < byCost.length && cost(byCost[pos]) <= movable; pos++) {
        if (available(pos)) {
          return pos;
        }
      }
      return -1;
    }

    private int costliest() {
      for (int pos = byCost.length - 1; pos >= 0; pos--) {
        if (available(pos) && cost(byCost[pos]) <= movable) {
          return pos;
        }
      }
      return -1;
    }

    private boolean available(int pos) {
      return !out[pos] && pos != protectedPos;
    }

    private double cost(int slot) {
      return in.cost[slot / in.replicas];
    }
  }
}
