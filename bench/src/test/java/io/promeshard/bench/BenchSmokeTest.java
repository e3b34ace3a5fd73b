package io.promeshard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.bench.dispatch.DispatchBench;
import io.promeshard.bench.footprint.AgentCommand;
import io.promeshard.bench.footprint.FootprintBench;
import io.promeshard.bench.footprint.ShareSizeBench;
import io.promeshard.bench.propagation.PropagationBench;
import io.promeshard.bench.sharding.HeavyTailBench;
import io.promeshard.bench.sharding.ReweighingBench;
import io.promeshard.bench.sharding.ShardingBench;
import io.promeshard.testkit.Binaries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark at a toy size, so a change that breaks one fails the build; the numbers are
 * not checked against goals (the machine running the tests is not a benchmark machine), only for
 * sense.
 */
class BenchSmokeTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

  private String printed() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void heavyTailedSamplesAreBalancedInSeriesByLoadAwarePlacementAndNotByCounts() {
    ShardingBench.Size size = new ShardingBench.Size(3000, 6);
    List<HeavyTailBench.Row> rows = new HeavyTailBench(42, out).run(size);
    assertEquals(ShardingBench.algorithms().size() + 1, rows.size());
    HeavyTailBench.Row bySamples = rows.get(0);
    assertEquals("observed samples", bySamples.placesBy());
    assertTrue(bySamples.base().costMaxAvg() <= 1.05 + 1e-9, "by samples " + bySamples.base());
    for (HeavyTailBench.Row r : rows.subList(1, rows.size())) {
      assertTrue(
          r.base().costMaxAvg() > 1.05, r.algorithm() + " by " + r.placesBy() + ": " + r.base());
    }
    assertTrue(printed().contains("| series max/avg |"), printed());
  }

  @Test
  void reweighingWithinABudgetMovesNoMoreThanItAndDefersTheRest() {
    ShardingBench.Size size = new ShardingBench.Size(20_000, 10);
    List<ReweighingBench.Row> rows = new ReweighingBench(42, out).run(size);
    assertEquals(6, rows.size());
    for (int change = 0; change < 2; change++) {
      ReweighingBench.Row unlimited = rows.get(3 * change);
      ReweighingBench.Row tight = rows.get(3 * change + 2);
      assertEquals(0, unlimited.deferred());
      assertTrue(unlimited.seriesAfter() <= 1.05 + 1e-9, "after " + unlimited);
      assertTrue(tight.moves() <= 2, "tight budget moves " + tight);
      assertTrue(unlimited.moves() <= 2 || tight.deferred() > 0, "deferred " + tight);
    }
    assertTrue(printed().contains("| move budget |"), printed());
  }

  @Test
  void shardingComparesEveryAlgorithmAndPrintsTheResultLine() {
    ShardingBench.Size size = new ShardingBench.Size(3000, 6);
    List<ShardingBench.Row> rows = new ShardingBench(List.of(size), size, 0, 1, 42, out).run();
    assertEquals(ShardingBench.algorithms().size(), rows.size());
    ShardingBench.Row prome = rows.get(0);
    assertEquals("prome-shard", prome.algorithm());
    assertTrue(prome.base().countMaxAvg() <= 1.06, "prome-shard count balance " + prome.base());
    assertTrue(
        prome.joinRatio() > 0.5 && prome.joinRatio() < 1.5, "join ratio " + prome.joinRatio());
    ShardingBench.Row hashmod =
        rows.stream().filter(r -> r.algorithm().contains("hashmod")).findFirst().orElseThrow();
    assertTrue(hashmod.joinRatio() > 3, "hashmod join ratio " + hashmod.joinRatio());
    assertTrue(printed().contains(ShardingBench.resultLine(prome)), printed());
    assertTrue(
        printed()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "RESULT assign_ms=[0-9.]+ max_avg=[0-9.]+ cost_max_avg=[0-9.]+ "
                            + "join_moved_ratio=[0-9.]+ leave_moved_ratio=[0-9.]+")),
        printed());
  }

  @Test
  void propagationMeasuresEveryChangeOnEveryAgent() {
    PropagationBench.Config c =
        new PropagationBench.Config(
            2,
            List.of(20),
            3,
            20,
            2,
            List.of("0s"),
            0,
            Duration.ofMillis(150),
            Duration.ofSeconds(20));
    PropagationBench.Result r = new PropagationBench(c, dir, out).run();
    assertEquals(3, r.publish().get(0).lastFromCommitMs().length);
    assertEquals(6, r.publish().get(0).eachFromCommitMs().length);
    assertTrue(
        Arrays.stream(r.publish().get(0).lastFromStartMs()).allMatch(ms -> ms > 0), printed());
    assertEquals(2, r.edits().get(0).filesMs().length);
    assertTrue(Arrays.stream(r.edits().get(0).filesMs()).allMatch(ms -> ms > 0), printed());
    assertTrue(
        printed().contains("Propagation A") && printed().contains("Propagation B"), printed());
  }

  @Test
  void footprintMeasuresAnAgentSubprocessStartedWithTheLauncherOptions() {
    Path root = Binaries.projectRoot();
    AgentCommand cmd =
        AgentCommand.classPath(
            root.resolve("packaging/src/main/bin/prome-shard-agent"),
            System.getProperty("java.class.path"));
    assertTrue(cmd.jvmOptions().contains("-XX:+UseSerialGC"), cmd.jvmOptions().toString());
    List<List<String>> options = new ArrayList<>();
    options.add(null);
    FootprintBench.Config c =
        new FootprintBench.Config(
            500,
            Duration.ofMillis(200),
            Duration.ofMillis(500),
            2,
            Duration.ofMillis(100),
            Duration.ofSeconds(30),
            options);
    FootprintBench.Row row = new FootprintBench(c, cmd, dir, out).run().get(0);
    assertEquals("", row.error(), printed());
    assertTrue(
        row.startToRenderMs() > 0
            && row.rssAtRenderKb() > 0
            && row.peakRssKb() >= row.rssAtRenderKb(),
        row.toString());
    assertTrue(row.cpuMsPerChange() >= 0 && row.applyP50Ms() > 0, row.toString());
  }

  @Test
  void dispatchWritesNothingWhenNothingChangedAndSomethingWhenANodeJoins() {
    DispatchBench.Result r =
        new DispatchBench(new DispatchBench.Config(1000, 4, 3, 1, Duration.ofSeconds(30)), dir, out)
            .run();
    DispatchBench.Kind initial = r.kinds().get(0);
    assertTrue(initial.keys() > 4 && initial.valueBytes() > 0, printed());
    DispatchBench.Kind noop = r.kinds().get(1);
    assertEquals(0, noop.keys(), printed());
    assertEquals(0, noop.valueBytes(), printed());
    assertEquals(0, noop.txnBytes(), printed());
    DispatchBench.Kind join = r.kinds().get(2);
    assertTrue(join.moved() > 0 && join.keys() > 0, printed());
  }

  @Test
  void shareSizeAppliesASmallShareWithTheLauncherOptions() {
    AgentCommand cmd =
        AgentCommand.classPath(
            Binaries.projectRoot().resolve("packaging/src/main/bin/prome-shard-agent"),
            System.getProperty("java.class.path"));
    ShareSizeBench.Row row =
        new ShareSizeBench(
                new ShareSizeBench.Config(
                    List.of(500), 2, Duration.ofMillis(100), Duration.ofSeconds(30)),
                cmd,
                dir,
                out)
            .run()
            .get(0);
    assertEquals("applied", row.outcome(), printed());
    assertTrue(row.kvBytes() > 0 && row.changeApplyP50Ms() > 0, row.toString());
    assertTrue(row.peakRssKb() >= row.rssAfterKb() && row.rssAfterKb() > 0, row.toString());
  }
}
