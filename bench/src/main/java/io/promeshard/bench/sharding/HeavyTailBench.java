package io.promeshard.bench.sharding;

import io.promeshard.bench.report.Machine;
import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The series each server holds when targets differ by orders of magnitude: per-target samples drawn
 * from {@link Workload#heavyTail} (no target above a server's share), placed by prome-shard by
 * observed samples (as with {@code load_aware}), by prome-shard balancing counts (every target at
 * its job weight, as without load awareness) and by each baseline (they balance counts or hash).
 * Balance is measured in samples: series max/avg over servers, fresh and after one join and one
 * leave (prome-shard with its previous assignment, the baselines recomputed).
 */
public final class HeavyTailBench {
  /** One placement strategy's figures at one size. */
  public record Row(
      String algorithm,
      String placesBy,
      Quality base,
      Quality afterJoin,
      Quality afterLeave,
      double joinRatio,
      double leaveRatio) {}

  private final long seed;
  private final PrintStream out;

  public HeavyTailBench(long seed, PrintStream out) {
    this.seed = seed;
    this.out = out;
  }

  /** Measures every strategy at {@code size}, prints the table and returns its rows. */
  public List<Row> run(ShardingBench.Size size) {
    String loadBefore = Machine.loadAverage();
    Workload samples = Workload.heavyTail(size.targets(), size.nodes(), seed);
    Workload counts = samples.withUnitCosts();
    List<Row> rows = new ArrayList<>();
    rows.add(measure(PromeShard.loadAware(), "observed samples", samples, samples, size));
    rows.add(measure(new PromeShard(), "count (job weight)", counts, samples, size));
    for (Algorithm a : ShardingBench.algorithms()) {
      if (!(a instanceof PromeShard)) {
        rows.add(measure(a, "count / hash", counts, samples, size));
      }
    }
    print(size, samples, rows, loadBefore);
    return rows;
  }

  /** Places {@code placed} (what the algorithm sees) and measures it in {@code measured}. */
  private static Row measure(
      Algorithm a, String placesBy, Workload placed, Workload measured, ShardingBench.Size size) {
    List<String> nodes = Workload.nodes(size.nodes());
    List<String> joined = new ArrayList<>(nodes);
    joined.add(Workload.nodeName(size.nodes()));
    List<String> left = new ArrayList<>(nodes);
    left.remove(size.nodes() / 2);
    Placement base = a.place(placed, nodes, null);
    Placement afterJoin = a.place(placed, joined, base);
    Placement afterLeave = a.place(placed, left, base);
    return new Row(
        a.name(),
        placesBy,
        Quality.of(base, measured),
        Quality.of(afterJoin, measured),
        Quality.of(afterLeave, measured),
        Quality.moved(base, afterJoin) / (double) placed.size() * joined.size(),
        Quality.moved(base, afterLeave) / (double) placed.size() * nodes.size());
  }

  private void print(ShardingBench.Size size, Workload w, List<Row> rows, String loadBefore) {
    Table t =
        new Table(
            "Series balance "
                + size.label()
                + ": "
                + Stats.n(size.targets())
                + " targets over "
                + size.nodes()
                + " nodes, samples per target "
                + Stats.f(Workload.SAMPLES_MIN, 0)
                + " × Pareto(α="
                + Workload.PARETO_ALPHA
                + ") truncated at a server's share, seed "
                + seed
                + " (load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "algorithm",
            "places by",
            "series max/avg",
            "count max/avg",
            "join: series max/avg",
            "leave: series max/avg",
            "join moved/ideal",
            "leave moved/ideal");
    for (Row r : rows) {
      t.row(
          r.algorithm(),
          r.placesBy(),
          Stats.f(r.base().costMaxAvg(), 3),
          Stats.f(r.base().countMaxAvg(), 3),
          Stats.f(r.afterJoin().costMaxAvg(), 3),
          Stats.f(r.afterLeave().costMaxAvg(), 3),
          Stats.f(r.joinRatio(), 3),
          Stats.f(r.leaveRatio(), 3));
    }
    out.println(t.render());
    out.println(
        "total "
            + Stats.n((long) w.totalCost())
            + " samples; largest target "
            + Stats.n((long) w.maxCost())
            + " = "
            + Stats.f(w.maxCost() / (w.totalCost() / size.nodes()), 2)
            + " × the average server's share.");
    out.println();
  }
}
