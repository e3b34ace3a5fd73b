package io.promeshard.coordinator.shard;

import io.promeshard.coordinator.shard.Explanation.Decision;
import java.util.Arrays;

/**
 * The mutable state of one assignment run: which nodes own each item slot, and each node's count
 * and cost against its limits. {@link #keep} commits what stays from the previous assignment
 * (evicting the fewest items from nodes now over a limit); {@link #fill} places everything else in
 * the given order, each open slot on the best-ranked node with room. Limits are hard unless no
 * allowed node has room (see {@link #overflow}); a node's maxCost is always hard: a slot no node
 * can take under it stays open ({@link #unplaced}). Not thread-safe; used once.
 */
final class Placement {
  private final int replicas;
  private final long[] itemHash;
  private final double[] cost;
  private final int[] zone;
  private final boolean distinctZones;
  private final int[] countBound;
  private final Inputs in;
  private final Ranker ranker;
  private final Trace trace;
  private final double[] countShare;
  private final Ranker.NodeTest hasRoom = this::hasRoom;
  private final Ranker.NodeTest hasRoomToSpare = this::hasRoomToSpare;

  private final int[] owners;
  private final int[] filled;
  private final int[] count;
  private final double[] load;
  private final double[] largest;
  private boolean overflowed;
  private int current;
  private boolean[] joined;
  private boolean onlyJoined;

  /** Cost to keep free per slot a node lacks to its count share, while placing the current item. */
  private double reservePerSlot;

  Placement(Inputs in, Ranker ranker, Trace trace) {
    this.replicas = in.replicas;
    this.itemHash = in.itemHash;
    this.cost = in.cost;
    this.zone = in.zone;
    this.distinctZones = in.distinctZones;
    this.countBound = in.countBound;
    this.countShare = in.countShare;
    this.in = in;
    this.ranker = ranker;
    this.trace = trace;
    this.owners = new int[cost.length * replicas];
    Arrays.fill(owners, -1);
    this.filled = new int[cost.length];
    this.count = new int[countBound.length];
    this.load = new double[countBound.length];
    this.largest = new double[countBound.length];
  }

  int[] owners() {
    return owners;
  }

  /** Whether node m is at its count bound. */
  boolean full(int m) {
    return count[m] >= countBound[m];
  }

  boolean complete(int i) {
    return filled[i] == replicas;
  }

  /**
   * Whether some slot found no allowed node with room, so some node is over a limit or the slot is
   * unplaced.
   */
  boolean overflowed() {
    return overflowed;
  }

  /** How many slots stayed open: no node could take them under its maxCost. */
  int unplaced() {
    int open = 0;
    for (int f : filled) {
      open += replicas - f;
    }
    return open;
  }

  /**
   * Phase 1: commits the slots to keep ({@code kept[i * replicas + r]}, -1 for none, in the order
   * they should stay), except those {@link Eviction} sheds from nodes now over a limit.
   */
  void keep(Inputs in, int[] kept, int[] claims) {
    boolean[] evicted = Eviction.shed(in, kept, claims);
    for (int s = 0; s < kept.length; s++) {
      if (kept[s] >= 0) {
        int i = s / replicas;
        if (evicted[s]) {
          trace.note(i, kept[s], Decision.EVICTED);
        } else {
          take(i, kept[s], Decision.KEPT);
        }
      }
    }
  }

  /**
   * Phase 2: places the open slots of the items in {@code order}. While placing an item, each node
   * keeps cost room for its count share of the items still to come, at their average cost (see
   * {@link #refusal}).
   */
  void fill(int[] order, Stickiness sticky) {
    double[] laterSlots = new double[order.length + 1];
    double[] laterCost = new double[order.length + 1];
    for (int k = order.length - 1; k >= 0; k--) {
      int open = replicas - filled[order[k]];
      laterSlots[k] = laterSlots[k + 1] + open;
      laterCost[k] = laterCost[k + 1] + open * cost[order[k]];
    }
    joined = sticky.joined;
    for (int k = 0; k < order.length; k++) {
      reservePerSlot = laterSlots[k + 1] == 0 ? 0 : laterCost[k + 1] / laterSlots[k + 1];
      fillItem(order[k], sticky);
    }
  }

  /**
   * Each open slot of item i goes to the first of: a joining node that claims it (with room to
   * spare); a previous owner with room; for an item assigned before, the best-ranked joining node
   * with room to spare (what a join displaces goes to the joiner rather than around the old nodes);
   * the best-ranked node with room to spare, else with room; the least overloaded node.
   */
  private void fillItem(int i, Stickiness sticky) {
    current = i;
    for (int r = 0; r < replicas && sticky.claims != null && filled[i] < replicas; r++) {
      int m = sticky.claims[i * replicas + r];
      if (m >= 0) {
        tryTake(i, m, Decision.CLAIMED, true, true);
      }
    }
    int pr = sticky.previousReplicas;
    for (int q = 0; q < pr && filled[i] < replicas; q++) {
      int m = sticky.previous[i * pr + q];
      if (m >= 0 && !owns(i, m)) {
        tryTake(i, m, Decision.KEPT, false, false);
      }
    }
    if (filled[i] < replicas) {
      ranker.load(itemHash[i]);
      if (sticky.claims != null && sticky.known[i]) {
        place(i, true);
      }
      place(i, false);
      while (filled[i] < replicas) {
        int m = overflow(i);
        if (m < 0) {
          break; // over every node's maxCost: stays open, reported by the caller
        }
        take(i, m, Decision.OVERFLOW);
      }
    }
  }

