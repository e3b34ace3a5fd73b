package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.Explanation;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Dispatches placed by observed load, one after another as the dispatcher makes them ({@link
 * LoadTracker} + {@link ShareBuilder}), against samples that change over time.
 */
class LoadAwareDispatchTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final int TARGETS = 1500;
  private static final JobSpec NODE =
      new JobSpec(
          List.of(new StaticSourceSpec(List.of(TargetGroup.of("x:1", Map.of())))),
          Map.of(),
          null,
          null);

  private static Settings settings(String json) {
    return Json.decode("settings", json.getBytes(StandardCharsets.UTF_8), Settings.class);
  }

  private static List<TargetGroup> targets() {
    List<TargetGroup> out = new ArrayList<>();
    for (int i = 0; i < TARGETS; i++) {
      out.add(TargetGroup.of("10.1." + (i / 250) + "." + (i % 250) + ":9100", Map.of()));
    }
    return out;
  }

  private static String key(int i) {
    return "node/10.1." + (i / 250) + "." + (i % 250) + ":9100";
  }

  /** Samples per target: 500 to 3000, a few exporters at 20,000, seeded. */
  private static Map<String, Long> samples() {
    SplittableRandom random = new SplittableRandom(3);
    Map<String, Long> out = new HashMap<>();
    for (int i = 0; i < TARGETS; i++) {
      out.put(key(i), i % 100 == 0 ? 20_000L : 500L + random.nextInt(2500));
    }
    return out;
  }

  private static Map<String, Member> members(int n, long maxSeries) {
    Map<String, Member> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put("p" + i, new Member("p" + i, 1, "", maxSeries));
    }
    return m;
  }

  private static DispatchInput input(Settings settings, Map<String, Member> members) {
    return new DispatchInput(
        settings, Map.of("node", NODE), Map.of("node", targets()), List.of(), members);
  }

  /** One coordinator's dispatches, each published. */
  private static final class Coordinator {
    final LoadTracker load = new LoadTracker();
    Map<String, Assignment> previous = Map.of();
    final List<Instant> moveTimes = new ArrayList<>();

    DispatchOutput dispatch(DispatchInput in, Map<String, Long> samples, Instant now) {
      DispatchOutput out =
          load.build(in, previous, ShareBuilder.Overlap.NONE, new TargetItems(), samples, now);
      load.published(out.load(), now);
      previous = out.assignments();
      for (int k = 0; k < out.load().moves(); k++) {
        moveTimes.add(now);
      }
      return out;
    }

    Assignment targets() {
      return previous.get("targets/r1");
    }
  }

  private static double seriesMaxAvg(DispatchOutput out, Map<String, Long> samples) {
    Map<String, Double> perNode = new HashMap<>();
    out.assignments()
        .get("targets/r1")
        .forEachOwner((key, node) -> perNode.merge(node, (double) samples.get(key), Double::sum));
    double total = perNode.values().stream().mapToDouble(Double::doubleValue).sum();
    double max = perNode.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return max / (total / perNode.size());
  }

  /** The most moves in any hour of {@code times}. */
  private static int mostInAnHour(List<Instant> times) {
    int most = 0;
    for (Instant from : times) {
      Instant to = from.plusSeconds(3600);
      most =
          Math.max(
              most, (int) times.stream().filter(t -> !t.isBefore(from) && t.isBefore(to)).count());
    }
    return most;
  }

  @Test
  void placingByObservedSamplesBalancesSeriesWhereCountsDoNot() {
    Map<String, Long> samples = samples();
    DispatchOutput byCount =
        new Coordinator().dispatch(input(Settings.DEFAULTS, members(10, 0)), samples, T0);
    DispatchOutput byLoad =
        new Coordinator()
            .dispatch(input(settings("{\"load_aware\":true}"), members(10, 0)), samples, T0);
    assertFalse(byCount.load().enabled());
    assertTrue(byLoad.load().enabled());
    assertEquals(TARGETS, byLoad.load().measured());
    double count = seriesMaxAvg(byCount, samples);
    double load = seriesMaxAvg(byLoad, samples);
    assertTrue(load <= 1.05 + 1e-9, "by load: series max/avg " + load);
    assertTrue(count > 1.1, "by count: series max/avg " + count);
    // what the status and metrics show: the estimated series per node, within each bound
    byLoad
        .load()
        .seriesByNode()
        .forEach(
            (node, series) ->
                assertTrue(series <= byLoad.load().boundByNode().get(node) + 1e-6, node));
  }

  @Test
  void aTargetWhoseSeriesJumpTenfoldMovesAtMostOnceWithinTheBudget() {
    Settings s = settings("{\"load_aware\":true,\"max_load_moves_per_hour\":30}");
    DispatchInput in = input(s, members(10, 0));
    Map<String, Long> samples = samples();
    Coordinator c = new Coordinator();
    c.dispatch(in, samples, T0);
    for (int minute = 1; minute <= 10; minute++) {
      assertEquals(0, c.dispatch(in, samples, T0.plusSeconds(60L * minute)).load().moves());
    }
    String jumper = key(7);
    samples.put(jumper, samples.get(jumper) * 10);
    List<String> owners = new ArrayList<>(List.of(c.targets().owners(jumper).get(0)));
    DispatchOutput last = null;
    for (int minute = 11; minute <= 240; minute++) {
      last = c.dispatch(in, samples, T0.plusSeconds(60L * minute));
      String owner = c.targets().owners(jumper).get(0);
      if (!owner.equals(owners.get(owners.size() - 1))) {
        owners.add(owner);
      }
    }
    assertFalse(c.moveTimes.isEmpty(), "the jump made its server shed something");
    assertTrue(owners.size() <= 2, "the jumping target's owners over time: " + owners);
    double placedAt = last.load().model().effective(jumper);
    assertTrue(placedAt * 1.5 > samples.get(jumper), "placed at " + placedAt);
    assertTrue(mostInAnHour(c.moveTimes) <= 30, "moves in an hour: " + mostInAnHour(c.moveTimes));
    assertEquals(0, last.load().deferred());
    // placed at effective costs, each within load_min_change of its samples: about 1.05 in fact
    assertTrue(seriesMaxAvg(last, samples) <= 1.10, "series " + seriesMaxAvg(last, samples));
  }

  @Test
  void turningLoadAwarenessOnMovesTowardsBalanceWithinTheBudgetEachHour() {
    Map<String, Long> samples = samples();
    Coordinator c = new Coordinator();
    c.dispatch(input(Settings.DEFAULTS, members(10, 0)), samples, T0);
    DispatchInput on =
        input(settings("{\"load_aware\":true,\"max_load_moves_per_hour\":5}"), members(10, 0));
    DispatchOutput first = c.dispatch(on, samples, T0.plusSeconds(60));
    assertTrue(first.load().moves() <= 5, "moves " + first.load().moves());
    assertTrue(first.load().deferred() > 0, "the switch defers most cost changes");
    DispatchOutput last = first;
    for (int minute = 2; minute <= 24 * 60 && last.load().deferred() > 0; minute += 10) {
      last = c.dispatch(on, samples, T0.plusSeconds(60L * minute));
    }
    assertEquals(0, last.load().deferred());
    assertTrue(mostInAnHour(c.moveTimes) <= 5, "moves in an hour: " + mostInAnHour(c.moveTimes));
    // placed at effective costs, each within load_min_change of its samples: about 1.05 in fact
    assertTrue(seriesMaxAvg(last, samples) <= 1.10, "series " + seriesMaxAvg(last, samples));
  }

  @Test
  void explainingATargetPlacedByLoadGivesTheDispatchsOwnersAndCost() {
    Settings s = settings("{\"load_aware\":true}");
    Map<String, Long> samples = samples();
    Coordinator c = new Coordinator();
    c.dispatch(input(s, members(10, 0)), samples, T0);
    samples.put(key(3), 90_000L);
    Map<String, Assignment> before = c.previous;
    DispatchInput in = input(s, members(10, 0));
    DispatchOutput out = c.dispatch(in, samples, T0.plusSeconds(3600));
    for (int i : new int[] {0, 3, 100, 777}) {
      String address = key(i).substring("node/".length());
      Explanation e = ShareBuilder.explain(in, before, "node", address, out.load().model());
      assertEquals(c.targets().owners(key(i)), e.owners(), key(i));
      assertEquals(out.load().model().effective(key(i)), e.cost(), key(i));
    }
  }

  @Test
  void samplesArrivingAfterLoadAwarenessIsOnAreAdoptedWithinTheBudget() {
    DispatchInput on =
        input(settings("{\"load_aware\":true,\"max_load_moves_per_hour\":5}"), members(10, 0));
    Coordinator c = new Coordinator();
    DispatchOutput before = c.dispatch(on, Map.of(), T0);
    assertEquals(0, before.load().measured());
    assertEquals(0, c.dispatch(on, Map.of(), T0.plusSeconds(60)).load().moves());
    Map<String, Long> samples = samples();
    DispatchOutput first = c.dispatch(on, samples, T0.plusSeconds(120));
    assertTrue(first.load().moves() <= 5, "moves " + first.load().moves());
    assertTrue(first.load().deferred() > 0, "the first samples are adopted gradually");
    DispatchOutput last = first;
    for (int minute = 3; minute <= 24 * 60 && last.load().deferred() > 0; minute += 10) {
      last = c.dispatch(on, samples, T0.plusSeconds(60L * minute));
    }
    assertEquals(0, last.load().deferred());
    assertTrue(mostInAnHour(c.moveTimes) <= 5, "moves in an hour: " + mostInAnHour(c.moveTimes));
    assertTrue(seriesMaxAvg(last, samples) <= 1.10, "series " + seriesMaxAvg(last, samples));
  }

  @Test
  void movesOffAFailedServerAreNeverHeldBackByTheBudget() {
    Settings s = settings("{\"load_aware\":true,\"max_load_moves_per_hour\":0}");
    Map<String, Long> samples = samples();
    Coordinator c = new Coordinator();
    c.dispatch(input(s, members(10, 0)), samples, T0);
    Map<String, Member> nine = members(10, 0);
    nine.remove("p3");
    DispatchOutput out = c.dispatch(input(s, nine), samples, T0.plusSeconds(60));
    assertEquals(TARGETS, c.targets().size());
    assertFalse(c.targets().nodes().contains("p3"));
    assertEquals(0, out.load().moves());
  }

  @Test
  void aServerIsNeverPlannedAboveItsMaxSeriesAndWhatFitsNowhereIsReported() {
    Map<String, Long> samples = samples();
    long total = samples.values().stream().mapToLong(Long::longValue).sum();
    Settings s = settings("{\"load_aware\":true}");
    long roomy = total / 10 * 2;
    DispatchOutput fits = new Coordinator().dispatch(input(s, members(10, roomy)), samples, T0);
    assertTrue(fits.load().unplaced().isEmpty());
    long tight = total / 10 * 9 / 10; // 90 % of a share each: about a tenth fits nowhere
    Coordinator c = new Coordinator();
    DispatchOutput tooSmall = c.dispatch(input(s, members(10, tight)), samples, T0);
    assertFalse(tooSmall.load().unplaced().isEmpty());
    tooSmall.load().seriesByNode().forEach((n, v) -> assertTrue(v <= tight, n + ": " + v));
    tooSmall.load().boundByNode().forEach((n, v) -> assertTrue(v <= tight, n + ": " + v));
    int shared = tooSmall.targetsByNode().values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(TARGETS, shared + tooSmall.load().unplaced().size());
    // status/coordinator: how many, the first few, and each server's series against its bound
    CoordinatorStatus.LoadSummary status =
        c.load.summary(tooSmall.load(), input(s, members(10, tight)), T0);
    assertEquals(tooSmall.load().unplaced().size(), status.unplaced());
    assertEquals(LoadTracker.UNPLACED_NAMED, status.unplacedNamed().size());
    assertEquals(tight, status.boundByNode().get("p0"));
    assertEquals(50, status.movesPerHour());
    assertEquals(null, c.load.summary(LoadOutcome.OFF, input(s, members(10, tight)), T0));
  }
}
