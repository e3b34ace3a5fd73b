package io.promeshard.coordinator.records.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ImportPlanTest {
  private static String name(String expr) {
    return "r:" + expr;
  }

  private static List<ReportedQuery> queries(String... exprs) {
    return IntStream.range(0, exprs.length)
        .mapToObj(i -> new ReportedQuery(exprs[i], 10 - i, 1, new TreeSet<>(Set.of("n"))))
        .toList();
  }

  private static List<String> exprs(List<ReportedQuery> qs) {
    return qs.stream().map(ReportedQuery::expr).toList();
  }

  @Test
  void registeredAndEarlierRefusedQueriesAreLeftAloneAndTakeNoRoom() {
    ImportPlan p =
        ImportPlan.plan(
            queries("a", "b", "c", "d"),
            ImportPlanTest::name,
            Set.of("r:a")::contains,
            Set.of("r:b")::contains,
            1,
            2,
            100);
    assertEquals(List.of("c", "d"), exprs(p.admitted()));
    assertEquals(1, p.alreadyRegistered());
    assertEquals(1, p.knownInvalid());
    assertEquals(List.of(), p.held());
    assertEquals("", p.heldBy());
  }

  @Test
  void theSlowestUpToTheLimitPerIntervalAreAdmittedAndTheRestHeld() {
    ImportPlan p =
        ImportPlan.plan(
            queries("a", "b", "c", "d"), ImportPlanTest::name, r -> false, r -> false, 0, 2, 100);
    assertEquals(List.of("a", "b"), exprs(p.admitted()));
    assertEquals(List.of("c", "d"), exprs(p.held()));
    assertEquals(ImportPlan.PER_INTERVAL, p.heldBy());
  }

  @Test
  void theTotalLimitLeavesOnlyTheRoomTheRegistryHas() {
    ImportPlan p =
        ImportPlan.plan(
            queries("a", "b", "c"), ImportPlanTest::name, r -> false, r -> false, 9, 5, 10);
    assertEquals(List.of("a"), exprs(p.admitted()));
    assertEquals(List.of("b", "c"), exprs(p.held()));
    assertEquals(ImportPlan.TOTAL, p.heldBy());
  }

  @Test
  void aRegistryAtOrOverTheTotalTakesNothingNew() {
    ImportPlan p =
        ImportPlan.plan(queries("a"), ImportPlanTest::name, r -> false, r -> false, 12, 5, 10);
    assertEquals(List.of(), p.admitted());
    assertEquals(List.of("a"), exprs(p.held()));
    assertEquals(ImportPlan.TOTAL, p.heldBy());
  }
}
