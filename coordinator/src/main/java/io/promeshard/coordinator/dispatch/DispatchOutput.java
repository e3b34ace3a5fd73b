package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.protocol.NodeShare;
import java.util.Map;

/**
 * The result of one dispatch: each member's share, the assignments to pass as {@code previous} next
 * time (keyed by shard group, e.g. {@code targets/r1} or {@code records}), and figures for status
 * and metrics: targets and cost per node (estimated series when placing by load), how many
 * assignments moved, and what placing by load did ({@link LoadOutcome#OFF} without it).
 */
public record DispatchOutput(
    Map<String, NodeShare> shares,
    Map<String, Assignment> assignments,
    Map<String, Integer> targetsByNode,
    Map<String, Double> costByNode,
    Map<String, Integer> rulesByNode,
    int targets,
    int rules,
    int moved,
    LoadOutcome load) {

  public DispatchOutput {
    shares = Map.copyOf(shares);
    assignments = Map.copyOf(assignments);
    targetsByNode = Map.copyOf(targetsByNode);
    costByNode = Map.copyOf(costByNode);
    rulesByNode = Map.copyOf(rulesByNode);
  }

  /** A result without load-aware placement. */
  public DispatchOutput(
      Map<String, NodeShare> shares,
      Map<String, Assignment> assignments,
      Map<String, Integer> targetsByNode,
      Map<String, Double> costByNode,
      Map<String, Integer> rulesByNode,
      int targets,
      int rules,
      int moved) {
    this(
        shares,
        assignments,
        targetsByNode,
        costByNode,
        rulesByNode,
        targets,
        rules,
        moved,
        LoadOutcome.OFF);
  }
}
