package io.promeshard.coordinator.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: prints the sharder's assign time (median of 5 after warm-up) and quality ratios for
 * (items, nodes), default 100k Pareto-cost items over 50 nodes, seed 42. Run after
 * {@code mvn -o -q -pl coordinator test-compile} with {@code java -cp
 * coordinator/target/classes:coordinator/target/test-classes:$(junit-jupiter-api jar)
 * io.promeshard.coordinator.shard.ShardBench [items nodes seed]}.
 */
public final class ShardBench {
  private ShardBench() {}

  public static void main(String[] args) {
    int itemCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int nodeCount = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    List<ShardItem> items = ShardFixtures.paretoItems(itemCount, seed);
    List<ShardNode> nodes = ShardFixtures.nodes(nodeCount);
    ShardRequest request = ShardRequest.of(items, nodes);

    for (int w = 0; w < 5; w++) {
      Sharder.assign(request);
    }
    long[] nanos = new long[5];
    Assignment base = null;
    for (int r = 0; r < nanos.length; r++) {
      long t0 = System.nanoTime();
      base = Sharder.assign(request);
      nanos[r] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);

    List<ShardNode> joined = new ArrayList<>(nodes);
    joined.add(ShardNode.of(ShardFixtures.nodeName(nodeCount)));
    List<ShardNode> left = new ArrayList<>(nodes);
    left.remove(nodeCount / 2);
    ShardRequest join = request.withNodes(joined);
    ShardRequest leave = request.withNodes(left);
    Assignment afterJoin = Sharder.assign(join.withPrevious(base));
    Assignment afterLeave = Sharder.assign(leave.withPrevious(base));
    long[] sticky = new long[5];
    for (int r = 0; r < sticky.length; r++) {
      long t0 = System.nanoTime();
      Sharder.assign(join.withPrevious(base));
      sticky[r] = System.nanoTime() - t0;
    }
    Arrays.sort(sticky);

    double average = ShardFixtures.totalCost(items) / nodeCount;
    double largest = ShardFixtures.maxItemCost(items);
    print("items=%d nodes=%d seed=%d: largest item %.0f = %.2f x the average node cost, so cost max/avg >= %.2f",
        itemCount, nodeCount, seed, largest, largest / average, Math.max(1, largest / average));
    print("cost rule of package-info holds: base %s, after join %s, after leave %s",
        holds(base, items, nodes), holds(afterJoin, items, joined), holds(afterLeave, items, left));
    print("after join: count %.4f cost %.4f, sticky assign %.1f ms; after leave: count %.4f cost %.4f",
        ShardFixtures.countMaxAvg(afterJoin, joined), ShardFixtures.costMaxAvg(afterJoin, joined), sticky[2] / 1e6,
        ShardFixtures.countMaxAvg(afterLeave, left), ShardFixtures.costMaxAvg(afterLeave, left));
    print("without previous: join_moved_ratio=%.3f leave_moved_ratio=%.3f",
        ShardFixtures.movedRatio(Sharder.assign(join), base, itemCount, nodeCount + 1),
        ShardFixtures.movedRatio(Sharder.assign(leave), base, itemCount, nodeCount));
    print("RESULT assign_ms=%.1f max_avg=%.4f cost_max_avg=%.4f join_moved_ratio=%.4f leave_moved_ratio=%.4f",
        nanos[2] / 1e6, ShardFixtures.countMaxAvg(base, nodes), ShardFixtures.costMaxAvg(base, nodes),
        ShardFixtures.movedRatio(afterJoin, base, itemCount, nodeCount + 1),
        ShardFixtures.movedRatio(afterLeave, base, itemCount, nodeCount));
  }

  private static boolean holds(Assignment a, List<ShardItem> items, List<ShardNode> nodes) {
    try {
      ShardFixtures.assertCostWithinLimits(a, items, nodes, "bench");
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  private static void print(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
