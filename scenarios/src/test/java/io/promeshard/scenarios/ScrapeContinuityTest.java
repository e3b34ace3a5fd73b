package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The continuity figures on hand-made sample lists, one second apart unless a scrape is missed. */
class ScrapeContinuityTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final ScrapeContinuity.Move A_TO_B = new ScrapeContinuity.Move("a", "b");

  @Test
  void aTargetScrapedByItsNewOwnerBeforeItsOldOwnersLastScrapeOverlapped() {
    ScrapeContinuity.Report r =
        ScrapeContinuity.of(
            Map.of(
                "a",
                Map.of("t", List.of(0L, 1000L, 2000L, 3000L)),
                "b",
                Map.of("t", List.of(4500L, 2500L, 3500L))),
            Map.of("t", A_TO_B),
            SECOND);

    assertEquals(1, r.moved());
    assertEquals(Set.of("t"), r.overlapped());
    assertEquals(Set.of(), r.missed());
    assertEquals(SECOND, r.longestGap());
  }

  @Test
  void aBreakBeforeMakeWithinOneAndAHalfIntervalsMissesNothing() {
    ScrapeContinuity.Report r =
        ScrapeContinuity.of(
            Map.of(
                "a",
                Map.of("t", List.of(0L, 1000L, 2000L)),
                "b",
                Map.of("t", List.of(3400L, 4400L))),
            Map.of("t", A_TO_B),
            SECOND);

    assertEquals(Set.of(), r.overlapped());
    assertEquals(Set.of(), r.missed());
    assertEquals(Duration.ofMillis(1400), r.longestGap());
    assertEquals("t", r.longestGapTarget());
  }

  @Test
  void aGapLongerThanOneAndAHalfIntervalsIsAMissedScrapeAndTheLongestGapNamesItsTarget() {
    ScrapeContinuity.Report r =
        ScrapeContinuity.of(
            Map.of(
                "a", Map.of("slow", List.of(0L, 1000L, 2000L), "ok", List.of(0L, 1000L)),
                "b", Map.of("slow", List.of(4100L, 5100L), "ok", List.of(1900L))),
            Map.of("slow", A_TO_B, "ok", A_TO_B),
            SECOND);

    assertEquals(2, r.moved());
    assertEquals(Set.of("slow"), r.missed());
    assertEquals(Duration.ofMillis(2100), r.longestGap());
    assertEquals("slow", r.longestGapTarget());
    assertEquals(
        "moved 2, overlapped 0, missed a scrape 1, longest gap 2.1 s (slow), scrape interval 1.0 s",
        r.line());
  }

  @Test
  void aThirdServersSamplesFillTheGapInTheUnion() {
    ScrapeContinuity.Report r =
        ScrapeContinuity.of(
            Map.of(
                "a", Map.of("t", List.of(0L, 1000L)),
                "b", Map.of("t", List.of(4000L)),
                "c", Map.of("t", List.of(2000L, 3000L))),
            Map.of("t", A_TO_B),
            SECOND);

    assertEquals(Set.of(), r.missed());
    assertEquals(Set.of(), r.overlapped());
  }

  @Test
  void aMovedTargetWithoutSamplesOnAnOwnerIsReportedUnseenThere() {
    ScrapeContinuity.Report r =
        ScrapeContinuity.of(
            Map.of(
                "a", Map.of("old-only", List.of(0L, 1000L)), "b", Map.of("new-only", List.of(0L))),
            Map.of("old-only", A_TO_B, "new-only", A_TO_B),
            SECOND);

    assertEquals(Set.of("new-only"), r.unseenOnOld());
    assertEquals(Set.of("old-only"), r.unseenOnNew());
    assertEquals(Set.of(), r.overlapped());
  }

  @Test
  void nothingMovedGivesEmptyFiguresAndANonPositiveIntervalIsRejected() {
    ScrapeContinuity.Report r = ScrapeContinuity.of(Map.of(), Map.of(), SECOND);
    assertEquals(0, r.moved());
    assertEquals(Duration.ZERO, r.longestGap());
    assertEquals(
        "moved 0, overlapped 0, missed a scrape 0, longest gap 0.0 s (none), scrape interval 1.0 s",
        r.line());
    assertThrows(
        IllegalArgumentException.class,
        () -> ScrapeContinuity.of(Map.of(), Map.of(), Duration.ZERO));
  }
}
