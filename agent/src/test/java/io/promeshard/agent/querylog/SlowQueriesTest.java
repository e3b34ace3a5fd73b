package io.promeshard.agent.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.QueryReport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowQueriesTest {
  private static byte[] line(String expr, double seconds) {
    return ("{\"params\":{\"query\":\""
            + expr
            + "\",\"start\":\"2026-12-01T00:00:00Z\"},\"stats\":{\"timings\":{\"evalTotalTime\":"
            + seconds
            + "}},\"ts\":\"2026-12-01T00:00:00Z\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsEachSlowExpressionOnceWithItsSlowestTimeAndCountsTheRest() {
    SlowQueries w = new SlowQueries(new BigDecimal("0.5"), 10, 1 << 20);
    assertEquals(SlowQueries.Kind.KEPT, w.accept(line("sum(rate(a[5m]))", 0.7)));
    assertEquals(SlowQueries.Kind.KEPT, w.accept(line("sum(rate(a[5m]))", 1.5)));
    assertEquals(SlowQueries.Kind.BELOW_THRESHOLD, w.accept(line("up", 0.1)));
    assertEquals(SlowQueries.Kind.MALFORMED, w.accept("not json".getBytes(StandardCharsets.UTF_8)));
    assertEquals(SlowQueries.Kind.MALFORMED, w.accept(null));
    byte[] rule =
        "{\"params\":{\"query\":\"x\"},\"ruleGroup\":{\"name\":\"g\"},\"stats\":{\"timings\":{\"evalTotalTime\":9}}}"
            .getBytes(StandardCharsets.UTF_8);
    assertEquals(SlowQueries.Kind.RULE, w.accept(rule));
    assertEquals(SlowQueries.Kind.BLANK, w.accept("  ".getBytes(StandardCharsets.UTF_8)));
    QueryReport r = w.report("p1", "now", "/q.log");
    assertEquals(List.of(new QueryReport.Entry("sum(rate(a[5m]))", 1.5, 2)), r.queries());
    assertEquals(6, r.lines());
    assertEquals(2, r.malformed());
    assertEquals(0, r.dropped());
    assertEquals(0.5, r.minSeconds());
    assertTrue(w.isEmpty(), "a report starts a new window");
  }

  @Test
  void overTheCountTheSlowestAreKeptAndOverTheBytesTheRestIsDropped() {
    SlowQueries w = new SlowQueries(BigDecimal.ZERO, 2, 1 << 20);
    w.accept(line("q1", 1));
    w.accept(line("q2", 2));
    w.accept(line("q3", 3)); // evicts q1
    w.accept(line("q0", 0.5)); // slower than none kept: dropped
    QueryReport r = w.report("p1", "now", "/q.log");
    assertEquals(List.of("q3", "q2"), r.queries().stream().map(QueryReport.Entry::expr).toList());
    assertEquals(2, r.dropped());

    SlowQueries small = new SlowQueries(BigDecimal.ZERO, 10, 5);
    small.accept(line("abcd", 2));
    small.accept(line("efgh", 1));
    QueryReport s = small.report("p1", "now", "/q.log");
    assertEquals(List.of("abcd"), s.queries().stream().map(QueryReport.Entry::expr).toList());
    assertEquals(1, s.dropped(), "what does not fit the report's bytes is counted");
  }
}