  /**
   * Fills open slots on the best-ranked nodes with room to spare, else with room. Restricted to
   * joining nodes, only room to spare counts: a joining node's room is for the items it claims.
   */
  private void place(int i, boolean joinedOnly) {
    onlyJoined = joinedOnly;
    if (trace.follows(i)) {
      walkNoting(i);
    }
    while (filled[i] < replicas) {
      int m = ranker.best(hasRoomToSpare);
      if (m < 0 && !joinedOnly) {
        m = ranker.best(hasRoom);
      }
      if (m < 0) {
        break;
      }
      take(i, m, Decision.PLACED);
    }
    onlyJoined = false;
  }

  /**
   * The explained item walks its preference order one node at a time, noting every refusal; same
   * outcome as the scans in {@link #place}.
   */
  private void walkNoting(int i) {
    int[] ranking = ranker.ranking();
    for (boolean spare : onlyJoined ? new boolean[] {true} : new boolean[] {true, false}) {
      for (int m : ranking) {
        if (filled[i] < replicas && allowed(m) && !owns(i, m)) {
          tryTake(i, m, Decision.PLACED, true, spare);
        }
      }
    }
  }

  /**
   * No allowed node has room for this slot (an item costlier than any node can absorb next to its
   * load, count and cost full on different nodes, or zone rules that force load onto few nodes). It
   * goes to a node the distinct-node and distinct-zone rules allow: one within its count bound if
   * any (the count bound is the one kept whenever possible), the one whose cost limit it would
   * exceed by the least cost; else the one it would put the fewest items over. Ties go to the
   * better-ranked node. Never a node the item would put over its maxCost: -1 if that is all.
   */
  private int overflow(int i) {
    int best = -1;
    boolean bestFits = false;
    double bestKey = 0;
    overflowed = true;
    for (int m = 0; m < count.length; m++) {
      if (owns(i, m) || zoneTaken(i, m)) {
        continue;
      }
      if (load[m] + cost[i] > in.maxCost[m]) {
        trace.note(i, m, Decision.CAPACITY);
        continue;
      }
      boolean fits = count[m] + 1 <= countBound[m];
      double key =
          fits ? load[m] + cost[i] - costLimit(m, cost[i]) : count[m] + 1.0 - countBound[m];
      boolean better =
          best < 0
              || (fits && !bestFits)
              || (fits == bestFits
                  && (key < bestKey || (key == bestKey && ranker.better(m, best))));
      if (better) {
        best = m;
        bestFits = fits;
        bestKey = key;
      }
    }
    return best;
  }

  private boolean allowed(int m) {
    return !onlyJoined || joined[m];
  }

  private boolean hasRoom(int m) {
    return allowed(m) && !owns(current, m) && refusal(current, m, false) == null;
  }

  private boolean hasRoomToSpare(int m) {
    return allowed(m) && !owns(current, m) && refusal(current, m, true) == null;
  }

  private void tryTake(int i, int m, Decision onSuccess, boolean noteRefusal, boolean spare) {
    Decision why = refusal(i, m, spare);
    if (why == null) {
      take(i, m, onSuccess);
    } else if (noteRefusal) {
      trace.note(i, m, why);
    }
  }

  /**
   * Why node m cannot take item i, or null. With {@code spare}, the node must also keep cost room
   * for its share of the cheaper items still to come (items are placed costliest first): without
   * that, mid-sized items fill some nodes' cost while their count is low, and the cheap items at
   * the end find every node full in one dimension or the other.
   */
  private Decision refusal(int i, int m, boolean spare) {
    if (zoneTaken(i, m)) {
      return Decision.SAME_ZONE;
    }
    if (count[m] + 1 > countBound[m]) {
      return Decision.FULL_COUNT;
    }
    double limit = costLimit(m, cost[i]);
    double after = load[m] + cost[i];
    if (after > limit) {
      return Decision.FULL_COST;
    }
    if (spare && after + Math.max(0, countShare[m] - count[m] - 1) * reservePerSlot > limit) {
      return Decision.RESERVED;
    }
    return null;
  }

  /** The node's cost limit if it also held an item of cost c. */
  private double costLimit(int m, double c) {
    return in.costLimit(m, Math.max(largest[m], c));
  }

  private void take(int i, int m, Decision d) {
    owners[i * replicas + filled[i]++] = m;
    count[m]++;
    load[m] += cost[i];
    largest[m] = Math.max(largest[m], cost[i]);
    trace.note(i, m, d);
  }

  private boolean owns(int i, int m) {
    for (int r = 0; r < filled[i]; r++) {
      if (owners[i * replicas + r] == m) {
        return true;
      }
    }
    return false;
  }

  private boolean zoneTaken(int i, int m) {
    if (!distinctZones) {
      return false;
    }
    for (int r = 0; r < filled[i]; r++) {
      if (zone[owners[i * replicas + r]] == zone[m]) {
        return true;
      }
    }
    return false;
  }
}
