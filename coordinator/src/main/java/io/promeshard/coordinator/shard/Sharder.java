package io.promeshard.coordinator.shard;

import io.promeshard.coordinator.shard.Explanation.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sharding function: a pure, deterministic map from a {@link ShardRequest} to an {@link
 * Assignment}, and an {@link Explanation} of any one key. Same inputs in any order give the same
 * output. Throws IllegalArgumentException for a duplicate key or node, or (explain) an unknown key.
 * The algorithm and its guarantees are described in {@code package-info.java}.
 *
 * <p>Special cases: zero nodes give {@link Assignment#empty()} (keeping the last assignment is the
 * caller's job); with {@code replicas >= nodes} every item is on every node; replicas sit on
 * distinct nodes always, and in distinct zones when there are at least R zones (a node of unknown
 * zone counts as a zone of its own). An item that costs more than a node's whole cost bound makes
 * the cost bound unreachable: the node holding it is held to that item's cost plus the usual slack
 * instead. When no allowed node has room (such items, or zone rules forcing load onto few nodes),
 * the item goes where it overloads least, count bound first.
 */
public final class Sharder {
  private static final int REPAIR_ROUNDS = 3;

  private Sharder() {}

  public static Assignment assign(ShardRequest request) {
    Inputs in = Inputs.of(request);
    if (in.nodeCount() == 0) {
      return Assignment.empty();
    }
    return run(in, request.previous(), Trace.NONE, false);
  }

  /**
   * Each node's cost bound under {@code request}: {@code (1 + costBalance)} times its share of the
   * total cost, never above its maxCost (a node holding an item costlier than its share may hold
   * more, see package-info). For status and metrics; the previous assignment plays no part.
   */
  public static Map<String, Double> costBounds(ShardRequest request) {
    double total = 0;
    for (ShardItem item : request.items()) {
      total += item.cost();
    }
    List<ShardNode> nodes = request.nodes();
    double[] capacity = new double[nodes.size()];
    double[] maxCost = new double[nodes.size()];
    for (int n = 0; n < capacity.length; n++) {
      capacity[n] = nodes.get(n).capacity();
      maxCost[n] = nodes.get(n).maxCost();
    }
    int replicas = Math.min(request.replicas(), nodes.size());
    double[] share = Bounds.costShares(total, replicas, capacity, maxCost);
    Map<String, Double> out = new TreeMap<>();
    for (int n = 0; n < capacity.length; n++) {
      out.put(nodes.get(n).name(), Math.min(maxCost[n], share[n] * (1 + request.costBalance())));
    }
    return out;
  }

  /**
   * What {@link #assign} computes, the long way: items hashed and sorted again, and every item
   * ranked against every node for the claims of joining nodes. {@link #assign} must agree exactly;
   * the tests compare the two.
   */
  static Assignment assignExhaustively(ShardRequest request) {
    Inputs in = Inputs.fresh(request);
    if (in.nodeCount() == 0) {
      return Assignment.empty();
    }
    return run(in, request.previous(), Trace.NONE, true);
  }

  /** Explains where {@code key} goes under {@code request}; agrees with {@link #assign}. */
  public static Explanation explain(ShardRequest request, String key) {
    Inputs in = Inputs.of(request);
    Assignment previous = request.previous();
    List<String> previousOwners = previous == null ? List.of() : previous.owners(key);
    int item = indexOf(in, key);
    if (in.nodeCount() == 0) {
      return new Explanation(key, in.cost[item], 0, false, List.of(), previousOwners, List.of());
    }
    Trace trace = new Trace(item, in.nodeCount());
    Assignment result = run(in, previous, trace, false);
    boolean hadPrevious = previous != null && !previous.isEmpty();
    Ranker ranker = new Ranker(in.nodeHash, in.capacity);
    ranker.load(in.itemHash[item]);
    List<Candidate> candidates = new ArrayList<>(in.nodeCount());
    for (int n : ranker.ranking()) {
      boolean joined = hadPrevious && previous.indexOfNode(in.nodes[n]) < 0;
      candidates.add(
          new Candidate(
              in.nodes[n],
              in.zoneName[n],
              in.capacity[n],
              candidates.size(),
              ranker.score(n),
              joined,
              trace.decision(n)));
    }
    return new Explanation(
        key,
        in.cost[item],
        in.replicas,
        in.distinctZones,
        result.owners(key),
        previousOwners,
        candidates);
  }

  private static int indexOf(Inputs in, String key) {
    long h = Hashing.item(key);
    for (int i = 0; i < in.itemCount(); i++) {
      if (in.itemHash[i] == h && in.keys[i].equals(key)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "explain: key " + key + " is not among the " + in.itemCount() + " items");
  }

  /**
   * One placement pass, then, only if some slot overflowed (some node is over a limit), up to
   * {@link #REPAIR_ROUNDS} more passes that start from the result: they shed the overload where
   * room has appeared. This makes the result a fixed point in practice, so assigning again with it
   * as previous changes nothing. An explanation describes the last pass.
   */
  private static Assignment run(Inputs in, Assignment previous, Trace trace, boolean rankAll) {
    Ranker ranker = new Ranker(in.nodeHash, in.capacity);
    Assignment result = previous;
    for (int round = 0; round <= REPAIR_ROUNDS; round++) {
      Trace roundTrace = trace.fresh();
      Stickiness sticky = Stickiness.plan(in, result, ranker, roundTrace, rankAll);
      Placement placement = new Placement(in, ranker, roundTrace);
      placement.keep(in, sticky.kept, sticky.claims);
      placement.fill(fillOrder(in, placement, sticky), sticky);
      Assignment next =
          placement.unplaced() == 0
              ? new Assignment(
                  in.nodes,
                  in.keys,
                  in.itemHash,
                  in.cost,
                  in.replicas,
                  placement.owners(),
                  in.items,
                  in.listIndex)
              : withoutOpenSlots(in, placement.owners());
      boolean settled = round > 0 && next.movedComparedTo(result) == 0;
      result = next;
      trace.adopt(roundTrace);
      if (!placement.overflowed() || settled) {
        break;
      }
    }
    return result;
  }

  /**
   * The assignment of the items that found an owner, when some found none under any node's maxCost:
   * an item without any owner is left out, an item short of some replicas keeps the owners it found
   * (its free slots repeat the first, which counts once). Both are listed as unplaced.
   */
  private static Assignment withoutOpenSlots(Inputs in, int[] owners) {
    int replicas = in.replicas;
    List<String> unplaced = new ArrayList<>();
    int kept = 0;
    for (int i = 0; i < in.itemCount(); i++) {
      if (owners[i * replicas] >= 0) {
        kept++;
      }
    }
    String[] keys = new String[kept];
    long[] hashes = new long[kept];
    double[] costs = new double[kept];
    int[] own = new int[kept * replicas];
    for (int i = 0, k = 0; i < in.itemCount(); i++) {
      int first = owners[i * replicas];
      if (first < 0 || owners[i * replicas + replicas - 1] < 0) {
        unplaced.add(in.keys[i]);
      }
      if (first < 0) {
        continue;
      }
      keys[k] = in.keys[i];
      hashes[k] = in.itemHash[i];
      costs[k] = in.cost[i];
      for (int r = 0; r < replicas; r++) {
        int m = owners[i * replicas + r];
        own[k * replicas + r] = m >= 0 ? m : first;
      }
      k++;
    }
    return new Assignment(in.nodes, keys, hashes, costs, replicas, own).withUnplaced(unplaced);
  }

  /**
   * Items with open slots, in stages: first those that move in any case (their owner left or shed
   * them, or a joining node claims them and their old owner is full), so they come first at the
   * joining node; then the other claimed items (if the joiner refuses them they go home, which had
   * room for them unless earlier items took it); then new items. Within a stage costliest first
   * (big items are hard to fit late), ties in canonical order. Costs are compared as floats so that
   * stage, cost and index pack into one sortable long.
   */
  private static int[] fillOrder(Inputs in, Placement placement, Stickiness sticky) {
    int open = 0;
    for (int i = 0; i < in.itemCount(); i++) {
      if (!placement.complete(i)) {
        open++;
      }
    }
    long[] packed = new long[open];
    for (int i = 0, k = 0; i < in.itemCount(); i++) {
      if (!placement.complete(i)) {
        long costRank = Integer.MAX_VALUE - (long) Float.floatToIntBits((float) in.cost[i]);
        packed[k++] = stage(i, in, placement, sticky) << 61 | costRank << 29 | i;
      }
    }
    Radix.sort(packed); // all non-negative, so unsigned order is numeric order
    int[] order = new int[open];
    for (int k = 0; k < open; k++) {
      order[k] = (int) (packed[k] & ((1L << 29) - 1));
    }
    return order;
  }

  private static long stage(int i, Inputs in, Placement placement, Stickiness sticky) {
    if (!sticky.known[i]) {
      return 2;
    }
    boolean claimed = sticky.claims != null && sticky.claims[i * in.replicas] >= 0;
    boolean homeFull = sticky.displaced[i] >= 0 && placement.full(sticky.displaced[i]);
    return claimed && !homeFull ? 1 : 0;
  }
}
