package io.promeshard.coordinator.membership;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One read of the node service's health, before any hysteresis: the instances passing every check
 * (with weight and zone), the ones failing a check, the ones in maintenance, and what was wrong
 * with the reply (skipped IDs, bad weights) for the log; {@code conflicts} are the node names two
 * live hosts claim (each with the line naming both; such a name is also {@code draining}) and
 * {@code ignored} the registrations skipped (invalid ID, or not bound to their Consul node). A node
 * in two sets throws IllegalArgumentException.
 */
public record HealthSnapshot(
    Map<String, Member> healthy,
    Set<String> unhealthy,
    Set<String> draining,
    List<String> problems,
    Map<String, String> conflicts,
    int ignored) {
  public static final HealthSnapshot EMPTY =
      new HealthSnapshot(Map.of(), Set.of(), Set.of(), List.of());

  /** A read without conflicts or ignored registrations. */
  public HealthSnapshot(
      Map<String, Member> healthy,
      Set<String> unhealthy,
      Set<String> draining,
      List<String> problems) {
    this(healthy, unhealthy, draining, problems, Map.of(), 0);
  }

  public HealthSnapshot {
    healthy = Collections.unmodifiableMap(new TreeMap<>(healthy));
    unhealthy = Collections.unmodifiableSet(new TreeSet<>(unhealthy));
    draining = Collections.unmodifiableSet(new TreeSet<>(draining));
    problems = List.copyOf(problems);
    conflicts = Collections.unmodifiableMap(new TreeMap<>(conflicts));
    for (String name : conflicts.keySet()) {
      if (!draining.contains(name)) {
        throw new IllegalArgumentException(
            "health snapshot: conflicting node " + name + " must be drained");
      }
    }
    healthy.forEach(
        (name, m) -> {
          if (!name.equals(m.name())) {
            throw new IllegalArgumentException(
                "health snapshot: member " + m.name() + " listed as " + name);
          }
        });
    for (String name : unhealthy) {
      if (healthy.containsKey(name) || draining.contains(name)) {
        throw new IllegalArgumentException(
            "health snapshot: node " + name + " listed in two states");
      }
    }
    for (String name : draining) {
      if (healthy.containsKey(name)) {
        throw new IllegalArgumentException(
            "health snapshot: node " + name + " listed in two states");
      }
    }
  }

  /** The raw state of {@code node} in this read. */
  public RawHealth stateOf(String node) {
    if (healthy.containsKey(node)) {
      return RawHealth.HEALTHY;
    }
    if (draining.contains(node)) {
      return RawHealth.DRAINING;
    }
    return unhealthy.contains(node) ? RawHealth.UNHEALTHY : RawHealth.ABSENT;
  }

  /** Number of valid instances read. */
  public int size() {
    return healthy.size() + unhealthy.size() + draining.size();
  }
}
