package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Metric names found in the kinds of expression the dashboard and the alerting rules use. */
class PromqlNamesTest {
  @Test
  void aBareNameAndANameWithMatchers() {
    assertEquals(Set.of("prome_shard_leader"), PromqlNames.of("prome_shard_leader == 1"));
    assertEquals(
        Set.of("prome_shard_agent_apply_stalled"),
        PromqlNames.of("prome_shard_agent_apply_stalled{reason=\"output_unwritable\"} == 1"));
  }

  @Test
  void functionsAndAggregationsAreNotNamesButWhatTheyTakeIs() {
    assertEquals(
        Set.of("h_bucket"),
        PromqlNames.of(
            "histogram_quantile(0.99, sum by (le, kind) (rate(h_bucket[$__rate_interval])))"));
    assertEquals(
        Set.of("up"), PromqlNames.of("count (max without(instance) (up) == 1) or vector(0)"));
    assertEquals(
        Set.of("ts", "leader"),
        PromqlNames.of("time() - ts > 900\nand leader == 1 and absent (leader)"));
  }

  @Test
  void labelListsOfModifiersAreNotNames() {
    assertEquals(
        Set.of("published", "applied", "errors_total", "ok_total"),
        PromqlNames.of(
            "published - on (node) group_left (zone) applied > bool 0"
                + " or sum without (result) (increase(errors_total[5m]))"
                + " unless ignoring(result) ok_total offset 5m"));
  }

  @Test
  void stringsMatchersDurationsNumbersAndVariablesAreSkipped() {
    assertEquals(
        Set.of("source_targets"),
        PromqlNames.of(
            "source_targets{source=\"web/0 (http_sd) {x}\", node=~\"$node\", a!=`b}`}"
                + " * 1e3 + 0x1F - 0.5 > Inf + ${scale} * $factor # comment naming nothing"));
    assertEquals(Set.of("x:recorded"), PromqlNames.of("x:recorded[1h30m:5m]"));
  }

  @Test
  void anUnterminatedStringIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> PromqlNames.of("x{a=\"b}"));
  }
}
