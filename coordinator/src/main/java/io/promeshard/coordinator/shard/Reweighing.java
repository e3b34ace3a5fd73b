package io.promeshard.coordinator.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adopts new item costs (re-weighing by observed load) without moving more items than a budget
 * allows. The moves a cost change causes are those the assignment with the new costs adds to the
 * assignment the same request makes with the old ones (same nodes, same previous assignment): an
 * item that keeps its previous owners with the old costs but not with the new. Moves that happen
 * anyway (off nodes that left, onto nodes that joined, of new or removed items) are not counted and
 * never held back.
 *
 * <p>When all the proposed costs together move more than the budget, the largest relative changes
 * are adopted first: the longest prefix of the proposals in that order whose moves fit, found by
 * binary search (moves need not grow strictly with the prefix, so this is a prefix that fits, not
 * always the longest). The rest keep their old costs and are deferred to a later call. With no
 * budget left nothing is adopted (not even changes that would move nothing: they wait for the
 * budget with the rest, and the search is not paid at every dispatch of an exhausted hour). Pure
 * and deterministic; it costs about {@code log2(proposals) + 2} assignments when the budget binds,
 * one or two otherwise.
 */
public final class Reweighing {
  private Reweighing() {}

  /**
   * The outcome: the assignment, the items as placed (adopted costs in), per item whether its
   * proposed cost was adopted, the moves the adopted costs caused, and how many proposals were
   * deferred.
   */
  public static final class Result {
    private final Assignment assignment;
    private final List<ShardItem> items;
    private final boolean[] adopted;
    private final int moves;
    private final int deferred;

    Result(
        Assignment assignment, List<ShardItem> items, boolean[] adopted, int moves, int deferred) {
      this.assignment = assignment;
      this.items = items;
      this.adopted = adopted;
      this.moves = moves;
      this.deferred = deferred;
    }

    public Assignment assignment() {
      return assignment;
    }

    /** The request's items with the adopted costs, in the request's order. */
    public List<ShardItem> items() {
      return items;
    }

    /** Whether item i (in the request's order) was placed at its proposed cost. */
    public boolean adopted(int i) {
      return adopted[i];
    }

    /** Items moved because of the adopted cost changes. */
    public int moves() {
      return moves;
    }

    /** Proposed cost changes not adopted, for lack of budget. */
    public int deferred() {
      return deferred;
    }
  }

  /**
   * Assigns {@code request} (items at their current costs) adopting as many of {@code proposed}
   * (per item in the request's order, the new cost or NaN for none) as move at most {@code budget}
   * items. Throws IllegalArgumentException for a proposal list of another length than the items, a
   * proposed cost that is not finite and positive, or a negative budget.
   */
  public static Result assign(ShardRequest request, double[] proposed, int budget) {
    List<ShardItem> items = request.items();
    if (proposed.length != items.size()) {
      throw new IllegalArgumentException(
          "reweighing: " + proposed.length + " proposed costs for " + items.size() + " items");
    }
    if (budget < 0) {
      throw new IllegalArgumentException("reweighing: budget must be >= 0, found " + budget);
    }
    int[] order = byRelativeChange(items, proposed);
    boolean[] none = new boolean[items.size()];
    if (order.length == 0) {
      return new Result(Sharder.assign(request), items, none, 0, 0);
    }
    Assignment previous = request.previous();
    boolean placedBefore = previous != null && !previous.isEmpty();
    if (budget == 0 && placedBefore) {
      return new Result(Sharder.assign(request), items, none, 0, order.length);
    }
    ShardRequest all = withAdopted(request, proposed, order, order.length);
    Assignment allAssigned = Sharder.assign(all);
    if (!placedBefore) {
      return new Result(allAssigned, all.items(), adopted(order, order.length, none.length), 0, 0);
    }
    Assignment base = Sharder.assign(request);
    int allMoves = Assignment.movesAdded(previous, base, allAssigned);
    if (allMoves <= budget) {
      return new Result(
          allAssigned, all.items(), adopted(order, order.length, none.length), allMoves, 0);
    }
    int lo = 0;
    int hi = order.length;
    Assignment best = base;
    List<ShardItem> bestItems = items;
    int bestMoves = 0;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      ShardRequest partial = withAdopted(request, proposed, order, mid);
      Assignment a = Sharder.assign(partial);
      int moves = Assignment.movesAdded(previous, base, a);
      if (moves <= budget) {
        lo = mid;
        best = a;
        bestItems = partial.items();
        bestMoves = moves;
      } else {
        hi = mid;
      }
    }
    return new Result(
        best, bestItems, adopted(order, lo, none.length), bestMoves, order.length - lo);
  }

  /**
   * The indexes of the items with a proposal, largest relative change first (|ln(new / old)|), ties
   * by key. Throws IllegalArgumentException for a bad proposed cost.
   */
  private static int[] byRelativeChange(List<ShardItem> items, double[] proposed) {
    List<Integer> with = new ArrayList<>();
    double[] change = new double[items.size()];
    for (int i = 0; i < proposed.length; i++) {
      double p = proposed[i];
      if (Double.isNaN(p)) {
        continue;
      }
      if (!(p > 0) || Double.isInfinite(p)) {
        throw new IllegalArgumentException(
            "reweighing: item "
                + items.get(i).key()
                + ": proposed cost must be a finite number > 0, found "
                + p);
      }
      change[i] = Math.abs(Math.log(p / items.get(i).cost()));
      with.add(i);
    }
    with.sort(
        (a, b) -> {
          int c = Double.compare(change[b], change[a]);
          return c != 0 ? c : items.get(a).key().compareTo(items.get(b).key());
        });
    return with.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The request with the first {@code count} proposals in {@code order} adopted. */
  private static ShardRequest withAdopted(
      ShardRequest request, double[] proposed, int[] order, int count) {
    ShardItem[] items = request.items().toArray(new ShardItem[0]);
    for (int k = 0; k < count; k++) {
      int i = order[k];
      items[i] = new ShardItem(items[i].key(), proposed[i]);
    }
    return new ShardRequest(
        Arrays.asList(items),
        request.nodes(),
        request.replicas(),
        request.balance(),
        request.previous(),
        request.costBalance());
  }

  private static boolean[] adopted(int[] order, int count, int size) {
    boolean[] out = new boolean[size];
    for (int k = 0; k < count; k++) {
      out[order[k]] = true;
    }
    return out;
  }
}
