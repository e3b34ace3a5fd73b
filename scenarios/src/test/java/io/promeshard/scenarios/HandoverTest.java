package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ScrapeTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Make-before-break on real processes: three Prometheus servers scrape real loopback targets every
 * {@link #INTERVAL} and evaluate recording rules every {@link #INTERVAL}; targets and records move
 * when a server returns, is drained, or a job's weight changes. From every server's samples ({@code
 * up} per target, the recorded series per record) it checks that each moved item was scraped or
 * evaluated by its new owner before its old owner's last time (overlapped) and that the union of
 * all servers' samples has no gap over 1.5 intervals (no missed scrape or evaluation). The same
 * return with {@code handover: false} is measured beside. Every wait is bounded by {@link #WAIT},
 * below {@code handover_timeout} (5 minutes): a move that waited for a handover to time out fails.
 */
class HandoverTest {
  private static final int SERVERS = 3;
  private static final int TARGETS = 60;
  private static final int RECORDS = 12;
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration FLAP_HOLD = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration READ_EVERY = Duration.ofMillis(250);
  private static final String JOB = "web";
  private static final String API = "api";
  private static final int API_TARGETS = 4;
  private static final int API_WEIGHT = 12;
  private static final String VICTIM = "prom-2";
  private static final String RECORD = "r:handover:";

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  /**
   * One fleet, four changes in turn: a server killed and started again, the same server drained and
   * back, a job's weight raised, and the kill and return again with {@code handover: false}.
   */
  @Test
  void targetsAndRecordsMoveWithoutAGapWhenAServerReturnsIsDrainedOrAJobIsReweighed() {
    try (ScrapeTargets targets = ScrapeTargets.start(TARGETS)) {
      List<String> all = targets.addresses();
      Set<String> expected = new TreeSet<>(all);
      List<String> api = all.subList(0, API_TARGETS);
      try (Fleet f =
          Fleet.startScrapingEvery(
              INTERVAL,
              FaultLogs.fresh("handover"),
              SERVERS,
              settings(true),
              Map.of(API, Jobs.spec(api), JOB, Jobs.spec(all.subList(API_TARGETS, all.size()))))) {
        fleet = f;
        putRecords();
        start(expected);

        Measured on = returnOf(expected, "handover on");
        assertEquals(0, on.handovers().timedOut(), "handovers timed out: " + on.handovers().line());
        assertTrue(
            on.handovers().completed() >= on.targets().moved() + on.records().moved(),
            on.handovers().line());
        assertNoGap("return", on.targets());
        assertNoGap("return (records)", on.records());

        drain(expected);
        reweigh(expected, api);

        fleet.kv().put(fleet.layout().settings(), settings(false));
        Await.until(
            WAIT,
            "the coordinator running with handover off",
            () -> leaderLog().contains("handover off"));
        Measured off = returnOf(expected, "handover off");
        Table.print("a server returns", on, off);
      }
    }
  }

  /** Maintenance mode on the server's Consul registration, its agent running; then back. */
  private void drain(Set<String> expected) {
    Placement before = fleet.active();
    long window = System.currentTimeMillis();
    long started = System.nanoTime();
    fleet.kv().maintenance(VICTIM, true);
    awaitSettled(expected, () -> fleet.active().on(VICTIM).isEmpty());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Report drained = measureTargets(before, fleet.active(), window);
    assertFalse(drained.moves().isEmpty(), "nothing moved off the drained " + VICTIM);
    assertNoGap("drain", drained.report());
    Table.line("drain " + VICTIM, "handover on", drained.report(), took);

    fleet.kv().maintenance(VICTIM, false);
    awaitSettled(expected, () -> !fleet.active().on(VICTIM).isEmpty());
  }

  /**
   * A job edit: each of the 4 targets of job api now costs 12, which puts a server holding two of
   * them over the cost bound. Whether the sharder moves targets for a change of cost alone depends
   * on the placement (0-7 of 60 in our runs: it keeps targets where they are unless a server joins
   * or leaves, or a bound forces it); whatever moves is held to the same no-gap rule.
   */
  private void reweigh(Set<String> expected, List<String> api) {
    Placement before = fleet.active();
    long window = System.currentTimeMillis();
    long started = System.nanoTime();
    long edits = configsInForce();
    double dispatches = dispatches();
    fleet.kv().put(fleet.layout().job(API), Jobs.spec(api, API_WEIGHT));
    Await.until(
        WAIT,
        "the leader dispatching after the edit",
        () -> configsInForce() > edits && dispatches() > dispatches);
    awaitSettled(expected, () -> true);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Report weighed = measureTargets(before, fleet.active(), window);
    assertNoGap("weight edit", weighed.report());
    Table.line(
        "job weight edit (" + API + " 1 -> " + API_WEIGHT + ")",
        "handover on",
        weighed.report(),
        took);
  }

  /** How many dispatches the leader made that did not fail. */
  private double dispatches() {
    Coordinators c = fleet.coordinators();
    var leader = c.awaitLeader(WAIT);
    return c.metric(leader, "prome_shard_dispatches_total{result=\"changed\"}")
        + c.metric(leader, "prome_shard_dispatches_total{result=\"unchanged\"}");
  }

  /** How many times the leader has logged the configuration it runs with. */
  private long configsInForce() {
    return leaderLog().lines().filter(l -> l.contains("[config] in force")).count();
  }

  private static void assertNoGap(String what, ScrapeContinuity.Report r) {
    assertEquals(Set.of(), r.missed(), what + ": items that missed a scrape; " + r.line());
    assertEquals(r.moved(), r.overlapped().size(), what + ": not overlapped; " + r.line());
    assertEquals(Set.of(), r.unseenOnOld(), what + ": no sample on the old owner");
    assertEquals(Set.of(), r.unseenOnNew(), what + ": no sample on the new owner");
  }

  private static String settings(boolean handover) {
    return "{\"flap_hold\": \""
        + FLAP_HOLD.toSeconds()
        + "s\", \"record_interval\": \""
        + INTERVAL.toSeconds()
        + "s\", \"handover\": "
        + handover
        + "}";
  }

  private void putRecords() {
    for (int i = 1; i <= RECORDS; i++) {
      fleet
          .kv()
          .put(
              fleet.layout().record(i),
              "{\"record\": \"" + RECORD + i + "\", \"expr\": \"vector(" + i + ")\"}");
    }
  }

  private void start(Set<String> expected) {
    fleet.coordinators().start();
    fleet.coordinators().awaitLeader(WAIT);
    awaitSettled(expected, () -> fleet.servers().stream().noneMatch(this::idle));
  }

  private boolean idle(Fleet.Server s) {
    return fleet.active().on(s.name()).isEmpty();
  }

  /**
   * Waits until every target is scraped exactly once, every record evaluated exactly once, no
   * handover is in progress and {@code also} holds.
   */
  private void awaitSettled(Set<String> expected, BooleanSupplier also) {
    Await.until(
        WAIT,
        "every target scraped once, every record evaluated once, no handover in progress, and the"
            + " change done",
        () ->
            fleet.active().exactlyOnce(expected)
                && recordsOnce()
                && !coordinatorStatus().containsKey("handovers")
                && also.getAsBoolean());
  }

  /** {@code VICTIM}'s Prometheus is killed, then started again; both moves measured. */
  private Measured returnOf(Set<String> expected, String mode) {
    fleet.server(VICTIM).prometheus().kill();
    long killed = System.nanoTime();
    awaitSettled(expected, () -> idle(fleet.server(VICTIM)) && recordsOn(VICTIM).isEmpty());
    Duration movedOff = Duration.ofNanos(System.nanoTime() - killed);
    assertNull(
        coordinatorStatus().get("handovers"),
        "no handover waits on a dead server: " + coordinatorStatus());
    Placement before = fleet.active();
    Map<String, String> recordsBefore = recordOwners();
    HandoverFigures figuresBefore = handoverFigures();
    long window = System.currentTimeMillis();

    long started = System.nanoTime();
    fleet.server(VICTIM).prometheus().start();
    awaitSettled(expected, () -> !idle(fleet.server(VICTIM)) && !recordsOn(VICTIM).isEmpty());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    HandoverFigures handovers = handoverFigures().since(figuresBefore);
    Report targets = measureTargets(before, fleet.active(), window);
    Map<String, ScrapeContinuity.Move> recordMoves = new TreeMap<>();
    recordOwners()
        .forEach(
            (record, owner) -> {
              String was = recordsBefore.get(record);
              if (was != null && !was.equals(owner)) {
                recordMoves.put(record, new ScrapeContinuity.Move(was, owner));
              }
            });
    assertFalse(targets.moves().isEmpty(), "no target moved back to " + VICTIM);
    assertFalse(recordMoves.isEmpty(), "no record moved back to " + VICTIM);
    ScrapeContinuity.Report records =
        ScrapeContinuity.of(
            awaitTwiceOnNewOwner(recordMoves, window, "{__name__=~\"r:handover:.*\"}", "__name__"),
            recordMoves,
            INTERVAL);
    assertEquals(Set.of(), records.unseenOnOld(), "moved records never evaluated on the old owner");
    assertEquals(Set.of(), records.unseenOnNew(), "moved records never evaluated on the new owner");
    assertEquals(Set.of(), targets.report().unseenOnOld(), "moved targets unseen on old owner");
    assertEquals(Set.of(), targets.report().unseenOnNew(), "moved targets unseen on new owner");
    System.out.println(
        "[handover] "
            + mode
            + ": killed "
            + VICTIM
            + ", its targets moved off in "
            + Figures.seconds(movedOff)
            + "; it returns: targets "
            + targets.report().line()
            + "; records "
            + records.line()
            + "; start -> settled "
            + Figures.seconds(took)
            + "; "
            + handovers.line());
    System.out.flush();
    return new Measured(mode, targets.report(), records, took, handovers);
  }

  /**
   * The leader's handover counters: completed targets and records, timed out, and the summed
   * duration of completed ones.
   */
  private record HandoverFigures(double completed, double timedOut, double seconds) {
    HandoverFigures since(HandoverFigures before) {
      return new HandoverFigures(
          completed - before.completed, timedOut - before.timedOut, seconds - before.seconds);
    }

    String line() {
      return String.format(
          java.util.Locale.ROOT,
          "handovers completed %.0f (mean %.1f s), timed out %.0f",
          completed,
          completed == 0 ? 0 : seconds / completed,
          timedOut);
    }
  }

  private HandoverFigures handoverFigures() {
    Coordinators c = fleet.coordinators();
    var leader = c.awaitLeader(WAIT);
    double completed = 0;
    double timedOut = 0;
    double seconds = 0;
    for (String kind : List.of("target", "record")) {
      String label = "{kind=\"" + kind + "\"}";
      completed += c.metric(leader, "prome_shard_handovers_completed_total" + label);
      timedOut += c.metric(leader, "prome_shard_handovers_timed_out_total" + label);
      seconds += c.metric(leader, "prome_shard_handover_duration_seconds_sum" + label);
    }
    return new HandoverFigures(completed, timedOut, seconds);
  }

  private record Measured(
      String mode,
      ScrapeContinuity.Report targets,
      ScrapeContinuity.Report records,
      Duration took,
      HandoverFigures handovers) {}

  private record Report(Map<String, ScrapeContinuity.Move> moves, ScrapeContinuity.Report report) {}

  private Report measureTargets(Placement before, Placement after, long window) {
    Map<String, ScrapeContinuity.Move> moves = new TreeMap<>();
    for (String target : after.movedSince(before)) {
      moves.put(target, new ScrapeContinuity.Move(before.nodeOf(target), after.nodeOf(target)));
    }
    if (moves.isEmpty()) {
      return new Report(moves, ScrapeContinuity.of(Map.of(), moves, INTERVAL));
    }
    return new Report(
        moves,
        ScrapeContinuity.of(
            awaitTwiceOnNewOwner(moves, window, "up", "instance"), moves, INTERVAL));
  }

  /**
   * Every server's samples of {@code selector} by {@code label} since {@code window}, read once
   * each moved item has at least two on its new owner (so the gap after the move is seen whole).
   */
  private Map<String, Map<String, List<Long>>> awaitTwiceOnNewOwner(
      Map<String, ScrapeContinuity.Move> moves, long window, String selector, String label) {
    AtomicLong nextRead = new AtomicLong(System.nanoTime());
    return Await.value(
        WAIT,
        "each of " + moves.size() + " moved items sampled twice by its new owner",
        () -> {
          if (System.nanoTime() - nextRead.get() < 0) {
            return null;
          }
          nextRead.set(System.nanoTime() + READ_EVERY.toNanos());
          long now = System.currentTimeMillis();
          Map<String, Map<String, List<Long>>> samples = new TreeMap<>();
          for (Fleet.Server s : fleet.servers()) {
            samples.put(s.name(), UpSamples.of(s.prometheus(), selector, label, window, now));
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

  /** Record name → the one server that evaluates it (fails if one is evaluated twice). */
  private Map<String, String> recordOwners() {
    Map<String, String> owners = new TreeMap<>();
    for (Fleet.Server s : fleet.servers()) {
      if (!s.prometheus().isRunning()) {
        continue;
      }
      for (String r : LoadedRules.records(s.prometheus())) {
        String other = owners.put(r, s.name());
        if (other != null) {
          throw new IllegalStateException(r + " loaded on " + other + " and " + s.name());
        }
      }
    }
    return owners;
  }

  private Set<String> recordsOn(String server) {
    Fleet.Server s = fleet.server(server);
    return s.prometheus().isRunning() ? LoadedRules.records(s.prometheus()) : Set.of();
  }

  private boolean recordsOnce() {
    List<String> loaded = new ArrayList<>();
    for (Fleet.Server s : fleet.servers()) {
      if (s.prometheus().isRunning()) {
        loaded.addAll(LoadedRules.records(s.prometheus()));
      }
    }
    return loaded.size() == RECORDS && new TreeSet<>(loaded).size() == RECORDS;
  }

  private Map<String, JsonNode> coordinatorStatus() {
    byte[] value =
        fleet.kv().tree(fleet.layout().coordinatorStatus()).get(fleet.layout().coordinatorStatus());
    if (value == null) {
      return Map.of();
    }
    try {
      Map<String, JsonNode> out = new TreeMap<>();
      Json.MAPPER.readTree(value).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("status/coordinator: not JSON", e);
    }
  }

  private String leaderLog() {
    return fleet.coordinators().awaitLeader(WAIT).logTail(Integer.MAX_VALUE);
  }

  /** The figures of each measured move, one line each, for README and BENCHMARKS.md. */
  private static final class Table {
    private Table() {}

    static void print(String change, Measured on, Measured off) {
      line(change + " (targets)", on.mode(), on.targets(), on.took());
      line(change + " (records)", on.mode(), on.records(), on.took());
      line(change + " (targets)", off.mode(), off.targets(), off.took());
      line(change + " (records)", off.mode(), off.records(), off.took());
    }

    static void line(String change, String mode, ScrapeContinuity.Report r, Duration took) {
      System.out.println(
          "[handover-row] | "
              + change
              + " | "
              + mode
              + " | "
              + r.moved()
              + " | "
              + r.overlapped().size()
              + " | "
              + r.missed().size()
              + " | "
              + String.format(java.util.Locale.ROOT, "%.1f s", r.longestGap().toMillis() / 1000.0)
              + " | "
              + Figures.seconds(took)
              + " |");
      System.out.flush();
    }
  }
}
