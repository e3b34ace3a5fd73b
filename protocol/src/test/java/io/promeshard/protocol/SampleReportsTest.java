package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleReportsTest {
  private final KvLayout layout = KvLayout.defaults();

  @Test
  void validReportsAreReadByNodeAndBadOnesNamedByKey() {
    SampleReport p1 = report("p1", "2026-12-01T19:00:00Z", Map.of("web/h:1", 100L));
    SampleReport p2 = report("p2", "2026-12-01T19:01:00Z", Map.of("web/h:2", 7L));
    Map<String, byte[]> values =
        Map.of(
            layout.sampleReport("p1"), p1.encode(),
            layout.sampleReport("p2"), p2.encode(),
            layout.sampleReport("p3"), "{}".getBytes(StandardCharsets.UTF_8),
            layout.sampleReport("p4"), p1.encode(),
            layout.queryReport("p1"), "{\"queries\":[]}".getBytes(StandardCharsets.UTF_8));
    SampleReports read = SampleReports.read(layout, values);
    assertEquals(Map.of("p1", p1, "p2", p2), read.byNode());
    assertEquals(
        List.of(layout.sampleReport("p3"), layout.sampleReport("p4")),
        List.copyOf(read.errors().keySet()));
    assertTrue(
        read.errors().get(layout.sampleReport("p4")).endsWith("node: expected \"p4\", found p1"),
        read.errors().toString());
  }

  @Test
  void aTargetInTwoReportsTakesTheMostRecentMeasurement() {
    SampleReport old = report("p1", "2026-12-01T19:00:00Z", Map.of("web/h:1", 100L, "a/h:9", 1L));
    SampleReport recent = report("p2", "2026-12-01T19:02:00Z", Map.of("web/h:1", 3000L));
    Map<String, byte[]> values =
        Map.of(layout.sampleReport("p1"), old.encode(), layout.sampleReport("p2"), recent.encode());
    assertEquals(
        Map.of("web/h:1", 3000L, "a/h:9", 1L),
        SampleReports.read(layout, values).samplesByTarget());
  }

  private static SampleReport report(String node, String at, Map<String, Long> samples) {
    return new SampleReport(node, 1, Instant.parse(at), Duration.ofMinutes(2), samples, 0, 0);
  }
}
