package io.promeshard.scenarios;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which target addresses each server has (active in its Prometheus, or published in its share);
 * servers that are down or have nothing map to an empty set. Immutable; null arguments throw.
 */
record Placement(SortedMap<String, SortedSet<String>> byNode) {
  Placement {
    TreeMap<String, SortedSet<String>> copy = new TreeMap<>();
    byNode.forEach(
        (node, targets) ->
            copy.put(node, Collections.unmodifiableSortedSet(new TreeSet<>(targets))));
    byNode = Collections.unmodifiableSortedMap(copy);
  }

  static Placement of(Map<String, ? extends Set<String>> byNode) {
    TreeMap<String, SortedSet<String>> map = new TreeMap<>();
    byNode.forEach((node, targets) -> map.put(node, new TreeSet<>(targets)));
    return new Placement(map);
  }

  SortedSet<String> on(String node) {
    return byNode.getOrDefault(node, Collections.emptySortedSet());
  }

  /** Every address on any server. */
  NavigableSet<String> all() {
    return byNode.values().stream()
        .flatMap(Set::stream)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Addresses on more than one server. */
  SortedSet<String> duplicates() {
    Map<String, Long> counts =
        byNode.values().stream()
            .flatMap(Set::stream)
            .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
    return counts.entrySet().stream()
        .filter(e -> e.getValue() > 1)
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every expected address on exactly one server, and nothing else anywhere. */
  boolean exactlyOnce(Set<String> expected) {
    return duplicates().isEmpty() && all().equals(new TreeSet<>(expected));
  }

  /** The server holding {@code address} (the first one when it is on several), or null. */
  String nodeOf(String address) {
    return byNode.entrySet().stream()
        .filter(e -> e.getValue().contains(address))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  /** Addresses placed both here and in {@code before} whose server differs. */
  SortedSet<String> movedSince(Placement before) {
    SortedSet<String> moved = new TreeSet<>();
    for (String address : all()) {
      String was = before.nodeOf(address);
      if (was != null && !was.equals(nodeOf(address))) {
        moved.add(address);
      }
    }
    return moved;
  }

  /** The same placement ignoring servers with nothing on them. */
  Placement nonEmpty() {
    TreeMap<String, SortedSet<String>> map = new TreeMap<>();
    byNode.forEach(
        (node, targets) -> {
          if (!targets.isEmpty()) {
            map.put(node, targets);
          }
        });
    return new Placement(map);
  }

  /** {@code prom-1=40, prom-2=41, ...}. */
  String counts() {
    return byNode.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue().size())
        .collect(Collectors.joining(", "));
  }

  /** The addresses of {@code expected} that no server scrapes. */
  SortedSet<String> lost(Set<String> expected) {
    SortedSet<String> lost = new TreeSet<>(expected);
    lost.removeAll(all());
    return lost;
  }

  /**
   * What differs from {@code expected}: missing, unexpected and duplicated addresses (for failure
   * messages).
   */
  String problemsAgainst(Set<String> expected) {
    SortedSet<String> missing = new TreeSet<>(expected);
    missing.removeAll(all());
    SortedSet<String> extra = all();
    extra.removeAll(expected);
    return "missing "
        + missing
        + ", unexpected "
        + extra
        + ", on several servers "
        + duplicates()
        + " ("
        + counts()
        + ")";
  }
}
