package io.promeshard.bench.sharding;

import java.util.List;
import java.util.Map;

/**
 * Balance and movement of placements: max/avg of item counts and of summed cost over nodes, the
 * cost maximum against the lower bound {@code max(average, costliest item)} that no placement can
 * beat, and the fraction of items whose owner differs between two placements of the same workload.
 */
public record Quality(double countMaxAvg, double costMaxAvg, double costMaxBound) {

  public static Quality of(Placement p, Workload w) {
    int nodes = p.nodes().size();
    int[] owners = p.owners();
    long[] counts = new long[nodes];
    double[] costs = new double[nodes];
    for (int i = 0; i < owners.length; i++) {
      counts[owners[i]]++;
      costs[owners[i]] += w.cost(i);
    }
    long maxCount = 0;
    double maxCost = 0;
    for (int n = 0; n < nodes; n++) {
      maxCount = Math.max(maxCount, counts[n]);
      maxCost = Math.max(maxCost, costs[n]);
    }
    double avgCount = (double) w.size() / nodes;
    double avgCost = w.totalCost() / nodes;
    return new Quality(
        maxCount / avgCount, maxCost / avgCost, maxCost / Math.max(avgCost, w.maxCost()));
  }

  /** Items whose owner (by node name) differs between {@code a} and {@code b}. */
  public static int moved(Placement a, Placement b) {
    Map<String, Integer> inB = b.indexOfNodes();
    List<String> aNodes = a.nodes();
    int[] map = new int[aNodes.size()];
    for (int n = 0; n < map.length; n++) {
      map[n] = inB.getOrDefault(aNodes.get(n), -1);
    }
    int[] ao = a.owners();
    int[] bo = b.owners();
    int moved = 0;
    for (int i = 0; i < ao.length; i++) {
      if (map[ao[i]] != bo[i]) {
        moved++;
      }
    }
    return moved;
  }
}
