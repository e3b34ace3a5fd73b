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

  private static DispatchInput input(Map<String, List<TargetGroup>> targets, int members) {
    Map<String, io.promeshard.coordinator.membership.Member> m = new TreeMap<>();
    for (int n = 0; n < members; n++) {
      m.put("p" + n, new io.promeshard.coordinator.membership.Member("p" + n, 1, ""));
    }
    Map<String, io.promeshard.coordinator.config.JobSpec> jobs = new TreeMap<>();
    targets
        .keySet()
        .forEach(
            job ->
                jobs.put(
                    job,
                    new io.promeshard.coordinator.config.JobSpec(
                        List.of(
                            new io.promeshard.coordinator.config.StaticSourceSpec(
                                List.of(TargetGroup.of("x:1", Map.of())))),
                        Map.of(),
                        null,
                        null)));
    return new DispatchInput(DEFAULTS, jobs, targets, List.of(), m);
  }

  /**
   * The guard from the inputs of the dispatch that published (used while Consul holds what this
   * process wrote) finds exactly the hold the guard over the published shares finds.
   */
  @Test
  void theGuardFromInputsAgreesWithTheGuardOverPublishedShares() {
    List<TargetGroup> web = targets("web", 0, 100);
    List<TargetGroup> db = targets("db", 0, 20);
    DispatchInput published = input(Map.of("web", web, "db", db), 3);
    DispatchOutput out = ShareBuilder.build(published, Map.of());
    StoredShares stored = StoredShares.of(out.shares());
    List<Map<String, List<TargetGroup>>> proposals =
        List.of(
            Map.of("web", web, "db", db),
            Map.of("web", targets("web", 0, 100), "db", db),
            Map.of("web", targets("web", 0, 60), "db", db),
            Map.of("web", targets("web", 0, 40), "db", targets("db", 5, 30)),
            Map.of("web", targets("web", 50, 100)),
            Map.of("web", List.of(), "db", List.of()),
            Map.of("other", targets("x", 0, 10)));
    for (Map<String, List<TargetGroup>> proposal : proposals) {
      for (Settings settings : List.of(DEFAULTS, fraction(0.3), fraction(1.0))) {
        DispatchInput next = input(proposal, 4);
        Optional<Hold> expected =
            DispatchGuard.check(
                stored, ShareBuilder.build(next, out.assignments()).shares(), settings);
        assertEquals(
            expected,
            DispatchGuard.checkInputs(published.targets(), out.targets(), proposal, settings),
            proposal.keySet() + " at " + settings.maxRemovedFraction());
      }
    }
  }
}
