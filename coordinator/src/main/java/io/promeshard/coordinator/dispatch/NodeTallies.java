package io.promeshard.coordinator.dispatch;

import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The targets each node gets while {@link ShareBuilder} places them, with counts and cost: one hash
 * lookup per owner, and the list of the job being placed kept at hand (targets arrive job by job),
 * instead of sorted-map lookups and boxed sums per target. Used by one thread for one build.
 */
final class NodeTallies {
  private final Map<String, Tally> byNode = new HashMap<>();

  /** One node's targets by job, and its count and cost. */
  private static final class Tally {
    final Map<String, List<TargetGroup>> jobs = new TreeMap<>();
    String job;
    List<TargetGroup> current;
    int count;
    double cost;
  }

  /** {@code node} gets {@code group} of {@code job}, costing {@code cost}. */
  void add(String node, String job, TargetGroup group, double cost) {
    Tally t = byNode.computeIfAbsent(node, n -> new Tally());
    if (!job.equals(t.job)) {
      t.job = job;
      t.current = t.jobs.computeIfAbsent(job, j -> new ArrayList<>());
    }
    t.current.add(group);
    t.count++;
    t.cost += cost;
  }

  /** Adds what was placed to the per-node maps (nodes not in them are added). */
  void addTo(
      Map<String, Map<String, List<TargetGroup>>> targets,
      Map<String, Integer> countByNode,
      Map<String, Double> costByNode) {
    byNode.forEach(
        (node, t) -> {
          Map<String, List<TargetGroup>> own = targets.computeIfAbsent(node, n -> new TreeMap<>());
          t.jobs.forEach(
              (job, groups) -> own.computeIfAbsent(job, j -> new ArrayList<>()).addAll(groups));
          countByNode.merge(node, t.count, Integer::sum);
          costByNode.merge(node, t.cost, Double::sum);
        });
  }
}
