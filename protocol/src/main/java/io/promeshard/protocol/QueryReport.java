package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What an agent found in its Prometheus' query log since its last report, under {@code
 * reports/<node>/queries}: the distinct expressions that took at least {@code min_seconds} (each
 * with its slowest time and how often it ran), slowest first and bounded in count and bytes; and
 * the lines it counted but did not report: {@code malformed}, and {@code dropped} (over the
 * bounds). Written only when there is something new, at most once per report interval.
 */
public record QueryReport(
    String node,
    @JsonProperty("written_at") String writtenAt,
    String file,
    @JsonProperty("min_seconds") double minSeconds,
    List<Entry> queries,
    long lines,
    long malformed,
    long dropped) {

  /** One expression: the slowest evaluation seen and how many times it ran. */
  public record Entry(String expr, double seconds, long count) {}

  public QueryReport {
    Names.node(node);
    queries = queries == null ? List.of() : List.copyOf(queries);
  }
}
