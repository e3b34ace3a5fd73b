package io.promeshard.coordinator.run;

import io.promeshard.coordinator.dispatch.DispatchState;
import io.promeshard.coordinator.publish.StoredNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per member node, the generation the leader last published for it and the one its agent last
 * reported applying (0 before its first report): an agent whose applied generation stays below the
 * published one is not applying. Empty unless this coordinator leads, so that a fleet of
 * coordinators exports each node once; nodes that left the membership are not listed (their last
 * manifest stays in Consul and a stopped host never applies it). Immutable.
 */
record NodeGenerations(Map<String, Long> published, Map<String, Long> applied) {
  static final NodeGenerations NONE = new NodeGenerations(Map.of(), Map.of());

  NodeGenerations {
    published = Map.copyOf(published);
    applied = Map.copyOf(applied);
  }

  /** From the dispatcher's state and the agents' reported generations (node → applied). */
  static NodeGenerations of(DispatchState s, Map<String, Long> reported) {
    if (s.term() == null || s.published() == null) {
      return NONE;
    }
    Map<String, Long> published = new TreeMap<>();
    Map<String, Long> applied = new TreeMap<>();
    for (String node : s.members().keySet()) {
      StoredNode stored = s.published().nodes().get(node);
      published.put(
          node, stored == null || stored.manifest() == null ? 0 : stored.manifest().generation());
      applied.put(node, reported.getOrDefault(node, 0L));
    }
    return new NodeGenerations(published, applied);
  }
}
