package io.promeshard.agent.querylog;

import io.promeshard.protocol.Limits;
import io.promeshard.protocol.QueryLogLine;
import io.promeshard.protocol.QueryReport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slow queries of one report window: each distinct expression at or above the threshold with
 * its slowest time and count, bounded to {@code maxQueries} expressions (the slowest kept; the rest
 * counted as dropped), and the lines counted by kind. Used by one thread; {@link #report} takes the
 * window and starts a new one.
 */
final class SlowQueries {
  /** What one line was, for the metrics. */
  enum Kind {
    KEPT,
    BELOW_THRESHOLD,
    RULE,
    MALFORMED,
    BLANK
  }

  private static final class Seen {
    BigDecimal slowest;
    long count;

    Seen(BigDecimal seconds) {
      slowest = seconds;
    }
  }

  private final BigDecimal threshold;
  private final int maxQueries;
  private final int maxBytes;
  private Map<String, Seen> window = new HashMap<>();
  private long lines;
  private long malformed;
  private long dropped;

  SlowQueries(BigDecimal threshold, int maxQueries, int maxBytes) {
    this.threshold = threshold;
    this.maxQueries = maxQueries;
    this.maxBytes = maxBytes;
  }

  /** Counts one line ({@code null}: a line too long to read) and keeps it if it is slow. */
  Kind accept(byte[] line) {
    QueryLogLine parsed =
        line == null ? new QueryLogLine.Malformed("too long") : QueryLogLine.parse(line);
    if (parsed instanceof QueryLogLine.Blank) {
      return Kind.BLANK;
    }
    lines++;
    if (parsed instanceof QueryLogLine.Malformed) {
      malformed++;
      return Kind.MALFORMED;
    }
    if (parsed instanceof QueryLogLine.RuleEvaluation) {
      return Kind.RULE;
    }
    QueryLogLine.Query q = (QueryLogLine.Query) parsed;
    if (q.seconds().compareTo(threshold) < 0) {
      return Kind.BELOW_THRESHOLD;
    }
    if (q.expr().isBlank()
        || q.expr().getBytes(StandardCharsets.UTF_8).length > Limits.RECORD_EXPR_BYTES) {
      dropped++;
      return Kind.KEPT;
    }
    Seen seen = window.get(q.expr());
    if (seen != null) {
      seen.count++;
      seen.slowest = seen.slowest.max(q.seconds());
      return Kind.KEPT;
    }
    if (window.size() >= maxQueries && !evictFasterThan(q.seconds())) {
      dropped++;
      return Kind.KEPT;
    }
    Seen added = new Seen(q.seconds());
    added.count = 1;
    window.put(q.expr(), added);
    return Kind.KEPT;
  }

  /** Drops the fastest expression kept if it is faster than {@code seconds}; true if one was. */
  private boolean evictFasterThan(BigDecimal seconds) {
    Map.Entry<String, Seen> fastest =
        window.entrySet().stream()
            .min(Comparator.comparing((Map.Entry<String, Seen> e) -> e.getValue().slowest))
            .orElseThrow();
    if (fastest.getValue().slowest.compareTo(seconds) >= 0) {
      return false;
    }
    window.remove(fastest.getKey());
    dropped++;
    return true;
  }

  /** True when the window holds something a report should say. */
  boolean isEmpty() {
    return window.isEmpty() && malformed == 0 && dropped == 0;
  }

  /**
   * The window as a report, slowest first, within {@code maxBytes} of expressions (what does not
   * fit is counted as dropped); starts a new window.
   */
  QueryReport report(String node, String writtenAt, String file) {
    List<Map.Entry<String, Seen>> slowestFirst = new ArrayList<>(window.entrySet());
    slowestFirst.sort(
        Comparator.comparing((Map.Entry<String, Seen> e) -> e.getValue().slowest)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<QueryReport.Entry> entries = new ArrayList<>();
    long bytes = 0;
    long over = 0;
    for (Map.Entry<String, Seen> e : slowestFirst) {
      int size = e.getKey().getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > maxBytes) {
        over++;
        continue;
      }
      bytes += size;
      entries.add(
          new QueryReport.Entry(
              e.getKey(), e.getValue().slowest.doubleValue(), e.getValue().count));
    }
    QueryReport r =
        new QueryReport(
            node,
            writtenAt,
            file,
            threshold.doubleValue(),
            entries,
            lines,
            malformed,
            dropped + over);
    window = new HashMap<>();
    lines = 0;
    malformed = 0;
    dropped = 0;
    return r;
  }
}
