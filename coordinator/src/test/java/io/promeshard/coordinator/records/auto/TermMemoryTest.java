package io.promeshard.coordinator.records.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TermMemoryTest {
  private static ReportedQuery q(String expr) {
    return new ReportedQuery(expr, 1, 1, new TreeSet<>(Set.of("n")));
  }

  @Test
  void aCandidateHeldRunAfterRunCountsAsHeldOnceAndIsCarriedForward() {
    TermMemory m = new TermMemory(1);
    assertEquals(2, m.hold(List.of(q("a"), q("b"))));
    assertEquals(1, m.hold(List.of(q("b"), q("c"))));
    assertEquals(List.of(q("b"), q("c")), m.carried);
    assertEquals(0, m.hold(List.of()));
    assertEquals(List.of(), m.carried);
  }

  @Test
  void candidatesAFailedRunTriedGoAheadOfTheHeldOnes() {
    TermMemory m = new TermMemory(1);
    m.hold(List.of(q("held")));
    m.carry(List.of(q("tried")));
    assertEquals(List.of(q("tried"), q("held")), m.carried);
  }

  @Test
  void carriedCandidatesAreBounded() {
    TermMemory m = new TermMemory(1);
    List<ReportedQuery> many =
        IntStream.range(0, TermMemory.CARRIED + 5).mapToObj(i -> q("q" + i)).toList();
    m.hold(many);
    assertEquals(many.subList(0, TermMemory.CARRIED), m.carried);
  }

  @Test
  void refusedRecordsForgetTheOldestPastTheirCapacity() {
    RefusedRecords r = new RefusedRecords(2);
    r.add("a", "bad");
    r.add("b", "bad");
    r.add("a", "bad again");
    r.add("c", "bad");
    assertTrue(r.contains("a"));
    assertFalse(r.contains("b"));
    assertTrue(r.contains("c"));
    assertEquals(2, r.size());
  }
}
