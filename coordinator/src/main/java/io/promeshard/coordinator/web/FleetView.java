package io.promeshard.coordinator.web;

import io.promeshard.coordinator.config.ConfigState;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishedFleet;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet as {@code status} and the status page show it: one row per node that has a published
 * share or an agent status, and the active coordinator's status. Pure: computed from a {@link
 * PublishedFleet}.
 */
public record FleetView(List<Node> nodes, CoordinatorStatus coordinator) {

  /**
   * One node: its published share (targets, cost share in percent of the fleet's, rules), the
   * generation published and the one its agent applied ({@code null} without an agent status), the
   * lag, the agent's last error (empty if none; {@code null} without status) and its Prometheus.
   */
  public record Node(
      String node,
      int targets,
      Double costPercent,
      int rules,
      long published,
      Long applied,
      Long lag,
      String lastError,
      NodeStatus.PrometheusInfo prometheus) {}

  public static FleetView of(PublishedFleet fleet) {
    Map<String, Double> cost = new TreeMap<>();
    fleet
        .shares()
        .forEach(
            (node, share) ->
                cost.put(
                    node,
                    share.targets().entrySet().stream()
                        .mapToDouble(e -> e.getValue().size() * weight(fleet.config(), e.getKey()))
                        .sum()));
    double total = cost.values().stream().mapToDouble(Double::doubleValue).sum();
    TreeSet<String> names = new TreeSet<>(fleet.stored().nodes().keySet());
    names.addAll(fleet.agents().keySet());
    List<Node> nodes = new ArrayList<>();
    for (String node : names) {
      NodeShare share = fleet.shares().getOrDefault(node, NodeShare.empty());
      StoredNode stored = fleet.stored().nodes().get(node);
      long published =
          stored == null || stored.manifest() == null ? 0 : stored.manifest().generation();
      NodeStatus agent = fleet.agents().get(node);
      nodes.add(
          new Node(
              node,
              share.targetCount(),
              total == 0 ? null : 100 * cost.getOrDefault(node, 0.0) / total,
              share.ruleCount(),
              published,
              agent == null ? null : agent.appliedGeneration(),
              agent == null ? null : Math.max(0, published - agent.appliedGeneration()),
              agent == null ? null : agent.lastError(),
              agent == null ? null : agent.prometheus()));
    }
    return new FleetView(List.copyOf(nodes), fleet.coordinator());
  }

  private static double weight(ConfigState config, String job) {
    var spec = config.jobs().get(job);
    return spec == null ? 1.0 : spec.weight();
  }
}
