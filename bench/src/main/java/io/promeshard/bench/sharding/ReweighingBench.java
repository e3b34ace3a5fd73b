package io.promeshard.bench.sharding;

import io.promeshard.bench.report.Machine;
import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.Reweighing;
import io.promeshard.coordinator.shard.ShardNode;
import io.promeshard.coordinator.shard.ShardRequest;
import io.promeshard.coordinator.shard.Sharder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What re-weighing costs in moves: targets placed by their samples ({@link Workload#heavyTail}),
 * then their samples change, and prome-shard adopts the new costs from its previous assignment,
 * without a budget, within the default {@code max_load_moves_per_hour} (1 % of the targets) and
 * within a tight budget of {@link #TIGHT} moves. Two changes: {@link #CHANGED} of the targets at
 * random change by a factor drawn between 1/4 and 4 (seeded; only factors beyond {@code
 * load_min_change} count), and one job of the seven triples (an exporter upgrade), which lands on
 * the servers unevenly. Series max/avg is measured in the new samples.
 */
public final class ReweighingBench {
  /** A budget smaller than the moves either change needs, to show what is deferred. */
  static final int TIGHT = 2;

  /** The fraction of targets whose samples change. */
  static final double CHANGED = 0.05;

  /** One change and budget's outcome. */
  public record Row(
      String change,
      String budget,
      int proposed,
      int deferred,
      int moves,
      double seriesBefore,
      double seriesAfter,
      double ms) {}

  private final long seed;
  private final PrintStream out;

  public ReweighingBench(long seed, PrintStream out) {
    this.seed = seed;
    this.out = out;
  }

  public List<Row> run(ShardingBench.Size size) {
    String loadBefore = Machine.loadAverage();
    Workload w = Workload.heavyTail(size.targets(), size.nodes(), seed);
    List<String> names = Workload.nodes(size.nodes());
    List<ShardNode> nodes = names.stream().map(ShardNode::of).toList();
    ShardRequest first =
        new ShardRequest(w.items(), nodes, 1, ShardRequest.DEFAULT_BALANCE, null).loadAware();
    Assignment placed = Sharder.assign(first);
    ShardRequest next = first.withPrevious(placed);
    int onePercent = Math.max(50, size.targets() / 100);
    SplittableRandom random = new SplittableRandom(seed + 1);
    double[] spread = new double[w.size()];
    double[] oneJob = new double[w.size()];
    for (int i = 0; i < w.size(); i++) {
      spread[i] = Double.NaN;
      if (random.nextDouble() < CHANGED) {
        double factor = Math.pow(4, 2 * random.nextDouble() - 1);
        if (factor >= 1.5 || factor <= 1 / 1.5) { // what load_min_change lets through
          spread[i] = Math.max(1, Math.round(w.cost(i) * factor));
        }
      }
      oneJob[i] = w.key(i).startsWith("job-3/") ? w.cost(i) * 3 : Double.NaN;
    }
    List<Row> rows = new ArrayList<>();
    String randomly = Math.round(CHANGED * 100) + " % at random ×1/4..4";
    String tripled = "one job of 7 ×3";
    for (String change : List.of(randomly, tripled)) {
      double[] proposed = change.equals(randomly) ? spread : oneJob;
      double[] after = new double[w.size()];
      for (int i = 0; i < w.size(); i++) {
        after[i] = Double.isNaN(proposed[i]) ? w.cost(i) : proposed[i];
      }
      Workload measured = w.withCosts(after);
      double before = Quality.of(Placement.of(names, placed, w), measured).costMaxAvg();
      rows.add(row(change, "none", next, proposed, Integer.MAX_VALUE, names, measured, before));
      rows.add(
          row(
              change,
              Stats.n(onePercent) + " (1 %)",
              next,
              proposed,
              onePercent,
              names,
              measured,
              before));
      rows.add(row(change, TIGHT + " (tight)", next, proposed, TIGHT, names, measured, before));
    }
    print(size, rows, loadBefore);
    return rows;
  }

  private static Row row(
      String change,
      String label,
      ShardRequest request,
      double[] proposed,
      int budget,
      List<String> names,
      Workload measured,
      double before) {
    long t0 = System.nanoTime();
    Reweighing.Result r = Reweighing.assign(request, proposed, budget);
    double ms = (System.nanoTime() - t0) / 1e6;
    int count = (int) Arrays.stream(proposed).filter(p -> !Double.isNaN(p)).count();
    double afterRatio =
        Quality.of(Placement.of(names, r.assignment(), measured), measured).costMaxAvg();
    return new Row(change, label, count, r.deferred(), r.moves(), before, afterRatio, ms);
  }

  private void print(ShardingBench.Size size, List<Row> rows, String loadBefore) {
    Table t =
        new Table(
            "Re-weighing "
                + size.label()
                + ": targets placed by samples, then samples change; seed "
                + seed
                + " (load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "change",
            "move budget",
            "cost changes",
            "deferred",
            "moves",
            "series max/avg before",
            "series max/avg after",
            "ms");
    for (Row r : rows) {
      t.row(
          r.change(),
          r.budget(),
          Stats.n(r.proposed()),
          Stats.n(r.deferred()),
          Stats.n(r.moves()),
          Stats.f(r.seriesBefore(), 3),
          Stats.f(r.seriesAfter(), 3),
          Stats.f(r.ms(), 0));
    }
    out.println(t.render());
  }
}
