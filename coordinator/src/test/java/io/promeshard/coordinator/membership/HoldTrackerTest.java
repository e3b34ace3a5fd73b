package io.promeshard.coordinator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The flap filter with pending times and a hold that changes at runtime, on a hand-driven clock.
 */
class HoldTrackerTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Member A = new Member("a", 1, "z1");
  private static final Member B = new Member("b", 2, "z2");

  private static HealthSnapshot healthy(Member... members) {
    return new HealthSnapshot(
        java.util.Arrays.stream(members)
            .collect(java.util.stream.Collectors.toMap(Member::name, m -> m)),
        Set.of(),
        Set.of(),
        List.of());
  }

  @Test
  void pendingNodeShowsRawStateSinceAndDue() {
    HoldTracker t = new HoldTracker("svc", Duration.ofSeconds(30));
    t.observe(T0, healthy(A, B));
    t.observe(
        T0.plusSeconds(5), new HealthSnapshot(Map.of("a", A), Set.of("b"), Set.of(), List.of()));
    assertEquals(
        List.of(
            new MembershipStatus.Pending(
                "b", RawHealth.UNHEALTHY, T0.plusSeconds(5), T0.plusSeconds(35))),
        t.pending());
    assertEquals(Set.of("a", "b"), t.effective().keySet());
    t.advance(T0.plusSeconds(35));
    assertEquals(Set.of("a"), t.effective().keySet());
    assertTrue(t.pending().isEmpty());
  }

  @Test
  void holdChangeKeepsEffectiveSetAndRestartsPendingNodesAtTheChange() {
    HoldTracker t = new HoldTracker("svc", Duration.ofSeconds(30));
    t.observe(T0, healthy(A, B));
    t.observe(T0.plusSeconds(1), new HealthSnapshot(Map.of("a", A), Set.of(), Set.of(), List.of()));
    assertTrue(t.setHold(T0.plusSeconds(20), Duration.ofSeconds(5)));
    assertFalse(t.setHold(T0.plusSeconds(20), Duration.ofSeconds(5)), "same hold: no change");
    assertEquals(Map.of("a", A, "b", B), t.effective(), "nothing moves at the change itself");
    assertEquals(
        List.of(
            new MembershipStatus.Pending(
                "b", RawHealth.ABSENT, T0.plusSeconds(20), T0.plusSeconds(25))),
        t.pending());
    t.advance(T0.plusSeconds(24));
    assertEquals(Set.of("a", "b"), t.effective().keySet());
    t.advance(T0.plusSeconds(25));
    assertEquals(Map.of("a", A), t.effective());
    assertEquals(Duration.ofSeconds(5), t.hold());
  }

  @Test
  void holdChangeBeforeTheFirstReadKeepsTheFirstReadUnheld() {
    HoldTracker t = new HoldTracker("svc", Duration.ofSeconds(30));
    t.setHold(T0, Duration.ofSeconds(10));
    assertFalse(t.initialised());
    t.observe(T0.plusSeconds(1), healthy(A));
    assertEquals(Map.of("a", A), t.effective());
  }
}
