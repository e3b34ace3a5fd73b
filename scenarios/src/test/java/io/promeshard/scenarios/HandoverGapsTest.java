package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.Await;
import io.promeshard.testkit.ScrapeTargets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures what a returning server's targets go through today (break-before-make: a moved target
 * leaves its old owner and reaches its new one in the same generation). Three Prometheus servers
 * scrape real loopback targets every {@link #INTERVAL}; one is killed, its targets move to the
 * others, then it starts again and targets move back to it. From every server's {@code up} samples
 * it reports how many moved targets were scraped by their new owner before their old owner's last
 * scrape, how many missed a scrape and the longest gap, as one {@code [handover]} line. Only the
 * end state and the measurement itself are asserted: continuity is what issue 14 will build.
 */
class HandoverGapsTest {
  private static final int SERVERS = 3;
  private static final int TARGETS = 60;
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration FLAP_HOLD = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration READ_EVERY = Duration.ofMillis(250);
  private static final String JOB = "web";
  private static final String VICTIM = "prom-2";

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @Test
  void targetsMovingBackToAReturningServerAreMeasuredOnEveryServersUpSamples() {
    try (ScrapeTargets targets = ScrapeTargets.start(TARGETS)) {
      Set<String> expected = new TreeSet<>(targets.addresses());
      Path dir = FaultLogs.fresh("handover-gaps");
      try (Fleet f =
          Fleet.startScrapingEvery(
              INTERVAL, dir, SERVERS, Jobs.settings(FLAP_HOLD), Map.of(JOB, Jobs.spec(expected)))) {
        fleet = f;
        run(expected);
      }
    }
  }

  private void run(Set<String> expected) {
    fleet.coordinators().start();
    fleet.coordinators().awaitLeader(WAIT);
    Await.until(
        WAIT,
        "every server scraping a share, every target once",
        () -> everyServerHasSome(fleet.active()) && fleet.settled(JOB, expected));

    fleet.server(VICTIM).prometheus().kill();
    fleet.awaitSettled(JOB, expected, WAIT);
    Placement before = fleet.active();
    long windowStart = System.currentTimeMillis();
    assertTrue(before.on(VICTIM).isEmpty(), VICTIM + " was killed: " + before.counts());

    long started = System.nanoTime();
    fleet.server(VICTIM).prometheus().start();
    Await.until(
        WAIT,
        VICTIM + " scraping a share again, every target once",
        () -> !fleet.active().on(VICTIM).isEmpty() && fleet.settled(JOB, expected));
    Duration shared = Duration.ofNanos(System.nanoTime() - started);
    Placement after = fleet.active();

    Map<String, ScrapeContinuity.Move> moves = new TreeMap<>();
    SortedSet<String> elsewhere = new TreeSet<>();
    for (String target : after.movedSince(before)) {
      if (after.on(VICTIM).contains(target)) {
        moves.put(target, new ScrapeContinuity.Move(before.nodeOf(target), VICTIM));
      } else {
        elsewhere.add(target);
      }
    }
    assertFalse(moves.isEmpty(), "no target moved back to " + VICTIM + ": " + after.counts());

    Map<String, Map<String, List<Long>>> samples = awaitScrapedTwiceByNewOwner(moves, windowStart);
    ScrapeContinuity.Report report = ScrapeContinuity.of(samples, moves, INTERVAL);
    System.out.println(
        "[handover] "
            + VICTIM
            + " returns, break-before-make (no handover yet): "
            + report.line()
            + "; missed: "
            + report.missed()
            + "; moved between the others: "
            + elsewhere.size()
            + "; start -> shared again "
            + Figures.seconds(shared));
    System.out.flush();

    Placement end = fleet.active();
    assertTrue(end.exactlyOnce(expected), end.problemsAgainst(expected));
    assertEquals(Set.of(), report.unseenOnOld(), "moved targets with no sample on the old owner");
    assertEquals(Set.of(), report.unseenOnNew(), "moved targets with no sample on the new owner");
    assertEquals(moves.size(), report.moved());
  }

  /**
   * Every server's {@code up} samples since {@code windowStart}, read once each moved target has at
   * least two on its new owner (so the gap after the move is seen whole).
   */
  private Map<String, Map<String, List<Long>>> awaitScrapedTwiceByNewOwner(
      Map<String, ScrapeContinuity.Move> moves, long windowStart) {
    AtomicLong nextRead = new AtomicLong(System.nanoTime());
    return Await.value(
        WAIT,
        "each of " + moves.size() + " moved targets scraped twice by its new owner",
        () -> {
          if (System.nanoTime() - nextRead.get() < 0) {
            return null;
          }
          nextRead.set(System.nanoTime() + READ_EVERY.toNanos());
          long now = System.currentTimeMillis();
          Map<String, Map<String, List<Long>>> samples = new TreeMap<>();
          for (Fleet.Server s : fleet.servers()) {
            samples.put(s.name(), UpSamples.of(s.prometheus(), windowStart, now));
          }
          boolean twice =
              moves.entrySet().stream()
                  .allMatch(
                      e ->
                          samples.get(e.getValue().to()).getOrDefault(e.getKey(), List.of()).size()
                              >= 2);
          return twice ? samples : null;
        });
  }

  private boolean everyServerHasSome(Placement placement) {
    return fleet.servers().stream().noneMatch(s -> placement.on(s.name()).isEmpty());
  }
}
