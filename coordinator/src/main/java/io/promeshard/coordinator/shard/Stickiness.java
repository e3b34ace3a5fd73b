package io.promeshard.coordinator.shard;

import io.promeshard.coordinator.shard.Explanation.Decision;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * What the previous assignment contributes: for each item, its previous owners still present, the
 * ones it keeps, and the joining nodes that claim it. An item keeps its previous owners except
 * where a node that joined since ranks among its top R: that node claims a slot, and the item gives
 * up for it the previous owner in the joiner's zone (when zones must differ) or else its
 * worst-ranked one. So a leave moves only the leaver's items and a join moves about the joiner's
 * fair share; anything else moves only when a bound forces it (see {@link Placement#keep}).
 */
final class Stickiness {
  /** previous[i * previousReplicas + q]: current index of the item's q-th previous owner, or -1. */
  final int[] previous;

  final int previousReplicas;

  /** kept[i * replicas + r]: previous owners the item keeps, in their previous order, -1 padded. */
  final int[] kept;

  /**
   * claims[i * replicas + r]: joining nodes among the item's top R, in rank order, -1 padded; null
   * if none joined.
   */
  final int[] claims;

  /** Per current node: absent from the previous assignment (false for all when there was none). */
  final boolean[] joined;

  /** Per item: present in the previous assignment. */
  final boolean[] known;

  /** Per item: a previous owner given up for a claiming node, or -1. */
  final int[] displaced;

  /** The joining nodes, by index. */
  private int[] joiners = new int[0];

  /** Rank every known item against every node to find its claims (see {@link #mayBeClaimed}). */
  private final boolean rankAll;

  private Stickiness(Inputs in, int previousReplicas, boolean anyJoined, boolean rankAll) {
    int items = in.itemCount();
    this.rankAll = rankAll;
    this.previousReplicas = previousReplicas;
    this.previous = new int[items * previousReplicas];
    this.kept = new int[items * in.replicas];
    this.claims = anyJoined ? new int[items * in.replicas] : null;
    this.joined = new boolean[in.nodeCount()];
    this.known = new boolean[items];
    this.displaced = new int[items];
    Arrays.fill(previous, -1);
    Arrays.fill(kept, -1);
    if (claims != null) {
      Arrays.fill(claims, -1);
    }
    Arrays.fill(displaced, -1);
  }

  /**
   * With {@code rankAll}, every known item is ranked against every node to find the joining nodes
   * among its top R; otherwise only the items whose previous owners do not already rule that out
   * (the same claims, found faster; see {@link #mayBeClaimed}).
   */
  static Stickiness plan(
      Inputs in, Assignment before, Ranker ranker, Trace trace, boolean rankAll) {
    if (before == null || before.isEmpty()) {
      return new Stickiness(in, 0, false, rankAll);
    }
    boolean[] joined = new boolean[in.nodeCount()];
    boolean anyJoined = false;
    for (int n = 0; n < joined.length; n++) {
      joined[n] = before.indexOfNode(in.nodes[n]) < 0;
      anyJoined |= joined[n];
    }
    Stickiness s = new Stickiness(in, before.replicas(), anyJoined, rankAll);
    System.arraycopy(joined, 0, s.joined, 0, joined.length);
    s.joiners = IntStream.range(0, joined.length).filter(n -> joined[n]).toArray();
    int[] toCurrent = before.nodeIndexMap(in.nodes);
    int i = 0;
    int j = 0;
    while (i < in.itemCount() && j < before.size()) {
      int c = Assignment.compare(in.itemHash[i], in.keys[i], before.hashAt(j), before.keyAt(j));
      if (c < 0) {
        i++;
      } else if (c > 0) {
        j++;
      } else {
        for (int q = 0; q < s.previousReplicas; q++) {
          s.previous[i * s.previousReplicas + q] = toCurrent[before.ownerAt(j, q)];
        }
        s.settle(in, i, ranker, trace);
        i++;
        j++;
      }
    }
    return s;
  }

  /** Decides, for a known item, which previous owners it keeps and which joining nodes claim it. */
  private void settle(Inputs in, int i, Ranker ranker, Trace trace) {
    known[i] = true;
    int[] mine = new int[previousReplicas];
    int present = 0;
    for (int q = 0; q < previousReplicas; q++) {
      int m = previous[i * previousReplicas + q];
      // A repeated owner (an assignment rebuilt from published shares pads short owner lists
      // that way) counts once; with distinct zones, a second owner in one zone is not kept.
      if (m >= 0
          && !contains(mine, present, m)
          && !(in.distinctZones && zoneIndex(in, mine, present, in.zone[m]) >= 0)) {
        mine[present++] = m;
      }
    }
    int claimed = 0;
    boolean ranked = false;
    if (claims != null && (rankAll || mayBeClaimed(in, i, mine, present, ranker))) {
      ranked = true;
      ranker.load(in.itemHash[i]);
      int[] top = new int[in.replicas];
      ranker.top(in.replicas, top);
      for (int m : top) {
        if (!joined[m]) {
          continue;
        }
        claims[i * in.replicas + claimed++] = m;
        int sameZone = in.distinctZones ? zoneIndex(in, mine, present, in.zone[m]) : -1;
        if (sameZone >= 0) {
          present = giveUp(i, mine, present, sameZone, trace);
        }
      }
    }
    while (present > in.replicas - claimed) {
      if (!ranked) {
        ranker.load(in.itemHash[i]);
        ranked = true;
      }
      present = giveUp(i, mine, present, worstRanked(ranker, mine, present), trace);
    }
    System.arraycopy(mine, 0, kept, i * in.replicas, present);
  }

  /**
   * Whether some joining node may rank among item i's top R. It cannot when R of the item's present
   * previous owners rank before it; that takes two draws per joiner and owner instead of one per
   * node, and rules out all but about R / nodes of the items that keep their best-ranked owners.
   * The others are ranked against every node, so the claims are exactly those of ranking every
   * item.
   */
  private boolean mayBeClaimed(Inputs in, int i, int[] mine, int present, Ranker ranker) {
    if (present < in.replicas) {
      return true;
    }
    for (int j : joiners) {
      int before = 0;
      for (int k = 0; k < present && before < in.replicas; k++) {
        if (ranker.better(in.itemHash[i], mine[k], j)) {
          before++;
        }
      }
      if (before < in.replicas) {
        return true;
      }
    }
    return false;
  }

  private int giveUp(int i, int[] mine, int present, int at, Trace trace) {
    trace.note(i, mine[at], Decision.DISPLACED);
    displaced[i] = mine[at];
    System.arraycopy(mine, at + 1, mine, at, present - at - 1);
    return present - 1;
  }

  private static int worstRanked(Ranker ranker, int[] nodes, int count) {
    int worst = 0;
    for (int k = 1; k < count; k++) {
      if (ranker.better(nodes[worst], nodes[k])) {
        worst = k;
      }
    }
    return worst;
  }

  private static boolean contains(int[] nodes, int count, int m) {
    for (int k = 0; k < count; k++) {
      if (nodes[k] == m) {
        return true;
      }
    }
    return false;
  }

  /** Position in nodes[0, count) of a node in the given zone, or -1. */
  private static int zoneIndex(Inputs in, int[] nodes, int count, int zone) {
    for (int k = 0; k < count; k++) {
      if (in.zone[nodes[k]] == zone) {
        return k;
      }
    }
    return -1;
  }
}
