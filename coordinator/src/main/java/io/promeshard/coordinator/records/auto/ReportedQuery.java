package io.promeshard.coordinator.records.auto;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One distinct expression the agents reported: its slowest evaluation time on any node, how often
 * it ran in the reports read, and the nodes that reported it.
 */
public record ReportedQuery(String expr, double seconds, long count, SortedSet<String> nodes) {
  public ReportedQuery {
    Objects.requireNonNull(expr, "expr");
    nodes = Collections.unmodifiableSortedSet(new TreeSet<>(nodes));
  }

  /** This query and {@code other} (the same expression) as one. */
  ReportedQuery merge(ReportedQuery other) {
    TreeSet<String> both = new TreeSet<>(nodes);
    both.addAll(other.nodes);
    return new ReportedQuery(
        expr, Math.max(seconds, other.seconds), saturatedAdd(count, other.count), both);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
