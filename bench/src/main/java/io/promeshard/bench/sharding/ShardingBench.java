package io.promeshard.bench.sharding;

import io.promeshard.bench.report.Machine;
import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 1: prome-shard's sharder side by side with the original ring, Prometheus hashmod,
 * bounded-load partitions (OTel allocator) and rendezvous hashing, for each (targets, nodes) size:
 * assign time (median after warm-up), count and cost balance, and the items moved by one join and
 * one leave relative to the ideal 1/N. Ends with the {@code RESULT} line for prome-shard at the
 * result size.
 */
public final class ShardingBench {
  /** One (targets, nodes) size. */
  public record Size(int targets, int nodes) {
    public String label() {
      return "(" + Stats.size(targets) + ", " + nodes + ")";
    }
  }

  /** Everything measured for one algorithm at one size. */
  public record Row(
      String algorithm,
      Size size,
      double assignMs,
      double joinMs,
      Quality base,
      double joinRatio,
      double leaveRatio,
      Quality afterJoin,
      Quality afterLeave) {}

  public static final List<Size> FULL_SIZES =
      List.of(new Size(10_000, 10), new Size(100_000, 50), new Size(1_000_000, 100));
  public static final Size RESULT_SIZE = new Size(100_000, 50);

  private final List<Size> sizes;
  private final Size resultSize;
  private final int warmups;
  private final int runs;
  private final long seed;
  private final PrintStream out;

  public ShardingBench(
      List<Size> sizes, Size resultSize, int warmups, int runs, long seed, PrintStream out) {
    if (runs < 1 || warmups < 0) {
      throw new IllegalArgumentException(
          "sharding bench: runs must be >= 1 and warmups >= 0, found " + runs + "/" + warmups);
    }
    this.sizes = List.copyOf(sizes);
    this.resultSize = resultSize;
    this.warmups = warmups;
    this.runs = runs;
    this.seed = seed;
    this.out = out;
  }

  public static List<Algorithm> algorithms() {
    return List.of(
        new PromeShard(),
        new OriginalRing(),
        new HashMod(),
        new BoundedLoadPartitions(),
        new Rendezvous());
  }

  /** The heavy-tail series tables of the last {@link #run}, one list of rows per size. */
  private final List<List<HeavyTailBench.Row>> heavyTail = new ArrayList<>();

  /** The re-weighing tables of the last {@link #run}, one list of rows per size. */
  private final List<List<ReweighingBench.Row>> reweighing = new ArrayList<>();

  /**
   * Runs every size, prints one table per size (Pareto costs, then heavy-tailed samples; see {@link
   * HeavyTailBench}) and the RESULT line; returns the Pareto rows.
   */
  public List<Row> run() {
    List<Row> all = new ArrayList<>();
    heavyTail.clear();
    reweighing.clear();
    Row result = null;
    for (Size size : sizes) {
      String loadBefore = Machine.loadAverage();
      Workload w = Workload.pareto(size.targets(), seed);
      List<Row> rows = new ArrayList<>();
      for (Algorithm a : algorithms()) {
        Row r = measure(a, w, size);
        rows.add(r);
        if (a instanceof PromeShard && size.equals(resultSize)) {
          result = r;
        }
      }
      all.addAll(rows);
      print(size, w, rows, loadBefore);
      heavyTail.add(new HeavyTailBench(seed, out).run(size));
      reweighing.add(new ReweighingBench(seed, out).run(size));
    }
    if (result != null) {
      out.println(resultLine(result));
    }
    return all;
  }

  /** The re-weighing rows of the last {@link #run}, one list per size. */
  public List<List<ReweighingBench.Row>> reweighingRows() {
    return List.copyOf(reweighing);
  }

  /** The heavy-tail rows of the last {@link #run}, one list per size. */
  public List<List<HeavyTailBench.Row>> heavyTailRows() {
    return List.copyOf(heavyTail);
  }

  public static String resultLine(Row r) {
    return "RESULT assign_ms="
        + Stats.f(r.assignMs(), 1)
        + " max_avg="
        + Stats.f(r.base().countMaxAvg(), 4)
        + " cost_max_avg="
        + Stats.f(r.base().costMaxAvg(), 4)
        + " join_moved_ratio="
        + Stats.f(r.joinRatio(), 4)
        + " leave_moved_ratio="
        + Stats.f(r.leaveRatio(), 4);
  }

