package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.ShareGroups;
import io.promeshard.coordinator.publish.StoredNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The handovers in progress (make-before-break): items (targets by {@code job/address}, records by
 * name) published on their new owners while their old owners keep them, until every new owner has
 * taken them over or {@code handover_timeout} passes. Immutable; the dispatcher keeps the current
 * value in its state, and a new leader infers it again from what is published.
 */
public final class Handovers {
  public static final Handovers NONE = new Handovers(Map.of());

  /**
   * One item in handover: its sharding {@code group}, the old owners that keep it meanwhile, the
   * new owners not yet confirmed, each with the generation of its share that brought the item (0
   * until the publish that brings it is planned), and when the handover started.
   */
  public record Handover(String group, List<String> from, Map<String, Long> to, Instant started) {
    public Handover {
      from = List.copyOf(from);
      to = Collections.unmodifiableMap(new TreeMap<>(to));
    }

    public boolean isRecord() {
      return group.equals(ShareGroups.RECORDS);
    }

    /** True when every new owner has taken the item over, as {@code reports} tell. */
    boolean takenOver(String key, NodeReports reports, String recordGroup) {
      for (Map.Entry<String, Long> e : to.entrySet()) {
        boolean done =
            isRecord()
                ? reports.evaluated(e.getKey(), e.getValue(), recordGroup)
                : reports.scraped(e.getKey(), e.getValue(), key);
        if (!done) {
          return false;
        }
      }
      return true;
    }
  }

  private final Map<String, Handover> byKey;

  Handovers(Map<String, Handover> byKey) {
    this.byKey = Collections.unmodifiableMap(new HashMap<>(byKey));
  }

  /** The handover of {@code key}, or null. */
  public Handover get(String key) {
    return byKey.get(key);
  }

  public Map<String, Handover> all() {
    return byKey;
  }

  public boolean isEmpty() {
    return byKey.isEmpty();
  }

  public int size() {
    return byKey.size();
  }

  /** When the oldest handover times out, or null when none is in progress. */
  public Instant nextDeadline(Duration timeout) {
    Instant first = null;
    for (Handover h : byKey.values()) {
      if (first == null || h.started().isBefore(first)) {
        first = h.started();
      }
    }
    return first == null ? null : first.plus(timeout);
  }

  /** True when {@code reports} complete at least one handover: a dispatch can remove it. */
  public boolean anyTakenOver(NodeReports reports, String recordGroup) {
    for (Map.Entry<String, Handover> e : byKey.entrySet()) {
      if (e.getValue().takenOver(e.getKey(), reports, recordGroup)) {
        return true;
      }
    }
    return false;
  }

  /**
   * These handovers with the generation that brings each item to its new owners filled in from
   * {@code after}, what Consul holds once the publish that started them is through.
   */
  public Handovers stamped(Map<String, StoredNode> after) {
    Map<String, Handover> out = new HashMap<>(byKey.size());
    byKey.forEach(
        (key, h) -> {
          if (!h.to().containsValue(0L)) {
            out.put(key, h);
            return;
          }
          Map<String, Long> to = new TreeMap<>(h.to());
          to.replaceAll(
              (node, since) -> {
                StoredNode n = after.get(node);
                // a node the plan does not know cannot confirm: wait for the timeout
                return since != 0 ? since : n == null ? Long.MAX_VALUE : n.generation();
              });
          out.put(key, new Handover(h.group(), h.from(), to, h.started()));
        });
    return new Handovers(out);
  }

  /** For status: how many targets and records are in handover, per new owner, and the oldest. */
  public CoordinatorStatus.HandoverSummary summary(Duration timeout, int examples) {
    int targets = 0;
    Map<String, Integer> byNode = new TreeMap<>();
    Instant oldest = null;
    TreeMap<String, Handover> sorted = new TreeMap<>(byKey);
    for (Handover h : sorted.values()) {
      if (!h.isRecord()) {
        targets++;
      }
      h.to().keySet().forEach(n -> byNode.merge(n, 1, Integer::sum));
      if (oldest == null || h.started().isBefore(oldest)) {
        oldest = h.started();
      }
    }
    List<String> named =
        sorted.entrySet().stream()
            .limit(examples)
            .map(e -> e.getKey() + " " + e.getValue().from() + " -> " + e.getValue().to().keySet())
            .toList();
    return new CoordinatorStatus.HandoverSummary(
        targets,
        byKey.size() - targets,
        byNode,
        oldest == null ? null : oldest.toString(),
        oldest == null ? null : oldest.plus(timeout).toString(),
        named);
  }
}
