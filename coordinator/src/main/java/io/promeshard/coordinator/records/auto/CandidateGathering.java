package io.promeshard.coordinator.records.auto;

import io.promeshard.protocol.QueryReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Gathers the candidates of one automatic import from the agents' reports (pure): every reported
 * expression at or above {@code records_min_duration} (a report's own threshold may be lower),
 * deduplicated across nodes by its exact text (the text names the record), together with the
 * candidates carried over from the last run; slowest first, then most run, then by text, so the
 * order, and therefore which ones a limit holds back, does not depend on the order of the reports.
 */
final class CandidateGathering {
  /** The candidates, slowest first, and how many each node's report gave. */
  record Gathered(List<ReportedQuery> queries, Map<String, Integer> perNode) {
    Gathered {
      queries = List.copyOf(queries);
      perNode = Map.copyOf(perNode);
    }
  }

  static final Comparator<ReportedQuery> SLOWEST_FIRST =
      Comparator.comparingDouble(ReportedQuery::seconds)
          .reversed()
          .thenComparing(Comparator.comparingLong(ReportedQuery::count).reversed())
          .thenComparing(ReportedQuery::expr);

  private CandidateGathering() {}

  static Gathered gather(
      Map<String, QueryReport> reports, Duration minDuration, List<ReportedQuery> carried) {
    double threshold = minDuration.toNanos() / 1e9;
    Map<String, ReportedQuery> byExpr = new LinkedHashMap<>();
    Map<String, Integer> perNode = new TreeMap<>();
    for (Map.Entry<String, QueryReport> e : new TreeMap<>(reports).entrySet()) {
      String node = e.getKey();
      int n = 0;
      for (QueryReport.Entry q : e.getValue().queries()) {
        if (q.expr() == null || q.expr().isBlank() || !(q.seconds() >= threshold)) {
          continue;
        }
        n++;
        byExpr.merge(
            q.expr(),
            new ReportedQuery(
                q.expr(), q.seconds(), Math.max(1, q.count()), new TreeSet<>(List.of(node))),
            ReportedQuery::merge);
      }
      perNode.put(node, n);
    }
    for (ReportedQuery q : carried) {
      byExpr.merge(q.expr(), q, ReportedQuery::merge);
    }
    List<ReportedQuery> out = new ArrayList<>(byExpr.values());
    out.sort(SLOWEST_FIRST);
    return new Gathered(out, perNode);
  }
}
