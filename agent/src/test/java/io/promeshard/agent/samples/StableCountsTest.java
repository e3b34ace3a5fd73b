package io.promeshard.agent.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StableCountsTest {
  @Test
  void countsAreRoundedAndKeepTheirReportedNumberWhileWithinFivePercent() {
    assertEquals(
        Map.of("a/h:1", 1000L, "a/h:2", 2300L, "a/h:3", 7L),
        StableCounts.round(Map.of(), Map.of("a/h:1", 1049L, "a/h:2", 2345L, "a/h:3", 7L)));
    Map<String, Long> reported = Map.of("a/h:1", 1000L, "a/h:2", 2300L, "a/h:3", 7L);
    assertEquals(
        reported,
        StableCounts.round(reported, Map.of("a/h:1", 1050L, "a/h:2", 2200L, "a/h:3", 7L)),
        "1050 would round to 1100, but is within 5 % of 1000");
    assertEquals(
        Map.of("a/h:1", 1100L, "a/h:3", 8L, "a/h:4", 0L),
        StableCounts.round(reported, Map.of("a/h:1", 1060L, "a/h:3", 8L, "a/h:4", 0L)),
        "further off: rounded anew; gone targets are gone, new ones come");
  }
}
