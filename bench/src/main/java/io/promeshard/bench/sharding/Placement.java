package io.promeshard.bench.sharding;

import io.promeshard.coordinator.shard.Assignment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one algorithm put every item of a workload: the node list it was given and, per item, the
 * index of its owner. prome-shard's result is kept as its {@link Assignment} (to pass as previous)
 * and converted to owner indexes lazily, outside the timed section.
 */
public final class Placement {
  private final List<String> nodes;
  private final Assignment assignment;
  private final Workload workload;
  private int[] owners;

  private Placement(List<String> nodes, int[] owners, Assignment assignment, Workload workload) {
    this.nodes = List.copyOf(nodes);
    this.owners = owners;
    this.assignment = assignment;
    this.workload = workload;
  }

  public static Placement of(List<String> nodes, int[] owners) {
    return new Placement(nodes, owners, null, null);
  }

  public static Placement of(List<String> nodes, Assignment assignment, Workload workload) {
    return new Placement(nodes, null, assignment, workload);
  }

  public List<String> nodes() {
    return nodes;
  }

  /** prome-shard's assignment, or null for a baseline. */
  public Assignment assignment() {
    return assignment;
  }

  /** Owner index (into {@link #nodes()}) of every item. */
  public int[] owners() {
    if (owners == null) {
      Map<String, Integer> index = indexOfNodes();
      int[] out = new int[workload.size()];
      for (int i = 0; i < out.length; i++) {
        List<String> o = assignment.owners(workload.key(i));
        if (o.size() != 1) {
          throw new IllegalStateException(
              "item " + workload.key(i) + " has " + o.size() + " owners, expected 1");
        }
        out[i] = index.get(o.get(0));
      }
      owners = out;
    }
    return owners;
  }

  Map<String, Integer> indexOfNodes() {
    Map<String, Integer> index = new HashMap<>();
    for (int n = 0; n < nodes.size(); n++) {
      index.put(nodes.get(n), n);
    }
    return index;
  }
}
