package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The guard against removing too much at once, with no Consul. */
class DispatchGuardTest {
  private static final Settings DEFAULTS = Settings.DEFAULTS;

  private static List<TargetGroup> targets(String prefix, int from, int to) {
    List<TargetGroup> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(TargetGroup.of(prefix + i + ":9100", Map.of()));
    }
    return out;
  }

  /** Jobs {@code web} and {@code db} with {@code web} targets web0..web(n-1) and 10 db targets. */
  private static Map<String, NodeShare> shares(int web, String... nodes) {
    Map<String, NodeShare> out = new TreeMap<>();
    List<TargetGroup> all = targets("web", 0, web);
    for (int n = 0; n < nodes.length; n++) {
      Map<String, List<TargetGroup>> jobs = new TreeMap<>();
      List<TargetGroup> mine = new ArrayList<>();
      for (int i = n; i < all.size(); i += nodes.length) {
        mine.add(all.get(i));
      }
      jobs.put("web", mine);
      if (n == 0) {
        jobs.put("db", targets("db", 0, 10));
      }
      out.put(nodes[n], new NodeShare(jobs, Map.of()));
    }
    return out;
  }

  private static Settings fraction(double f) {
    return Json.decode(
        "settings",
        ("{\"max_removed_fraction\":" + f + "}").getBytes(StandardCharsets.UTF_8),
        Settings.class);
  }

  @Test
  void nothingPublishedYetIsNeverHeld() {
    assertEquals(Optional.empty(), DispatchGuard.check(StoredShares.empty(), Map.of(), DEFAULTS));
  }

  @Test
  void movesAreNotRemovals() {
    StoredShares before = StoredShares.of(shares(90, "p1", "p2"));
    assertEquals(
        Optional.empty(), DispatchGuard.check(before, shares(90, "p3", "p4", "p5"), DEFAULTS));
  }

  @Test
  void removingUpToTheFractionPassesAndMoreIsHeldWithTheCounts() {
    StoredShares before = StoredShares.of(shares(90, "p1", "p2")); // 100 targets
    assertEquals(Optional.empty(), DispatchGuard.check(before, shares(40, "p1"), DEFAULTS));
    Hold hold = DispatchGuard.check(before, shares(39, "p1"), DEFAULTS).orElseThrow();
    assertEquals(
        "would remove 51 of 100 published targets (51%), over max_removed_fraction 0.5",
        hold.reason());
    assertEquals(51, hold.removed());
    assertEquals(100, hold.published());
    assertTrue(hold.approvable());
    assertTrue(hold.id().startsWith("removal-"), hold.id());
    assertEquals(
        hold.id(),
        DispatchGuard.check(before, shares(39, "p2", "p3"), DEFAULTS).orElseThrow().id(),
        "the same removal is the same hold, wherever the rest goes");
    assertNotEquals(
        hold.id(), DispatchGuard.check(before, shares(30, "p1"), DEFAULTS).orElseThrow().id());
    assertEquals(Optional.empty(), DispatchGuard.check(before, shares(39, "p1"), fraction(0.6)));
  }

  @Test
  void publishingNoJobWhereJobsArePublishedIsHeldWhateverTheFraction() {
    StoredShares before = StoredShares.of(shares(90, "p1", "p2"));
    Map<String, NodeShare> empty = Map.of("p1", NodeShare.empty(), "p2", NodeShare.empty());
    Hold hold = DispatchGuard.check(before, empty, fraction(1.0)).orElseThrow();
    assertEquals(
        "would publish no job where 2 jobs (100 targets) are published now: [db, web]",
        hold.reason());
    assertTrue(hold.id().startsWith("no-jobs-"), hold.id());
  }

  @Test
  void anApprovalReleasesExactlyTheChangeItNames() {
    Map<String, byte[]> kv = new TreeMap<>();
    DispatchState s =
        DispatchState.initial(
                DispatchMode.PUBLISH,
                io.promeshard.protocol.KvLayout.defaults(),
                java.time.Instant.EPOCH,
                java.time.Duration.ZERO)
            .withConfig(kv)
            .afterRead(
                new DispatchState.Published(Map.of(), StoredShares.of(shares(90, "p1", "p2"))),
                java.time.Instant.EPOCH);
    Hold hold = DispatchDecision.guard(s, shares(10, "p1")).orElseThrow();
    assertEquals(
        Optional.empty(), DispatchDecision.guard(s.withApproval(hold.id()), shares(10, "p1")));
    assertEquals(
        Optional.of(hold),
        DispatchDecision.guard(s.withApproval("removal-other"), shares(10, "p1")));
    Hold other = DispatchDecision.guard(s.withApproval(hold.id()), shares(5, "p1")).orElseThrow();
    assertNotEquals(hold.id(), other.id(), "a different removal needs its own approval");
  }

  @Test
  void aDryRunShowsItsPlanAndIsNeverHeld() {
    DispatchState s =
        DispatchState.initial(
                DispatchMode.DRY_RUN,
                io.promeshard.protocol.KvLayout.defaults(),
                java.time.Instant.EPOCH,
                java.time.Duration.ZERO)
            .afterRead(
                new DispatchState.Published(Map.of(), StoredShares.of(shares(90, "p1"))),
                java.time.Instant.EPOCH);
    assertEquals(Optional.empty(), DispatchDecision.guard(s, Map.of()));
  }
}