  private Row measure(Algorithm a, Workload w, Size size) {
    List<String> nodes = Workload.nodes(size.nodes());
    List<String> joined = new ArrayList<>(nodes);
    joined.add(Workload.nodeName(size.nodes()));
    List<String> left = new ArrayList<>(nodes);
    left.remove(size.nodes() / 2);

    for (int i = 0; i < warmups; i++) {
      a.place(w, nodes, null);
    }
    double[] assign = new double[runs];
    Placement base = null;
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      base = a.place(w, nodes, null);
      assign[r] = (System.nanoTime() - t0) / 1e6;
    }
    double[] join = new double[runs];
    Placement afterJoin = null;
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      afterJoin = a.place(w, joined, base);
      join[r] = (System.nanoTime() - t0) / 1e6;
    }
    Placement afterLeave = a.place(w, left, base);
    double joinRatio = Quality.moved(base, afterJoin) / (double) w.size() * joined.size();
    double leaveRatio = Quality.moved(base, afterLeave) / (double) w.size() * nodes.size();
    if (base.assignment() != null) {
      checkMoves(base, afterJoin);
      checkMoves(base, afterLeave);
    }
    return new Row(
        a.name(),
        size,
        Stats.median(assign),
        Stats.median(join),
        Quality.of(base, w),
        joinRatio,
        leaveRatio,
        Quality.of(afterJoin, w),
        Quality.of(afterLeave, w));
  }

  /** The bench's own move count must agree with the sharder's (guards the owner conversion). */
  private static void checkMoves(Placement before, Placement after) {
    int own = Quality.moved(before, after);
    int sharder = after.assignment().movedComparedTo(before.assignment());
    if (own != sharder) {
      throw new IllegalStateException(
          "moved items: bench counts " + own + ", Assignment.movedComparedTo " + sharder);
    }
  }

  private void print(Size size, Workload w, List<Row> rows, String loadBefore) {
    Table t =
        new Table(
            "Sharding "
                + size.label()
                + ": "
                + Stats.n(size.targets())
                + " targets over "
                + size.nodes()
                + " nodes (Pareto α="
                + Workload.PARETO_ALPHA
                + " costs, seed "
                + seed
                + "; load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "algorithm",
            "assign ms",
            "join ms",
            "count max/avg",
            "cost max/avg",
            "cost max/bound",
            "join moved/ideal",
            "leave moved/ideal");
    for (Row r : rows) {
      t.row(
          r.algorithm(),
          Stats.f(r.assignMs(), 1),
          Stats.f(r.joinMs(), 1),
          Stats.f(r.base().countMaxAvg(), 3),
          Stats.f(r.base().costMaxAvg(), 3),
          Stats.f(r.base().costMaxBound(), 3),
          Stats.f(r.joinRatio(), 3),
          Stats.f(r.leaveRatio(), 3));
    }
    out.println(t.render());
    out.println(
        "costliest target "
            + Stats.f(w.maxCost(), 0)
            + " = "
            + Stats.f(w.maxCost() / (w.totalCost() / size.nodes()), 2)
            + " × the average node's cost; cost max/bound divides by max(average, costliest target).");
    out.println();
    Table after =
        new Table(
            "Balance after the change "
                + size.label()
                + " (prome-shard with its previous assignment; "
                + "baselines recomputed)",
            "algorithm",
            "join: count max/avg",
            "join: cost max/avg",
            "join: cost max/bound",
            "leave: count max/avg",
            "leave: cost max/avg",
            "leave: cost max/bound");
    for (Row r : rows) {
      after.row(
          r.algorithm(),
          Stats.f(r.afterJoin().countMaxAvg(), 3),
          Stats.f(r.afterJoin().costMaxAvg(), 3),
          Stats.f(r.afterJoin().costMaxBound(), 3),
          Stats.f(r.afterLeave().countMaxAvg(), 3),
          Stats.f(r.afterLeave().costMaxAvg(), 3),
          Stats.f(r.afterLeave().costMaxBound(), 3));
    }
    out.println(after.render());
  }
}
