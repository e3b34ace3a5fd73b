package io.promeshard.coordinator.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds an {@link Assignment} from owners read back from published shares, so a coordinator that
 * takes over can pass what its predecessor published as {@code previous}. Items get cost 1 (only
 * ownership matters for stickiness); keys with fewer owners than the most-replicated key keep their
 * owners and the free slots repeat the first owner, which the sharder treats as one owner.
 */
public final class PublishedAssignment {
  private PublishedAssignment() {}

  public static Assignment fromOwners(Map<String, List<String>> ownersByKey) {
    TreeSet<String> nodeSet = new TreeSet<>();
    int replicas = 0;
    for (List<String> owners : ownersByKey.values()) {
      nodeSet.addAll(owners);
      replicas = Math.max(replicas, owners.size());
    }
    if (ownersByKey.isEmpty() || replicas == 0) {
      return Assignment.empty();
    }
    String[] nodes = nodeSet.toArray(String[]::new);
    List<Map.Entry<String, List<String>>> entries = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : ownersByKey.entrySet()) {
      if (!e.getValue().isEmpty()) {
        entries.add(e);
      }
    }
    long[] hashOf = new long[entries.size()];
    Integer[] order = new Integer[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      hashOf[i] = Hashing.item(entries.get(i).getKey());
      order[i] = i;
    }
    Arrays.sort(
        order,
        Comparator.comparing(
            (Integer i) -> i,
            (a, b) ->
                Assignment.compare(
                    hashOf[a], entries.get(a).getKey(), hashOf[b], entries.get(b).getKey())));
    String[] keys = new String[order.length];
    long[] hashes = new long[order.length];
    double[] costs = new double[order.length];
    int[] owners = new int[order.length * replicas];
    for (int i = 0; i < order.length; i++) {
      Map.Entry<String, List<String>> e = entries.get(order[i]);
      keys[i] = e.getKey();
      hashes[i] = hashOf[order[i]];
      costs[i] = 1.0;
      List<String> list = e.getValue();
      for (int r = 0; r < replicas; r++) {
        owners[i * replicas + r] =
            Arrays.binarySearch(nodes, list.get(Math.min(r, list.size() - 1)));
      }
    }
    return new Assignment(nodes, keys, hashes, costs, replicas, owners);
  }
}
