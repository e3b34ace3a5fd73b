package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.dispatch.DispatchDecision.Decision;
import io.promeshard.coordinator.membership.HealthSnapshot;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.membership.MembershipStatus;
import io.promeshard.coordinator.membership.RawHealth;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.coordinator.publish.PublishPlanner;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.ops.Health;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dispatch decision and the state it decides from, on a hand-driven clock with no Consul. */
class DispatchDecisionTest {
  private static final KvLayout LAYOUT = KvLayout.defaults();
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final String SETTINGS =
      "{\"flap_hold\":\"5s\",\"debounce\":\"1s\",\"resync_interval\":\"60s\"}";
  private static final String WEB_JOB =
      "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"x:1\"]}]}]}";
  private static final DispatchState.Term TERM =
      new DispatchState.Term(3, new Fence("prome-shard/leader", "s-1"), "host-a");

  private static Map<String, byte[]> config(String... jobs) {
    Map<String, byte[]> kv = new HashMap<>();
    kv.put(LAYOUT.settings(), SETTINGS.getBytes(StandardCharsets.UTF_8));
    for (String job : jobs) {
      kv.put(LAYOUT.jobsDir() + job, WEB_JOB.getBytes(StandardCharsets.UTF_8));
    }
    return kv;
  }

  private static Map<String, Member> members(int n) {
    Map<String, Member> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put("p" + i, new Member("p" + i, 1, "z" + i));
    }
    return m;
  }

  private static JobTargets targets(String job, int n, boolean complete) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(TargetGroup.of("10.0.0." + i + ":9100", Map.of()));
    }
    return new JobTargets(job, groups, complete, 0);
  }

  private static MembershipStatus view(
      Map<String, Member> effective,
      Set<String> unhealthy,
      List<MembershipStatus.Pending> pending) {
    return new MembershipStatus(
        "prome-shard-node",
        Duration.ofSeconds(5),
        effective,
        new HealthSnapshot(effective, unhealthy, Set.of(), List.of()),
        pending,
        T0,
        null);
  }

  /**
   * A leader whose every input has arrived: 3 members, job web with 90 complete targets, nothing
   * published.
   */
  private static DispatchState ready(Instant started) {
    Map<String, Member> members = members(3);
    return DispatchState.initial(DispatchMode.PUBLISH, LAYOUT, started, GRACE)
        .withConfig(config("web"))
        .withRecords(List.of(new RecordRule("hke:heavy_expr:1", "sum(up)")), Map.of())
        .withMembers(members, view(members, Set.of(), List.of()))
        .withReports(NodeReports.NONE, started)
        .withTargets(Map.of("web", targets("web", 90, true)), Map.of())
        .withTerm(TERM, started)
        .afterRead(new DispatchState.Published(Map.of(), StoredShares.empty()), started);
  }

  /** What Consul holds after {@code shares} were published. */
  private static DispatchState.Published published(Map<String, NodeShare> shares) {
    PublishPlan plan = new PublishPlanner(LAYOUT).plan(shares, Map.of(), 1, T0.toString());
    Map<String, Map<String, byte[]>> values = new TreeMap<>();
    for (PublishPlan.KvWrite w : plan.parts()) {
      String rel = w.key().substring(LAYOUT.nodesDir().length() + w.node().length() + 1);
      values.computeIfAbsent(w.node(), n -> new HashMap<>()).put(rel, w.value());
    }
    Publisher.Stored stored = new Publisher.Stored(plan.after(), values);
    return new DispatchState.Published(stored.nodes(), StoredShares.decode(stored));
  }

  private static DispatchDecision.Dispatch dispatch(DispatchState s, Instant now) {
    return assertInstanceOf(DispatchDecision.Dispatch.class, DispatchDecision.decide(s, now));
  }

  @Test
  void nothingIsDecidedUntilEveryInputAndThePublishedStateAreKnown() {
    DispatchState s = DispatchState.initial(DispatchMode.PUBLISH, LAYOUT, T0, GRACE);
    assertEquals("configuration not read yet", notReady(s));
    s = s.withConfig(config("web"));
    assertEquals("records not read yet", notReady(s));
    s = s.withRecords(List.of(), Map.of());
    assertEquals("membership not known yet", notReady(s));
    s = s.withMembers(members(2), null);
    assertEquals("agent reports not read yet", notReady(s));
    s = s.withReports(NodeReports.NONE, T0);
    assertEquals("not the leader", notReady(s));
    s = s.withTerm(TERM, T0);
    assertEquals("published state not read yet", notReady(s));
    assertTrue(s.resyncDue(T0), "a new term reads what is published at once");
    s = s.afterRead(new DispatchState.Published(Map.of(), StoredShares.empty()), T0);
    assertEquals(T0, s.schedule().dueAt(), "and dispatches right after reading it");
    assertEquals(T0.plusSeconds(60), s.schedule().resyncAt());
    assertNull(s.notReady());
  }

  @Test
  void aDryRunNeedsNoLockAndReadsWhatIsPublishedAtOnce() {
    DispatchState s =
        DispatchState.initial(DispatchMode.DRY_RUN, LAYOUT, T0, GRACE)
            .withConfig(config("web"))
            .withRecords(List.of(), Map.of())
            .withMembers(members(1), null)
            .withReports(NodeReports.NONE, T0);
    assertTrue(s.resyncDue(T0));
    assertTrue(s.mayRead());
    assertNull(s.notReady());
  }

  private static String notReady(DispatchState s) {
    return assertInstanceOf(DispatchDecision.NotReady.class, DispatchDecision.decide(s, T0))
        .reason();
  }

  @Test
  void aColdStartWaitsBoundedForRegisteredServersThatHaveNotPassedYet() {
    DispatchState s = ready(T0);
    Map<String, Member> members = members(3);
    s = s.withMembershipView(view(members, Set.of("p3", "p4"), List.of()));
    Decision d = DispatchDecision.decide(s, T0.plusSeconds(1));
    DispatchDecision.Wait wait = assertInstanceOf(DispatchDecision.Wait.class, d);
    assertEquals(List.of("p3", "p4"), wait.waitingFor());
    assertEquals(T0.plusSeconds(1).plus(DispatchDecision.SETTLE_POLL), wait.until());
    // bounded: after startup grace + flap_hold it places what it has
    dispatch(s, T0.plus(GRACE).plusSeconds(5));
  }

  @Test
  void aServerWaitingOutFlapHoldToJoinDelaysTheFirstDispatchOnly() {
    Map<String, Member> members = members(3);
    MembershipStatus joining =
        view(
            members,
            Set.of(),
            List.of(new MembershipStatus.Pending("p3", RawHealth.HEALTHY, T0, T0.plusSeconds(5))));
    DispatchState s = ready(T0).withMembershipView(joining);
    assertEquals(
        List.of("p3"),
        assertInstanceOf(DispatchDecision.Wait.class, DispatchDecision.decide(s, T0)).waitingFor());
    DispatchDecision.Dispatch first =
        dispatch(s.withMembershipView(view(members, Set.of(), List.of())), T0);
    DispatchOutput out = ShareBuilder.build(first.input(), first.previous());
    DispatchState after =
        s.afterDispatch(
            out.assignments(), out.shares(), Map.of(), first.incomplete(), null, Handovers.NONE);
    dispatch(after, T0.plusSeconds(1)); // once dispatched, joins follow flap_hold as usual
  }

  @Test
  void unhealthyServersDoNotDelayAColdStartWhenSomethingIsPublishedAlready() {
    DispatchState s = ready(T0);
    DispatchDecision.Dispatch d = dispatch(s, T0);
    DispatchOutput out = ShareBuilder.build(d.input(), d.previous());
    DispatchState takeover =
        ready(T0)
            .afterRead(published(out.shares()), T0)
            .withMembershipView(view(members(3), Set.of("p9"), List.of()));
    dispatch(takeover, T0);
  }

  @Test
  void aJobWithoutCompleteSourcesWaitsForGraceThenPublishesItsLastKnownTargets() {
    DispatchState s = ready(T0).withTargets(Map.of("web", targets("web", 90, true)), Map.of());
    DispatchOutput out = ShareBuilder.build(dispatch(s, T0).input(), Map.of());
    // a restarted leader: sources of "web" not answered yet, 90 targets published
    DispatchState restarted =
        ready(T0).withTargets(Map.of(), Map.of()).afterRead(published(out.shares()), T0);
    DispatchDecision.Wait wait =
        assertInstanceOf(DispatchDecision.Wait.class, DispatchDecision.decide(restarted, T0));
    assertEquals(List.of("web"), wait.waitingFor());
    assertEquals(T0.plus(GRACE), wait.until());
    DispatchDecision.Dispatch d = dispatch(restarted, T0.plus(GRACE));
    assertEquals(List.of("web"), d.incomplete());
    assertEquals(
        90,
        d.input().targets().get("web").size(),
        "stale beats partial: the published targets stay");
    // a partial result that has some groups is used as it is
    DispatchState partial =
        restarted.withTargets(Map.of("web", targets("web", 10, false)), Map.of());
    assertEquals(10, dispatch(partial, T0.plus(GRACE)).input().targets().get("web").size());
    DispatchState done =
        partial.afterDispatch(Map.of(), Map.of(), Map.of(), List.of("web"), null, Handovers.NONE);
    assertTrue(done.problem().contains("[web]"), done.problem());
  }

  @Test
  void aTakeoverContinuesFromWhatIsPublishedAndMovesNothing() {
    DispatchDecision.Dispatch first = dispatch(ready(T0), T0);
    DispatchOutput out = ShareBuilder.build(first.input(), first.previous());
    DispatchState standby =
        ready(T0.plusSeconds(100)).afterRead(published(out.shares()), T0.plusSeconds(100));
    DispatchDecision.Dispatch d = dispatch(standby, T0.plusSeconds(100));
    assertTrue(!d.previous().isEmpty(), "previous rebuilt from the published shares");
    DispatchOutput again = ShareBuilder.build(d.input(), d.previous());
    assertEquals(0, again.moved());
    assertEquals(out.shares(), again.shares());
  }

  @Test
  void zeroHealthyMembersHoldTheLastAssignmentUntilAMemberReturns() {
    DispatchState s =
        ready(T0).withMembers(Map.of(), view(Map.of(), Set.of("p0", "p1", "p2"), List.of()));
    Hold hold =
        assertInstanceOf(DispatchDecision.Held.class, DispatchDecision.decide(s, T0)).hold();
    assertEquals(
        "no healthy members of service prome-shard-node: keeping the last published assignment",
        hold.reason());
    assertEquals("no-members", hold.id());
    assertTrue(!hold.approvable(), "there is nothing to publish to: only a member releases it");
    DispatchState held = s.held(hold, T0);
    assertEquals(hold.reason(), held.status().problem());
    assertEquals("no-members", held.status().hold().id());
    assertEquals(T0.toString(), held.held(hold, T0.plusSeconds(9)).status().hold().since());
  }

  @Test
  void losingTheLockStopsDispatchingAndForgetsThisTermsView() {
    DispatchDecision.Dispatch d = dispatch(ready(T0), T0);
    DispatchOutput out = ShareBuilder.build(d.input(), d.previous());
    DispatchState leader =
        ready(T0)
            .afterDispatch(
                out.assignments(), out.shares(), Map.of(), List.of(), null, Handovers.NONE);
    DispatchState lost = leader.withTerm(null, T0.plusSeconds(1));
    assertEquals("not the leader", notReady(lost));
    assertNull(lost.published());
    assertTrue(lost.previous().isEmpty(), "a later term continues from what it reads then");
    assertEquals("", lost.status().holder());
    DispatchState again = lost.withTerm(TERM, T0.plusSeconds(2));
    assertEquals("published state not read yet", notReady(again));
    assertTrue(again.resyncDue(T0.plusSeconds(2)));
  }

  @Test
  void aFailedReadAtElectionIsRetriedAfterItsBackoffNotAResyncIntervalLater() {
    DispatchState elected = ready(T0).withTerm(null, T0).withTerm(TERM, T0);
    assertTrue(elected.resyncDue(T0));
    DispatchState unread =
        elected
            .resyncTaken()
            .afterReadFailed("connection refused", T0, Duration.ofSeconds(1))
            .dispatchTaken();
    assertEquals("published state not read yet", notReady(unread));
    assertEquals(T0.plusSeconds(1), unread.nextWake());
    assertTrue(unread.resyncDue(T0.plusSeconds(1)), "read again after the backoff");
    DispatchState read =
        unread
            .resyncTaken()
            .afterRead(
                new DispatchState.Published(Map.of(), StoredShares.empty()), T0.plusSeconds(1));
    assertTrue(read.dispatchDue(T0.plusSeconds(1)), "and the first dispatch follows at once");
  }

  @Test
  void aLeaderDeposedWhileFailingOrHeldStandsByHealthy() {
    DispatchState failing =
        ready(T0)
            .dispatchTaken()
            .afterPublishFailed("publish failed: connection refused", T0, Duration.ofSeconds(1));
    DispatchState standby = failing.withTerm(null, T0.plusSeconds(30));
    assertEquals(Health.ok("standby"), standby.health(), "the failures were the lost term's");
    assertEquals("", standby.problem());
    DispatchState held =
        ready(T0).held(DispatchGuard.noMembers("prome-shard-node", StoredShares.empty()), T0);
    assertNull(held.withTerm(null, T0).hold());
    assertEquals(Health.ok("standby"), held.withTerm(null, T0).health());
  }

  @Test
  void aFailedPublishRetriesAfterItsBackoffUnlessNewInputComesFirst() {
    DispatchState s = ready(T0).dispatchTaken();
    DispatchState failed =
        s.afterPublishFailed("publish failed: connection refused", T0, Duration.ofSeconds(4));
    assertEquals(1, failed.failures());
    assertEquals(T0.plusSeconds(4), failed.schedule().dueAt());
    assertTrue(!failed.dispatchDue(T0.plusSeconds(3)));
    assertTrue(failed.dispatchDue(T0.plusSeconds(4)));
    assertEquals("publish failed: connection refused", failed.status().problem());
    assertEquals(
        T0.plusSeconds(2),
        failed.dirty(T0.plusSeconds(1)).schedule().dueAt(),
        "new input pulls a parked retry in");
    assertEquals(
        T0.plusSeconds(4),
        failed.dirty(T0.plusSeconds(5)).schedule().dueAt(),
        "but never pushes a due dispatch later");
    DispatchState twice =
        failed
            .dispatchTaken()
            .afterPublishFailed("publish failed: again", T0.plusSeconds(4), Duration.ofSeconds(8));
    assertEquals(2, twice.failures());
    assertEquals(T0.plusSeconds(12), twice.schedule().dueAt());
    DispatchState ok =
        twice.afterDispatch(Map.of(), Map.of(), Map.of(), List.of(), null, Handovers.NONE);
    assertEquals(0, ok.failures());
    assertEquals("", ok.problem());
  }

  @Test
  void aFailedPublishReadsWhatIsPublishedAgainBeforeItsRetry() {
    DispatchState s = ready(T0).dispatchTaken();
    DispatchState failed =
        s.afterPublishFailed("publish failed: HTTP 500", T0, Duration.ofSeconds(2));
    assertNull(failed.published(), "earlier batches may have committed: the view is forgotten");
    assertEquals(T0.plusSeconds(2), failed.schedule().resyncAt(), "read again with the retry");
    assertEquals(T0.plusSeconds(2), failed.schedule().dueAt());
    assertEquals(
        "published state not read yet",
        notReady(failed.dirty(T0)),
        "new input does not plan against the forgotten view");
    DispatchState reread =
        failed
            .resyncTaken()
            .dispatchTaken()
            .afterRead(
                new DispatchState.Published(Map.of(), StoredShares.empty()), T0.plusSeconds(2));
    assertTrue(reread.dispatchDue(T0.plusSeconds(2)), "the retry follows the read at once");
    assertNull(reread.notReady());
    assertEquals(1, reread.failures(), "still failing until a publish succeeds");
    DispatchState broken =
        s.afterUnexpectedFailure(
            "java.lang.IllegalStateException: boom", T0, Duration.ofSeconds(1));
    assertNull(broken.published(), "an unexpected failure may also come half-way through");
    assertEquals(T0.plusSeconds(1), broken.schedule().resyncAt());
    assertEquals(
        T0.plusSeconds(1),
        ready(T0)
            .resyncTaken()
            .afterUnexpectedFailure(
                "java.lang.IllegalStateException: boom", T0, Duration.ofSeconds(1))
            .schedule()
            .resyncAt(),
        "a failure while reading (its resync already taken) is read again too");
  }

  @Test
  void aPublishFailingAfterItsFirstBatchCommittedNeverReusesAGeneration() {
    // generation 1 everywhere; a dispatch changes both nodes, and only p0's batch commits
    DispatchState s = ready(T0);
    DispatchOutput first = ShareBuilder.build(dispatch(s, T0).input(), Map.of());
    PublishPlanner planner = new PublishPlanner(LAYOUT);
    Map<String, StoredNode> gen1 = planner.plan(first.shares(), Map.of(), 3, T0.toString()).after();
    DispatchState published =
        s.afterDispatch(first.assignments(), first.shares(), gen1, List.of(), null, Handovers.NONE);
    DispatchState edited =
        published.withTargets(Map.of("web", targets("web", 120, true)), Map.of());
    DispatchDecision.Dispatch d = dispatch(edited, T0.plusSeconds(1));
    DispatchOutput second = ShareBuilder.build(d.input(), d.previous());
    PublishPlan attempt =
        planner.plan(second.shares(), edited.published().nodes(), 3, T0.toString());
    assertTrue(attempt.changedNodes().contains("p0"), attempt.changedNodes().toString());
    Map<String, StoredNode> halfway = new TreeMap<>(gen1);
    halfway.put("p0", attempt.after().get("p0"));
    assertEquals(2, halfway.get("p0").generation());
    DispatchState failed =
        edited.afterPublishFailed("publish failed: HTTP 500", T0, Duration.ofSeconds(1));
    // before the retry more input arrives, and the retry plans from what it reads
    DispatchState reread =
        failed
            .withTargets(Map.of("web", targets("web", 130, true)), Map.of())
            .afterRead(
                new DispatchState.Published(halfway, StoredShares.of(Map.of())), T0.plusSeconds(1));
    DispatchDecision.Dispatch retry = dispatch(reread, T0.plusSeconds(1));
    DispatchOutput third = ShareBuilder.build(retry.input(), retry.previous());
    PublishPlan plan = planner.plan(third.shares(), reread.published().nodes(), 3, T0.toString());
    assertEquals(
        3,
        plan.after().get("p0").generation(),
        "p0's generation 2 is taken by the committed half; other content gets 3");
  }

  @Test
  void aBurstOfInputsCoalescesIntoOneDispatchOneDebounceAfterTheFirst() {
    DispatchState s = ready(T0).dispatchTaken();
    s = s.dirty(T0).dirty(T0.plusMillis(300)).dirty(T0.plusMillis(900));
    assertEquals(T0.plusSeconds(1), s.schedule().dueAt());
    assertEquals(T0.plusSeconds(1), s.nextWake());
  }

  @Test
  void statusNamesRejectedKeysFailingSourcesAndPendingServers() {
    Map<String, byte[]> kv = config("web");
    kv.put(LAYOUT.jobsDir() + "bad", "{".getBytes(StandardCharsets.UTF_8));
    DispatchState s =
        ready(T0)
            .withConfig(kv)
            .withRecords(List.of(), Map.of(LAYOUT.recordsDir() + "x", "records/x: bad key"))
            .withMembershipView(
                view(
                    members(3),
                    Set.of(),
                    List.of(
                        new MembershipStatus.Pending(
                            "p1", RawHealth.UNHEALTHY, T0, T0.plusSeconds(5)))));
    var status = s.status();
    assertEquals(
        Set.of(LAYOUT.jobsDir() + "bad", LAYOUT.recordsDir() + "x"),
        status.configErrors().keySet());
    assertEquals(List.of("p1 leaving"), status.pending());
    assertEquals(List.of("p0", "p1", "p2"), status.members());
    assertEquals(3, status.epoch());
  }

  @Test
  void healthFailsWhileAReadPublishOrDispatchFailsAndRecoversWithTheNextSuccess() {
    DispatchState s = ready(T0);
    assertEquals(Health.ok("leader epoch 3"), s.health());
    assertEquals(Health.ok("standby"), s.withTerm(null, T0).health());
    assertEquals(
        Health.ok("dry run"),
        DispatchState.initial(DispatchMode.DRY_RUN, LAYOUT, T0, GRACE).health());
    DispatchState broken =
        s.dispatchTaken()
            .afterUnexpectedFailure(
                "java.lang.IllegalStateException: boom", T0, Duration.ofSeconds(1));
    assertEquals(
        Health.failing("leader epoch 3: dispatch failed: java.lang.IllegalStateException: boom"),
        broken.health());
    assertEquals(
        "dispatch failed: java.lang.IllegalStateException: boom", broken.status().problem());
    assertEquals(T0.plusSeconds(1), broken.schedule().dueAt(), "retried, with backoff");
    DispatchState unread = s.afterReadFailed("connection refused", T0, Duration.ofSeconds(1));
    assertEquals(
        Health.failing("leader epoch 3: reading published shares failed: connection refused"),
        unread.health());
    assertEquals(T0.plusSeconds(1), unread.schedule().resyncAt(), "read again after the backoff");
    assertEquals(
        Health.ok("leader epoch 3"),
        broken
            .afterDispatch(Map.of(), Map.of(), Map.of(), List.of(), null, Handovers.NONE)
            .health());
    DispatchState noMembers =
        s.held(DispatchGuard.noMembers("prome-shard-node", s.storedShares()), T0);
    assertEquals(
        Health.failing(
            "leader epoch 3: dispatch held: no healthy members of service prome-shard-node:"
                + " keeping the last published assignment"),
        noMembers.health(),
        "a held dispatch needs an operator's eyes");
  }

  @Test
  void aSourceNotHeardFromYetKeepsItsOwnPublishedTargetsWhileTheOthersAreFresh() {
    String s0 = "0:static";
    String s1 = "1:http_sd";
    List<TargetGroup> published = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      published.add(TargetGroup.of("10.0.0." + i + ":1", Map.of(TargetGroup.SOURCE_LABEL, s0)));
      published.add(TargetGroup.of("10.1.0." + i + ":1", Map.of(TargetGroup.SOURCE_LABEL, s1)));
    }
    StoredShares stored =
        StoredShares.of(Map.of("p0", new NodeShare(Map.of("web", published), Map.of())));
    // the static source answered with two of its four targets; http_sd has not answered yet
    List<TargetGroup> fresh =
        List.of(
            TargetGroup.of("10.0.0.0:1", Map.of(TargetGroup.SOURCE_LABEL, s0)),
            TargetGroup.of("10.0.0.9:1", Map.of(TargetGroup.SOURCE_LABEL, s0)));
    JobTargets jt = new JobTargets("web", fresh, false, 0, List.of(), List.of(s1));
    List<String> kept =
        DispatchDecision.lastKnown("web", jt, stored).stream()
            .map(g -> g.targets().get(0))
            .toList();
    assertEquals(
        List.of("10.0.0.0:1", "10.0.0.9:1", "10.1.0.0:1", "10.1.0.1:1", "10.1.0.2:1", "10.1.0.3:1"),
        kept,
        "http_sd keeps its published targets; static's removals are not resurrected");
    JobTargets onlySource =
        new JobTargets("web", List.of(), false, 0, List.of(), List.of(JobTargets.ONLY_SOURCE));
    assertEquals(8, DispatchDecision.lastKnown("web", onlySource, stored).size());
    assertEquals(8, DispatchDecision.lastKnown("web", null, stored).size());
  }
}
