package io.promeshard.coordinator.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.load.LoadModel.Costing;
import io.promeshard.coordinator.load.LoadModel.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadModelTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Duration HALF_LIFE = Duration.ofMinutes(5);

  private static final List<Target> TARGETS =
      List.of(
          new Target("node/a:9100", "node", 1),
          new Target("node/b:9100", "node", 1),
          new Target("node/c:9100", "node", 1),
          new Target("ksm/k:8080", "ksm", 10),
          new Target("app/x:80", "app", 2));

  @Test
  void withoutReportsEveryTargetCostsItsJobWeight() {
    Costing c = LoadModel.empty().cost(TARGETS, 1.5);
    assertEquals(List.of(1.0, 1.0, 1.0, 10.0, 2.0), currents(c));
    assertEquals(0, c.proposals());
    assertEquals(0, c.measured());
  }

  @Test
  void measuredTargetsCostTheirSamplesAndOthersTheMedianPerUnitOfWeight() {
    LoadModel m =
        LoadModel.empty()
            .observe(
                Map.of("node/a:9100", 1000L, "node/b:9100", 3000L, "ksm/k:8080", 50_000L),
                T0,
                HALF_LIFE);
    Costing c = m.cost(TARGETS, 1.5);
    // node/c: its job's median (2000); app (never measured): weight 2 x the fleet's median per
    // unit of weight (1000, 3000, 5000 per unit -> 3000) = 6000
    assertEquals(List.of(1000.0, 3000.0, 2000.0, 50_000.0, 6000.0), currents(c));
    assertEquals(3, c.measured());
  }

  @Test
  void aTargetWithoutSamplesCostsOne() {
    LoadModel m = LoadModel.empty().observe(Map.of("node/a:9100", 0L), T0, HALF_LIFE);
    assertEquals(1.0, m.cost(TARGETS, 1.5).current(0));
  }

  @Test
  void smoothingFollowsTimeNotTheNumberOfObservations() {
    Map<String, Long> before = Map.of("node/a:9100", 1000L);
    Map<String, Long> after = Map.of("node/a:9100", 3000L);
    LoadModel once =
        LoadModel.empty()
            .observe(before, T0, HALF_LIFE)
            .observe(after, T0.plus(HALF_LIFE), HALF_LIFE);
    LoadModel often = LoadModel.empty().observe(before, T0, HALF_LIFE);
    for (int s = 30; s <= 300; s += 30) {
      often = often.observe(after, T0.plusSeconds(s), HALF_LIFE);
    }
    // one half-life at 3000 after 1000: halfway
    assertEquals(2000, once.smoothed("node/a:9100"), 1e-6);
    assertEquals(2000, often.smoothed("node/a:9100"), 1e-6);
  }

  @Test
  void noSmoothingTakesTheLatestSamples() {
    LoadModel m =
        LoadModel.empty()
            .observe(Map.of("node/a:9100", 1000L), T0, Duration.ZERO)
            .observe(Map.of("node/a:9100", 7000L), T0.plusSeconds(1), Duration.ZERO);
    assertEquals(7000, m.smoothed("node/a:9100"));
  }

  @Test
  void aTargetMissingFromTheReportsKeepsItsSmoothedSamples() {
    LoadModel m =
        LoadModel.empty()
            .observe(Map.of("node/a:9100", 1000L, "node/b:9100", 5000L), T0, HALF_LIFE)
            .observe(Map.of("node/b:9100", 5000L), T0.plusSeconds(600), HALF_LIFE);
    assertEquals(1000, m.smoothed("node/a:9100"));
  }

  @Test
  void changesBelowTheMinimumFactorAreNotProposed() {
    LoadModel m =
        placed(LoadModel.empty().observe(Map.of("node/a:9100", 1000L), T0, Duration.ZERO));
    LoadModel drift = m.observe(Map.of("node/a:9100", 1400L), T0.plusSeconds(60), Duration.ZERO);
    Costing c = drift.cost(TARGETS, 1.5);
    assertEquals(1000.0, c.current(0));
    assertTrue(Double.isNaN(c.proposed(0)));
    LoadModel down = m.observe(Map.of("node/a:9100", 700L), T0.plusSeconds(60), Duration.ZERO);
    assertTrue(Double.isNaN(down.cost(TARGETS, 1.5).proposed(0)));
  }

  @Test
  void changesOfTheMinimumFactorOrMoreAreProposedBothWays() {
    LoadModel m =
        placed(LoadModel.empty().observe(Map.of("node/a:9100", 1000L), T0, Duration.ZERO));
    LoadModel up = m.observe(Map.of("node/a:9100", 1500L), T0.plusSeconds(60), Duration.ZERO);
    Costing c = up.cost(TARGETS, 1.5);
    assertEquals(1000.0, c.current(0));
    assertEquals(1500.0, c.proposed(0));
    LoadModel down = m.observe(Map.of("node/a:9100", 600L), T0.plusSeconds(60), Duration.ZERO);
    assertEquals(600.0, down.cost(TARGETS, 1.5).proposed(0));
  }

  @Test
  void aSpikeShorterThanTheHalfLifeDoesNotCount() {
    LoadModel m = placed(LoadModel.empty().observe(Map.of("node/a:9100", 1000L), T0, HALF_LIFE));
    // 3x for one minute, then back: smoothed reaches about 1.26x
    m = m.observe(Map.of("node/a:9100", 3000L), T0.plusSeconds(60), HALF_LIFE);
    assertTrue(Double.isNaN(m.cost(TARGETS, 1.5).proposed(0)));
    m = m.observe(Map.of("node/a:9100", 1000L), T0.plusSeconds(120), HALF_LIFE);
    assertTrue(Double.isNaN(m.cost(TARGETS, 1.5).proposed(0)));
  }

  @Test
  void placedWithForgetsTargetsNoLongerPlaced() {
    LoadModel m =
        LoadModel.empty().observe(Map.of("node/a:9100", 1000L, "gone/z:1", 9L), T0, HALF_LIFE);
    m = m.placedWith(Map.of("node/a:9100", 1000.0));
    assertTrue(Double.isNaN(m.smoothed("gone/z:1")));
    assertEquals(1000.0, m.effective("node/a:9100"));
    assertTrue(Double.isNaN(m.effective("node/b:9100")));
  }

  /** The model after placing every target at its current cost. */
  private static LoadModel placed(LoadModel m) {
    Costing c = m.cost(TARGETS, 1.5);
    Map<String, Double> costs = new HashMap<>();
    for (int i = 0; i < TARGETS.size(); i++) {
      costs.put(TARGETS.get(i).key(), c.current(i));
    }
    return m.placedWith(costs);
  }

  private static List<Double> currents(Costing c) {
    return java.util.stream.IntStream.range(0, c.size()).mapToObj(c::current).toList();
  }
}
