package io.promeshard.coordinator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FlapFilterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final FlapFilter filter = new FlapFilter(Duration.ofSeconds(30));

  private static Map<String, Member> up(String... names) {
    Map<String, Member> m = new TreeMap<>();
    for (String n : names) {
      m.put(n, new Member(n, 1, ""));
    }
    return m;
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void firstObservationIsTakenAsItIs() {
    assertTrue(filter.observe(at(0), up("a", "b"), Set.of()));
    assertEquals(Set.of("a", "b"), filter.effective().keySet());
  }

  @Test
  void nodeThatFailsIsRemovedOnlyAfterContinuousFailureForTheHold() {
    filter.observe(at(0), up("a", "b"), Set.of());
    assertFalse(filter.observe(at(1), up("a"), Set.of()));
    assertEquals(Optional.of(at(31)), filter.nextDeadline());
    assertFalse(filter.advance(at(30)));
    assertEquals(Set.of("a", "b"), filter.effective().keySet());
    assertTrue(filter.advance(at(31)));
    assertEquals(Set.of("a"), filter.effective().keySet());
  }

  @Test
  void flappingNodeNeverLeaves() {
    filter.observe(at(0), up("a", "b"), Set.of());
    for (int t = 1; t < 200; t += 20) {
      filter.observe(at(t), up("a"), Set.of());
      filter.observe(at(t + 10), up("a", "b"), Set.of());
      assertEquals(Set.of("a", "b"), filter.effective().keySet(), "at " + t);
    }
    assertTrue(filter.pending().isEmpty());
  }

  @Test
  void returningNodeJoinsOnlyAfterPassingForTheHold() {
    filter.observe(at(0), up("a"), Set.of());
    filter.observe(at(5), up("a", "b"), Set.of());
    assertFalse(filter.advance(at(34)));
    filter.observe(at(20), up("a"), Set.of()); // fails again: the clock restarts
    filter.observe(at(25), up("a", "b"), Set.of());
    assertFalse(filter.advance(at(54)));
    assertTrue(filter.advance(at(55)));
    assertEquals(Set.of("a", "b"), filter.effective().keySet());
  }

  @Test
  void drainedNodeLeavesAtOnce() {
    filter.observe(at(0), up("a", "b"), Set.of());
    assertTrue(filter.observe(at(1), up("a"), Set.of("b")));
    assertEquals(Set.of("a"), filter.effective().keySet());
  }

  @Test
  void weightChangeOfAnEffectiveNodeIsTakenAtOnce() {
    filter.observe(at(0), up("a"), Set.of());
    assertTrue(filter.observe(at(1), Map.of("a", new Member("a", 2, "z1")), Set.of()));
    assertEquals(2, filter.effective().get("a").weight());
  }

  @Test
  void zeroHoldFollowsRawHealth() {
    FlapFilter immediate = new FlapFilter(Duration.ZERO);
    immediate.observe(at(0), up("a", "b"), Set.of());
    assertTrue(immediate.observe(at(1), up("a"), Set.of()));
    assertEquals(Set.of("a"), immediate.effective().keySet());
  }
}
