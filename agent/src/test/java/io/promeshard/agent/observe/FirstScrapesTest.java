package io.promeshard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FirstScrapesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(10);
  private static final Instant T2 = T0.plusSeconds(20);

  private static Map<String, List<TargetGroup>> targets(String... jobAddress) {
    Map<String, List<TargetGroup>> out = new TreeMap<>();
    for (String ja : jobAddress) {
      String[] p = ja.split("/", 2);
      out.computeIfAbsent(p[0], j -> new ArrayList<>()).add(TargetGroup.of(p[1], Map.of()));
    }
    out.replaceAll((j, l) -> List.copyOf(l));
    return out;
  }

  private static Map<String, Map<String, Instant>> seen(Object... jobAddressTime) {
    Map<String, Map<String, Instant>> out = new TreeMap<>();
    for (int i = 0; i < jobAddressTime.length; i += 2) {
      String[] p = ((String) jobAddressTime[i]).split("/", 2);
      out.computeIfAbsent(p[0], j -> new LinkedHashMap<>())
          .put(p[1], (Instant) jobAddressTime[i + 1]);
    }
    return out;
  }

  /** Prometheus reports each target scraped at the given time, then again a second later. */
  private static void scrapedTwice(FirstScrapes f, Object... jobAddressTime) {
    f.observedTargets(seen(jobAddressTime));
    Object[] later = jobAddressTime.clone();
    for (int i = 1; i < later.length; i += 2) {
      later[i] = ((Instant) later[i]).plusSeconds(1);
    }
    f.observedTargets(seen(later));
  }

  /** Prometheus reports each group evaluated at the given time, then again a second later. */
  private static void evaluatedTwice(FirstScrapes f, Map<String, Instant> first) {
    f.observedRules(first);
    Map<String, Instant> later = new TreeMap<>(first);
    later.replaceAll((g, t) -> t.plusSeconds(1));
    f.observedRules(later);
  }

  private static Map<String, List<RecordRule>> rules(String... groupRecord) {
    Map<String, List<RecordRule>> out = new TreeMap<>();
    for (String gr : groupRecord) {
      String[] p = gr.split("/", 2);
      out.computeIfAbsent(p[0], g -> new ArrayList<>()).add(new RecordRule(p[1], "sum(up)"));
    }
    out.replaceAll((g, l) -> List.copyOf(l));
    return out;
  }

  /**
   * Two scrape reports, a second apart, for a target added at T1 decide whether it still awaits.
   */
  static Stream<Arguments> scrapeReports() {
    return Stream.of(
        Arguments.of("scraped after it was added", T2, false),
        Arguments.of("scraped the instant it was added", T1, false),
        Arguments.of("last scraped before it was added", T0, true),
        Arguments.of("known, never scraped", FirstScrapes.NEVER, true),
        Arguments.of("dropped by relabeling", FirstScrapes.DROPPED, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scrapeReports")
  void aTargetStopsAwaitingOnlyWhenScrapedSinceItWasAddedOrDropped(
      String what, Instant lastScrape, boolean stillAwaiting) {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1"), T0);
    scrapedTwice(f, "web/a:1", T0);
    f.targetsWritten(targets("web/a:1", "web/b:1"), T1);
    f.observedTargets(seen("web/b:1", lastScrape));
    boolean special =
        lastScrape.equals(FirstScrapes.NEVER) || lastScrape.equals(FirstScrapes.DROPPED);
    f.observedTargets(seen("web/b:1", special ? lastScrape : lastScrape.plusSeconds(1)));
    assertEquals(stillAwaiting, f.awaits("web", "b:1"), what);
    assertEquals(stillAwaiting ? List.of("web/b:1") : List.of(), f.observed().unscraped());
  }

  @Test
  void oneScrapeIsNotEnoughSoThatTheOldOwnerScrapesOnceMoreMeanwhile() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1"), T0);
    f.observedTargets(seen("web/a:1", T1));
    assertTrue(f.awaits("web", "a:1"), "scraped once since added");
    f.observedTargets(seen("web/a:1", T1));
    assertTrue(f.awaits("web", "a:1"), "the same scrape reported again");
    f.observedTargets(seen("web/a:1", T2));
    assertFalse(f.awaits("web", "a:1"), "scraped a second time");
    assertEquals(NodeStatus.Observed.NOTHING_PENDING, f.observed());
  }

  @Test
  void theFirstWriteAfterStartCountsEveryTargetAsNew() {
    FirstScrapes f = new FirstScrapes();
    assertTrue(f.targetsWritten(targets("web/a:1", "web/b:1", "db/c:1"), T0));
    assertEquals(
        new NodeStatus.Observed(List.of("db/c:1", "web/a:1", "web/b:1"), 3, List.of()),
        f.observed());
  }

  @Test
  void anUnchangedJobKeepsItsTargetsAsTheyAreAndAddsNothing() {
    FirstScrapes f = new FirstScrapes();
    Map<String, List<TargetGroup>> t = targets("web/a:1", "web/b:1");
    f.targetsWritten(t, T0);
    scrapedTwice(f, "web/a:1", T1);
    assertFalse(f.targetsWritten(t, T2));
    assertFalse(f.targetsWritten(targets("web/a:1", "web/b:1"), T2), "equal, not the same list");
    assertEquals(List.of("web/b:1"), f.observed().unscraped());
    scrapedTwice(f, "web/b:1", T1);
    assertEquals(NodeStatus.Observed.NOTHING_PENDING, f.observed(), "still awaited since T0");
  }

  @Test
  void aChangeOfLabelsOnlyNeitherAddsNorForgetsAnAwaitedTarget() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1", "web/b:1"), T0);
    scrapedTwice(f, "web/a:1", T1);
    List<TargetGroup> relabelled =
        List.of(
            TargetGroup.of("a:1", Map.of("env", "prod")),
            TargetGroup.of("b:1", Map.of("env", "prod")));
    assertFalse(f.targetsWritten(Map.of("web", relabelled), T2));
    assertEquals(List.of("web/b:1"), f.observed().unscraped());
    scrapedTwice(f, "web/b:1", T1);
    assertEquals(NodeStatus.Observed.NOTHING_PENDING, f.observed(), "still awaited since T0");
    assertTrue(f.targetsWritten(targets("web/b:1", "web/c:1"), T2), "then an address changes");
    assertEquals(List.of("web/c:1"), f.observed().unscraped());
  }

  @Test
  void removedTargetsAndJobsAreForgottenAndReAddedOnesAwaitAgain() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1", "web/b:1", "db/c:1"), T0);
    f.targetsWritten(targets("web/a:1"), T1);
    assertEquals(new NodeStatus.Observed(List.of("web/a:1"), 1, List.of()), f.observed());
    scrapedTwice(f, "web/a:1", T1);
    f.targetsWritten(targets("web/a:1", "web/b:1", "db/c:1"), T2);
    assertEquals(List.of("db/c:1", "web/b:1"), f.observed().unscraped());
    scrapedTwice(f, "web/b:1", T1, "db/c:1", T1);
    assertEquals(2, f.unscrapedCount(), "scrapes from before they came back do not count");
  }

  @Test
  void aTargetMovingBetweenJobsAwaitsUnderItsNewJob() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1"), T0);
    f.observedTargets(seen("web/a:1", T0));
    f.targetsWritten(targets("api/a:1"), T1);
    f.observedTargets(seen("web/a:1", T2));
    assertEquals(List.of("api/a:1"), f.observed().unscraped());
  }

  @Test
  void aGroupWithSeveralAddressesTracksEachAddress() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(
        Map.of("web", List.of(new TargetGroup(List.of("a:1", "b:1"), Map.of("env", "x")))), T0);
    scrapedTwice(f, "web/a:1", T1);
    assertEquals(List.of("web/b:1"), f.observed().unscraped());
  }

  @Test
  void targetsThatPrometheusDoesNotListAreReportedAsAbsentOnceOldEnough() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1", "web/b:1"), T0);
    f.targetsWritten(targets("web/a:1", "web/b:1", "web/c:1", "db/d:1"), T2);
    Map<String, Map<String, Instant>> seen = seen("web/a:1", FirstScrapes.NEVER);
    assertEquals(Map.of("web", 1), f.absentSince(seen, T1), "b: absent since T0; c, d: too new");
    assertEquals(Map.of("db", 1, "web", 2), f.absentSince(seen, T2.plusSeconds(1)));
  }

  @Test
  void moreTargetsThanListedAreCountedAndTheFirstOnesNamed() {
    FirstScrapes f = new FirstScrapes();
    int n = NodeStatus.Observed.LISTED + 5;
    List<String> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(String.format("web/10.0.0.1:%05d", i));
    }
    f.targetsWritten(targets(all.toArray(String[]::new)), T0);
    NodeStatus.Observed o = f.observed();
    assertEquals(n, o.unscrapedCount());
    assertEquals(all.subList(0, NodeStatus.Observed.LISTED), o.unscraped());
    assertFalse(o.complete());
    scrapedTwice(f, "web/10.0.0.1:00000", T1);
    assertEquals(n - 1, f.observed().unscrapedCount());
    assertEquals("web/10.0.0.1:00001", f.observed().unscraped().get(0));
  }

  /** Rules loaded at T1 after {@code before}: does the group await an evaluation? */
  static Stream<Arguments> ruleLoads() {
    return Stream.of(
        Arguments.of("a group new to the node", rules("other/b"), rules("g/a"), true),
        Arguments.of("a record added", rules("g/a"), rules("g/a", "g/b"), true),
        Arguments.of("a record replaced", rules("g/a"), rules("g/b"), true),
        Arguments.of("a record removed", rules("g/a", "g/b"), rules("g/a"), false),
        Arguments.of("an expression changed", rules("g/a"), changedExpr(), false),
        Arguments.of("nothing changed", rules("g/a"), rules("g/a"), false));
  }

  private static Map<String, List<RecordRule>> changedExpr() {
    return Map.of("g", List.of(new RecordRule("a", "sum(rate(x[5m]))")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ruleLoads")
  void aGroupAwaitsAnEvaluationOnlyWhenItGainedARecord(
      String what,
      Map<String, List<RecordRule>> before,
      Map<String, List<RecordRule>> after,
      boolean awaits) {
    FirstScrapes f = new FirstScrapes();
    f.rulesLoaded(before, T0);
    evaluatedTwice(f, Map.of("g", T0, "other", T0));
    assertEquals(awaits, f.rulesLoaded(after, T1), what);
    assertEquals(awaits ? List.of("g") : List.of(), f.observed().unevaluated(), what);
  }

  @Test
  void aGroupStopsAwaitingWhenEvaluatedSinceTheReloadAndIsForgottenWhenUnloaded() {
    FirstScrapes f = new FirstScrapes();
    f.rulesLoaded(rules("g/a", "h/b"), T1);
    assertEquals(List.of("g", "h"), f.observed().unevaluated(), "first load: all gained");
    f.observedRules(Map.of("g", T0, "h", FirstScrapes.NEVER));
    assertEquals(2, f.unevaluatedCount(), "evaluations before the reload do not count");
    f.observedRules(Map.of("g", T1));
    assertEquals(2, f.unevaluatedCount(), "evaluated once since the reload: not yet");
    f.observedRules(Map.of("g", T1.plusSeconds(1)));
    assertEquals(List.of("h"), f.observed().unevaluated());
    f.rulesLoaded(rules("g/a"), T2);
    assertEquals(NodeStatus.Observed.NOTHING_PENDING, f.observed());
  }

  @Test
  void targetsAndGroupsAreReportedTogether() {
    FirstScrapes f = new FirstScrapes();
    f.targetsWritten(targets("web/a:1"), T0);
    f.rulesLoaded(rules("g/a"), T0);
    assertEquals(new NodeStatus.Observed(List.of("web/a:1"), 1, List.of("g")), f.observed());
    assertTrue(f.awaitsAnything());
  }
}
