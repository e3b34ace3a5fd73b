package io.promeshard.coordinator.records.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.protocol.QueryReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CandidateGatheringTest {
  private static QueryReport report(String node, QueryReport.Entry... entries) {
    return new QueryReport(node, "2026-12-01T00:00:00Z", "/q.log", 0, List.of(entries), 10, 0, 0);
  }

  private static QueryReport.Entry q(String expr, double seconds, long count) {
    return new QueryReport.Entry(expr, seconds, count);
  }

  @Test
  void aQueryReportedByTwoNodesIsOneCandidateWithItsSlowestTimeAndBothNodes() {
    CandidateGathering.Gathered g =
        CandidateGathering.gather(
            Map.of(
                "prom-1", report("prom-1", q("sum(up)", 1.5, 2), q("rate(x[5m])", 3, 1)),
                "prom-2", report("prom-2", q("sum(up)", 2.5, 3))),
            Duration.ofSeconds(1),
            List.of());
    assertEquals(
        List.of(
            new ReportedQuery("rate(x[5m])", 3, 1, new TreeSet<>(List.of("prom-1"))),
            new ReportedQuery("sum(up)", 2.5, 5, new TreeSet<>(List.of("prom-1", "prom-2")))),
        g.queries());
    assertEquals(Map.of("prom-1", 2, "prom-2", 1), g.perNode());
  }

  @Test
  void queriesBelowTheCoordinatorsThresholdAndBlankOnesAreNoCandidates() {
    CandidateGathering.Gathered g =
        CandidateGathering.gather(
            Map.of(
                "prom-1",
                report("prom-1", q("fast", 0.2, 1), q(" ", 9, 1), q("slow", 1, 1), q(null, 5, 1))),
            Duration.ofSeconds(1),
            List.of());
    assertEquals(List.of("slow"), g.queries().stream().map(ReportedQuery::expr).toList());
    assertEquals(Map.of("prom-1", 1), g.perNode());
  }

  @Test
  void candidatesCarriedFromTheLastRunJoinTheReportedOnes() {
    ReportedQuery carried = new ReportedQuery("held", 4, 1, new TreeSet<>(List.of("prom-3")));
    CandidateGathering.Gathered g =
        CandidateGathering.gather(
            Map.of("prom-1", report("prom-1", q("held", 2, 2), q("new", 1, 1))),
            Duration.ZERO,
            List.of(carried));
    assertEquals(
        List.of(
            new ReportedQuery("held", 4, 3, new TreeSet<>(List.of("prom-1", "prom-3"))),
            new ReportedQuery("new", 1, 1, new TreeSet<>(List.of("prom-1")))),
        g.queries());
  }

  @Test
  void theOrderIsSlowestThenMostRunThenTextWhateverTheOrderOfTheReports() {
    CandidateGathering.Gathered g =
        CandidateGathering.gather(
            Map.of(
                "b", report("b", q("z", 2, 1), q("y", 2, 7)),
                "a", report("a", q("x", 2, 1), q("w", 5, 1))),
            Duration.ZERO,
            List.of());
    assertEquals(
        List.of("w", "y", "x", "z"), g.queries().stream().map(ReportedQuery::expr).toList());
  }
}
