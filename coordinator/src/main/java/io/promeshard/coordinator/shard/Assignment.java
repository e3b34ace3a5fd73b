package io.promeshard.coordinator.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The immutable result of {@link Sharder#assign}: which nodes own each key (primary first) and what
 * each node holds. Stored compactly (keys in a fixed order by 64-bit key hash, plus one int per
 * replica slot) so a million items stay cheap; lookups by key are binary searches over the hashes.
 * Unknown keys yield empty results.
 */
public final class Assignment {
  private static final Assignment EMPTY =
      new Assignment(new String[0], new String[0], new long[0], new double[0], 0, new int[0]);

  private final String[] nodes;
  private final String[] keys;
  private final long[] hashes;
  private final double[] costs;
  private final int replicas;
  private final int[] owners;
  private final int[] counts;
  private final double[] loads;

  /** The item list the keys and costs were read from, or null when not made from one. */
  private final List<ShardItem> items;

  /** listIndex[i]: the position of key i in {@link #items}; null when not made from a list. */
  private final int[] listIndex;

  /**
   * Takes ownership of the arrays: nodes sorted and distinct, keys distinct and in {@link #compare}
   * order with their hashes, owners[i * replicas + r].
   */
  Assignment(
      String[] nodes, String[] keys, long[] hashes, double[] costs, int replicas, int[] owners) {
    this(nodes, keys, hashes, costs, replicas, owners, null, null);
  }

  /**
   * As above, made from {@code items} (an unmodifiable list; key i is {@code
   * items.get(listIndex[i])}): a later request over the very same list may reuse keys, hashes,
   * costs and positions (see {@link #madeFrom}).
   */
  Assignment(
      String[] nodes,
      String[] keys,
      long[] hashes,
      double[] costs,
      int replicas,
      int[] owners,
      List<ShardItem> items,
      int[] listIndex) {
    this.items = items;
    this.listIndex = listIndex;
    this.nodes = nodes;
    this.keys = keys;
    this.hashes = hashes;
    this.costs = costs;
    this.replicas = replicas;
    this.owners = owners;
    this.counts = new int[nodes.length];
    this.loads = new double[nodes.length];
    for (int i = 0; i < keys.length; i++) {
      for (int r = 0; r < replicas; r++) {
        int n = owners[i * replicas + r];
        counts[n]++;
        loads[n] += costs[i];
      }
    }
  }

  /** No nodes, no items: what zero healthy nodes produce. */
  public static Assignment empty() {
    return EMPTY;
  }

  /** Node names, sorted, including nodes that own nothing. */
  public List<String> nodes() {
    return List.of(nodes);
  }

  /** Owners per key: the requested replica count, capped at the number of nodes. */
  public int replicas() {
    return replicas;
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** All keys, in the assignment's fixed order (by key hash). */
  public List<String> keys() {
    return List.of(keys);
  }

  public boolean contains(String key) {
    return indexOf(key) >= 0;
  }

  /** The nodes owning {@code key}, primary first; empty if the key is not assigned. */
  public List<String> owners(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return List.of();
    }
    String[] out = new String[replicas];
    for (int r = 0; r < replicas; r++) {
      out[r] = nodes[owners[i * replicas + r]];
    }
    return List.of(out);
  }

  /** Receives one owner of one key. */
  public interface OwnerVisitor {
    void owner(String key, String node);
  }

  /**
   * Every key with each of its owners (primary first), in the assignment's order: one pass, no
   * lookups by key.
   */
  public void forEachOwner(OwnerVisitor visitor) {
    for (int i = 0; i < keys.length; i++) {
      for (int r = 0; r < replicas; r++) {
        visitor.owner(keys[i], nodes[owners[i * replicas + r]]);
      }
    }
  }

  /** Receives one owner of the item at {@code index} of a list. */
  public interface IndexedOwnerVisitor {
    void owner(int index, String node);
  }

  /**
   * If this assignment was made from {@code list} (the very list a request carried), visits every
   * owner of every item (primary first) with the item's position in that list, in the assignment's
   * order, and returns true: no lookups by key. Otherwise visits nothing and returns false.
   */
  public boolean forEachOwnerOf(List<ShardItem> list, IndexedOwnerVisitor visitor) {
    if (!madeFrom(list)) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      for (int r = 0; r < replicas; r++) {
        visitor.owner(listIndex[i], nodes[owners[i * replicas + r]]);
      }
    }
    return true;
  }

  /**
   * The keys each node owns (as primary or replica), every node present, keys in the assignment's
   * fixed order.
   */
  public Map<String, List<String>> keysByNode() {
    List<List<String>> lists = new ArrayList<>(nodes.length);
    for (int n = 0; n < nodes.length; n++) {
      lists.add(new ArrayList<>(counts[n]));
    }
    for (int i = 0; i < keys.length; i++) {
      for (int r = 0; r < replicas; r++) {
        lists.get(owners[i * replicas + r]).add(keys[i]);
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int n = 0; n < nodes.length; n++) {
      out.put(nodes[n], Collections.unmodifiableList(lists.get(n)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Number of items (replica slots) per node, every node present. */
  public Map<String, Integer> countByNode() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int n = 0; n < nodes.length; n++) {
      out.put(nodes[n], counts[n]);
    }
    return Collections.unmodifiableMap(out);
  }

  /** Summed item cost per node, every node present. */
  public Map<String, Double> costByNode() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int n = 0; n < nodes.length; n++) {
      out.put(nodes[n], loads[n]);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * How many keys present in both assignments have a different set of owners here than in {@code
   * other} (replica order ignored); keys only one of them has are not counted.
   */
  public int movedComparedTo(Assignment other) {
    int[] toHere = other.nodeIndexMap(nodes);
    int moved = 0;
    int i = 0;
    int j = 0;
    while (i < keys.length && j < other.keys.length) {
      int c = compare(hashes[i], keys[i], other.hashes[j], other.keys[j]);
      if (c < 0) {
        i++;
      } else if (c > 0) {
        j++;
      } else {
        if (!sameOwners(i, other, j, toHere)) {
          moved++;
        }
        i++;
        j++;
      }
    }
    return moved;
  }

  private boolean sameOwners(int i, Assignment other, int j, int[] toHere) {
    if (replicas != other.replicas) {
      return false;
    }
    for (int r = 0; r < replicas; r++) {
      int mine = owners[i * replicas + r];
      boolean found = false;
      for (int q = 0; q < replicas && !found; q++) {
        found = toHere[other.owners[j * replicas + q]] == mine;
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /**
   * The keys whose owners here may differ from {@code before}'s: keys {@code before} lacks, and
   * keys whose set of owners differs (a repeated owner, as in an assignment rebuilt from published
   * shares, counts once; replica counts may differ). In this assignment's order. Cheap when little
   * changed: one merge walk, no lookups.
   */
  public List<String> keysOwnedOtherwiseThan(Assignment before) {
    int[] toHere = before.nodeIndexMap(nodes);
    int[] toBefore = nodeIndexMap(before.nodes);
    List<String> out = new ArrayList<>();
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      int c = 1;
      while (j < before.keys.length
          && (c = compare(before.hashes[j], before.keys[j], hashes[i], keys[i])) < 0) {
        j++;
      }
      if (j >= before.keys.length
          || c != 0
          || !(covers(i, before, j, toHere) && before.covers(j, this, i, toBefore))) {
        out.add(keys[i]);
      }
    }
    return out;
  }

  /**
   * How many keys keep their owners of {@code previous} in {@code without} but not in {@code with}:
   * the moves {@code with} adds to {@code without} (keys {@code previous} lacks never count, nor
   * keys that move in both, whichever their new owners). Owner sets compared as in {@link
   * #keysOwnedOtherwiseThan}.
   */
  static int movesAdded(Assignment previous, Assignment without, Assignment with) {
    if (previous == null || previous.isEmpty()) {
      return 0;
    }
    boolean[] a = without.ownedOtherwiseThan(previous);
    boolean[] b = with.ownedOtherwiseThan(previous);
    int added = 0;
    int j = 0;
    for (int i = 0; i < without.keys.length; i++) {
      int c = 1;
      while (j < with.keys.length
          && (c = compare(with.hashes[j], with.keys[j], without.hashes[i], without.keys[i])) < 0) {
        j++;
      }
      if (c == 0 && !a[i] && b[j]) {
        added++;
      }
    }
    return added;
  }

  /** Per key here: present in {@code before} with another set of owners. */
  private boolean[] ownedOtherwiseThan(Assignment before) {
    int[] toHere = before.nodeIndexMap(nodes);
    int[] toBefore = nodeIndexMap(before.nodes);
    boolean[] out = new boolean[keys.length];
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      int c = 1;
      while (j < before.keys.length
          && (c = compare(before.hashes[j], before.keys[j], hashes[i], keys[i])) < 0) {
        j++;
      }
      out[i] =
          j < before.keys.length
              && c == 0
              && !(covers(i, before, j, toHere) && before.covers(j, this, i, toBefore));
    }
    return out;
  }

  /** Every owner of item {@code i} here is an owner of item {@code j} of {@code other}. */
  private boolean covers(int i, Assignment other, int j, int[] otherToHere) {
    for (int r = 0; r < replicas; r++) {
      int mine = owners[i * replicas + r];
      boolean found = false;
      for (int q = 0; q < other.replicas && !found; q++) {
        found = otherToHere[other.owners[j * other.replicas + q]] == mine;
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** For each node index of this assignment, its index in the sorted {@code target}, or -1. */
  int[] nodeIndexMap(String[] target) {
    int[] map = new int[nodes.length];
    for (int n = 0; n < nodes.length; n++) {
      map[n] = Math.max(-1, Arrays.binarySearch(target, nodes[n]));
    }
    return map;
  }

  int indexOfNode(String node) {
    return Math.max(-1, Arrays.binarySearch(nodes, node));
  }

  /** The order of keys in every assignment: by hash as unsigned 64-bit value, then by key. */
  @SuppressWarnings("ReferenceEquality") // identity only skips reading a key known to be equal
  static int compare(long hashA, String keyA, long hashB, String keyB) {
    int c = Long.compareUnsigned(hashA, hashB);
    // the same String (assignments over the same items share their keys): no need to read it
    return c != 0 || keyA == keyB ? c : keyA.compareTo(keyB);
  }

  int indexOf(String key) {
    long h = Hashing.item(key);
    int lo = 0;
    int hi = keys.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compare(hashes[mid], keys[mid], h, key);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  /**
   * Whether this assignment was made from this very item list (identity: the list is unmodifiable,
   * so its keys and costs are the ones here, in {@link #keyArray} order).
   */
  boolean madeFrom(List<ShardItem> list) {
    return items != null && items == list && listIndex != null;
  }

  /** The keys in order; shared, never to be modified. */
  String[] keyArray() {
    return keys;
  }

  /** The key hashes in order; shared, never to be modified. */
  long[] hashArray() {
    return hashes;
  }

  /** The item costs in key order; shared, never to be modified. */
  double[] costArray() {
    return costs;
  }

  /** Keys no node could take under its maxCost, in key order; empty when all were placed. */
  private List<String> unplaced = List.of();

  /**
   * The keys of the request that no node could take without going over its declared maximum ({@link
   * ShardNode#maxCost}): not in this assignment (a key short of some replicas is in it, its free
   * slots repeating its first owner, and listed here too). Empty when every key was placed.
   */
  public List<String> unplaced() {
    return unplaced;
  }

  /** This assignment, reporting {@code keys} as unplaced. */
  Assignment withUnplaced(List<String> keys) {
    Assignment a =
        new Assignment(nodes, this.keys, hashes, costs, replicas, owners, items, listIndex);
    a.unplaced = List.copyOf(keys);
    return a;
  }

  /** Each key's position in the list it was made from; shared, never to be modified. */
  int[] listIndexArray() {
    return listIndex;
  }

  long hashAt(int i) {
    return hashes[i];
  }

  String keyAt(int i) {
    return keys[i];
  }

  int ownerAt(int i, int r) {
    return owners[i * replicas + r];
  }

  int nodeCount() {
    return nodes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Assignment a
        && replicas == a.replicas
        && Arrays.equals(nodes, a.nodes)
        && Arrays.equals(keys, a.keys)
        && Arrays.equals(owners, a.owners)
        && Arrays.equals(costs, a.costs);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keys) + Arrays.hashCode(owners);
  }

  @Override
  public String toString() {
    return "Assignment[nodes="
        + nodes.length
        + ", items="
        + keys.length
        + ", replicas="
        + replicas
        + "]";
  }
}
