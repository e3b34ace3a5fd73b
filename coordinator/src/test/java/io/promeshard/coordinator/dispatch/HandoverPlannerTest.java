package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.publish.ShareGroups;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.PublishedAssignment;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Who keeps a moving item, and when a handover ends: one dispatch at a time, no I/O. */
class HandoverPlannerTest {
  private static final String TARGETS = ShareGroups.targets(1);
  private static final String GROUP = "heavy_expr_record";
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  private static final String WEB1 = "web/10.0.0.1:80";
  private static final String WEB2 = "web/10.0.0.2:80";

  /** One dispatch of the {@code targets/r1} group from {@code before} to {@code wanted}. */
  private record Step(Map<String, List<String>> kept, HandoverPlanner.Result result) {}

  private static Step step(
      Handovers pending,
      NodeReports reports,
      Set<String> alive,
      Map<String, List<String>> before,
      Map<String, List<String>> wanted,
      Instant now) {
    return step(TARGETS, pending, reports, alive, before, wanted, now, false, true);
  }

  private static Step step(
      String group,
      Handovers pending,
      NodeReports reports,
      Set<String> alive,
      Map<String, List<String>> before,
      Map<String, List<String>> wanted,
      Instant now,
      boolean inferred,
      boolean enabled) {
    Assignment previous = PublishedAssignment.fromOwners(before);
    HandoverPlanner planner =
        new HandoverPlanner(
            enabled,
            TIMEOUT,
            GROUP,
            pending,
            reports,
            alive,
            stored(),
            Map.of(group, previous),
            inferred,
            now);
    Map<String, List<String>> kept =
        planner.retain(group, PublishedAssignment.fromOwners(wanted), previous);
    return new Step(new TreeMap<>(kept), planner.finish());
  }

  /** Consul holds generation 7 for every node. */
  private static Map<String, StoredNode> stored() {
    Map<String, StoredNode> out = new TreeMap<>();
    for (String n : List.of("p1", "p2", "p3", "p4")) {
      out.put(n, new StoredNode(n, Map.of(), new NodeManifest(7, 1, Map.of(), "")));
    }
    return out;
  }

  private static NodeReports reports(Map<String, NodeStatus> statuses) {
    return NodeReports.of(statuses);
  }

  private static NodeStatus observed(String node, long applied, List<String> unscraped) {
    return observed(node, applied, unscraped, unscraped.size(), List.of());
  }

  private static NodeStatus observed(
      String node, long applied, List<String> unscraped, int count, List<String> unevaluated) {
    return new NodeStatus(
        node,
        applied,
        1,
        List.of(),
        null,
        "",
        "",
        List.of(),
        new NodeStatus.Observed(unscraped, count, unevaluated));
  }

