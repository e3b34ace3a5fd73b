package io.promeshard.coordinator.dispatch;

import io.promeshard.protocol.NodeStatus;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each agent last reported under {@code status/<node>}, reduced to what a handover waits for:
 * the generation it applied and what its Prometheus has not done yet. Immutable.
 *
 * <p>A node has taken over an item once its agent applied the generation that brought the item and,
 * if the agent observes its Prometheus, Prometheus has scraped the target (or evaluated the
 * record's group) since. An agent that does not observe (an older version) is taken at its applied
 * generation. A node without any report has taken over nothing: its handovers end by timeout.
 */
public final class NodeReports {
  public static final NodeReports NONE = new NodeReports(Map.of());

  private final Map<String, Report> byNode;

  private record Report(
      long applied,
      boolean observes,
      boolean complete,
      Set<String> unscraped,
      Set<String> unevaluated) {}

  private NodeReports(Map<String, Report> byNode) {
    this.byNode = byNode;
  }

  /** From each node's status as read (node name → status). */
  public static NodeReports of(Map<String, NodeStatus> statuses) {
    Map<String, Report> out = new TreeMap<>();
    statuses.forEach(
        (node, s) -> {
          NodeStatus.Observed o = s.observed();
          out.put(
              node,
              o == null
                  ? new Report(s.appliedGeneration(), false, true, Set.of(), Set.of())
                  : new Report(
                      s.appliedGeneration(),
                      true,
                      o.complete(),
                      new HashSet<>(o.unscraped()),
                      Set.copyOf(o.unevaluated())));
        });
    return new NodeReports(out);
  }

  /**
   * True when {@code node} has taken over target {@code key} that reached it in generation {@code
   * since}.
   */
  public boolean scraped(String node, long since, String key) {
    Report r = byNode.get(node);
    return r != null
        && r.applied >= since
        && (!r.observes || (r.complete && !r.unscraped.contains(key)));
  }

  /**
   * True when {@code node} has taken over a record of rule group {@code group} that reached it in
   * generation {@code since}.
   */
  public boolean evaluated(String node, long since, String group) {
    Report r = byNode.get(node);
    return r != null && r.applied >= since && !r.unevaluated.contains(group);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeReports other && byNode.equals(other.byNode);
  }

  @Override
  public int hashCode() {
    return byNode.hashCode();
  }
}