  @Test
  void aTargetMovingToAJoiningServerStaysOnItsOldOwnerUntilTheNewOneScrapedIt() {
    Map<String, List<String>> before = Map.of(WEB1, List.of("p1"), WEB2, List.of("p2"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p3"), WEB2, List.of("p2"));
    Set<String> alive = Set.of("p1", "p2", "p3");

    Step first = step(Handovers.NONE, NodeReports.NONE, alive, before, wanted, T0);
    assertEquals(Map.of(WEB1, List.of("p1")), first.kept(), "p1 keeps web1 while p3 starts");
    assertEquals(1, first.result().started());
    Handovers pending = first.result().handovers().stamped(stored());
    assertEquals(Map.of("p3", 7L), pending.get(WEB1).to(), "since the generation that brings it");

    NodeReports applied = reports(Map.of("p3", observed("p3", 7, List.of(WEB1))));
    assertFalse(pending.anyTakenOver(applied, GROUP), "applied but not scraped yet");
    Step waiting = step(pending, applied, alive, wanted, wanted, T0.plusSeconds(5));
    assertEquals(Map.of(WEB1, List.of("p1")), waiting.kept());
    assertEquals(0, waiting.result().started(), "the same handover goes on");
    assertEquals(T0, waiting.result().handovers().get(WEB1).started());

    NodeReports scraped = reports(Map.of("p3", observed("p3", 7, List.of())));
    assertTrue(pending.anyTakenOver(scraped, GROUP));
    Step done = step(pending, scraped, alive, wanted, wanted, T0.plusSeconds(9));
    assertEquals(Map.of(), done.kept(), "p1 lets go");
    assertEquals(List.of(Duration.ofSeconds(9)), done.result().completedTargets());
    assertTrue(done.result().handovers().isEmpty());
  }

  @Test
  void aReportOfAnOlderGenerationDoesNotCompleteAHandover() {
    Handovers pending =
        new Handovers(
            Map.of(WEB1, new Handovers.Handover(TARGETS, List.of("p1"), Map.of("p3", 8L), T0)));
    assertFalse(pending.anyTakenOver(reports(Map.of("p3", observed("p3", 7, List.of()))), GROUP));
    assertTrue(pending.anyTakenOver(reports(Map.of("p3", observed("p3", 8, List.of()))), GROUP));
    assertFalse(pending.anyTakenOver(NodeReports.NONE, GROUP), "no report: wait");
  }

  @Test
  void whenMoreTargetsAreUnscrapedThanTheReportNamesNoneIsTakenAsScraped() {
    Handovers pending =
        new Handovers(
            Map.of(WEB1, new Handovers.Handover(TARGETS, List.of("p1"), Map.of("p3", 7L), T0)));
    NodeReports truncated =
        reports(Map.of("p3", observed("p3", 7, List.of(WEB2), 1500, List.of())));
    assertFalse(pending.anyTakenOver(truncated, GROUP));
  }

  @Test
  void anAgentThatDoesNotObserveItsPrometheusConfirmsByApplying() {
    Handovers pending =
        new Handovers(
            Map.of(WEB1, new Handovers.Handover(TARGETS, List.of("p1"), Map.of("p3", 7L), T0)));
    NodeStatus older = NodeStatus.of("p3", 7, 1, List.of(), null, "", "");
    assertTrue(pending.anyTakenOver(reports(Map.of("p3", older)), GROUP));
  }

  @Test
  void aFailedOldOwnerKeepsNothingSoTheMoveIsImmediate() {
    Map<String, List<String>> before = Map.of(WEB1, List.of("p1"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p2"));
    Step s = step(Handovers.NONE, NodeReports.NONE, Set.of("p2"), before, wanted, T0);
    assertEquals(Map.of(), s.kept());
    assertEquals(0, s.result().started());
  }

  @Test
  void aHandoverWhoseOldOwnerFailsMeanwhileEndsWithoutWaiting() {
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p3"));
    Handovers pending =
        new Handovers(
            Map.of(WEB1, new Handovers.Handover(TARGETS, List.of("p1"), Map.of("p3", 7L), T0)));
    Step s = step(pending, NodeReports.NONE, Set.of("p2", "p3"), wanted, wanted, T0.plusSeconds(3));
    assertEquals(Map.of(), s.kept());
    assertEquals(1, s.result().cancelled());
    assertTrue(s.result().handovers().isEmpty());
  }

  @Test
  void aDrainingServerKeepsItsTargetsUntilTheirNewOwnersScrapedThem() {
    Map<String, List<String>> before = Map.of(WEB1, List.of("p1"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p2"));
    // p1 is in maintenance: not a member, but alive
    Step s = step(Handovers.NONE, NodeReports.NONE, Set.of("p1", "p2"), before, wanted, T0);
    assertEquals(Map.of(WEB1, List.of("p1")), s.kept());
  }

  @Test
  void aHandoverNotCompleteWithinTheTimeoutCompletesAnywayAndIsCounted() {
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p3"));
    Handovers pending =
        new Handovers(
            Map.of(WEB1, new Handovers.Handover(TARGETS, List.of("p1"), Map.of("p3", 7L), T0)));
    Set<String> alive = Set.of("p1", "p3");
    Step before =
        step(pending, NodeReports.NONE, alive, wanted, wanted, T0.plus(TIMEOUT).minusMillis(1));
    assertEquals(Map.of(WEB1, List.of("p1")), before.kept());
    assertEquals(T0.plus(TIMEOUT), pending.nextDeadline(TIMEOUT));
    Step at = step(pending, NodeReports.NONE, alive, wanted, wanted, T0.plus(TIMEOUT));
    assertEquals(Map.of(), at.kept());
    assertEquals(1, at.result().timedOutTargets());
    assertEquals(List.of(WEB1 + " [p1] -> [p3]"), at.result().timedOut());
  }

  @Test
  void withTwoReplicasAMoveKeepsTwoConfirmedScrapersAtEveryMoment() {
    Map<String, List<String>> before = Map.of(WEB1, List.of("p1", "p2"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p2", "p3"));
    Set<String> alive = Set.of("p1", "p2", "p3");
    String r2 = ShareGroups.targets(2);
    Step s = step(r2, Handovers.NONE, NodeReports.NONE, alive, before, wanted, T0, false, true);
    assertEquals(Map.of(WEB1, List.of("p1")), s.kept(), "p1 and p2 scrape while p3 starts");
    Handovers pending = s.result().handovers().stamped(stored());
    Step done =
        step(
            r2,
            pending,
            reports(Map.of("p3", observed("p3", 7, List.of()))),
            alive,
            wanted,
            wanted,
            T0.plusSeconds(4),
            false,
            true);
    assertEquals(Map.of(), done.kept());
    assertEquals(1, done.result().completed());
  }

  @Test
  void aNewLeaderContinuesAHandoverItFindsPublished() {
    // published on p1 and p3, wanted on p3 only: p3 may be the new owner, not confirmed yet
    Map<String, List<String>> published = Map.of(WEB1, List.of("p1", "p3"), WEB2, List.of("p2"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p3"), WEB2, List.of("p2"));
    Set<String> alive = Set.of("p1", "p2", "p3");
    NodeReports unscraped = reports(Map.of("p3", observed("p3", 7, List.of(WEB1))));
    Step waiting =
        step(TARGETS, Handovers.NONE, unscraped, alive, published, wanted, T0, true, true);
    assertEquals(Map.of(WEB1, List.of("p1")), waiting.kept(), "p1 keeps it until p3 scraped it");
    assertEquals(Map.of("p3", 7L), waiting.result().handovers().get(WEB1).to());

    NodeReports scraped = reports(Map.of("p3", observed("p3", 7, List.of())));
    Step done = step(TARGETS, Handovers.NONE, scraped, alive, published, wanted, T0, true, true);
    assertEquals(Map.of(), done.kept(), "nothing stays doubled after a takeover");
  }

  @Test
  void aRecordStaysOnItsOldOwnerUntilTheNewOneEvaluatedItsGroup() {
    Map<String, List<String>> before = Map.of("hke:heavy_expr:1", List.of("p1"));
    Map<String, List<String>> wanted = Map.of("hke:heavy_expr:1", List.of("p2"));
    Set<String> alive = Set.of("p1", "p2");
    String records = ShareGroups.RECORDS;
    Step s =
        step(records, Handovers.NONE, NodeReports.NONE, alive, before, wanted, T0, false, true);
    assertEquals(Map.of("hke:heavy_expr:1", List.of("p1")), s.kept());
    Handovers pending = s.result().handovers().stamped(stored());
    NodeReports loaded = reports(Map.of("p2", observed("p2", 7, List.of(), 0, List.of(GROUP))));
    assertFalse(pending.anyTakenOver(loaded, GROUP), "loaded, not evaluated yet");
    NodeReports evaluated = reports(Map.of("p2", observed("p2", 7, List.of())));
    Step done =
        step(records, pending, evaluated, alive, wanted, wanted, T0.plusSeconds(31), false, true);
    assertEquals(Map.of(), done.kept());
    assertEquals(List.of(Duration.ofSeconds(31)), done.result().completedRecords());
  }

  @Test
  void withHandoversTurnedOffEveryMoveIsImmediate() {
    Map<String, List<String>> before = Map.of(WEB1, List.of("p1"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p2"));
    Step s =
        step(
            TARGETS,
            Handovers.NONE,
            NodeReports.NONE,
            Set.of("p1", "p2"),
            before,
            wanted,
            T0,
            false,
            false);
    assertEquals(Map.of(), s.kept());
  }

  @Test
  void aTargetMovingAgainBeforeItsHandoverEndedStaysOnTheOwnerThatScrapedIt() {
    // web1 was moving p1 -> p3 (unconfirmed); now p3 left and p2 is wanted
    Handovers pending =
        new Handovers(
            Map.of(WEB1, new Handovers.Handover(TARGETS, List.of("p1"), Map.of("p3", 7L), T0)));
    Map<String, List<String>> before = Map.of(WEB1, List.of("p3"));
    Map<String, List<String>> wanted = Map.of(WEB1, List.of("p2"));
    Step s =
        step(
            pending, NodeReports.NONE, Set.of("p1", "p2", "p3"), before, wanted, T0.plusSeconds(2));
    assertEquals(Map.of(WEB1, List.of("p1")), s.kept(), "not p3, which never scraped it");
    Handovers.Handover h = s.result().handovers().get(WEB1);
    assertEquals(Set.of("p2"), h.to().keySet());
    assertEquals(T0.plusSeconds(2), h.started(), "a new owner gets its own time");
  }
}
