package io.promeshard.coordinator.shard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: prints the assign time (median of 5 after warm-up) and quality ratios of the sharder
 * for the given (items, nodes), default 100k items over 50 nodes with Pareto costs. Run with
 * {@code java -cp coordinator/target/classes:coordinator/target/test-classes
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
    double assignMs = nanos[2] / 1e6;

    List<ShardNode> joined = new ArrayList<>(nodes);
    joined.add(ShardNode.of(ShardFixtures.nodeName(nodeCount)));
    List<ShardNode> left = new ArrayList<>(nodes);
    left.remove(nodeCount / 2);
    long t0 = System.nanoTime();
    Assignment afterJoin = Sharder.assign(request.withNodes(joined).withPrevious(base));
    double stickyMs = (System.nanoTime() - t0) / 1e6;
    Assignment afterLeave = Sharder.assign(request.withNodes(left).withPrevious(base));
    double joinRatio = afterJoin.movedComparedTo(base) / (double) itemCount * (nodeCount + 1);
    double leaveRatio = afterLeave.movedComparedTo(base) / (double) itemCount * nodeCount;
    Assignment freshJoin = Sharder.assign(request.withNodes(joined));
    Assignment freshLeave = Sharder.assign(request.withNodes(left));
    double freshJoinRatio = freshJoin.movedComparedTo(base) / (double) itemCount * (nodeCount + 1);
    double freshLeaveRatio = freshLeave.movedComparedTo(base) / (double) itemCount * nodeCount;

    double total = items.stream().mapToDouble(ShardItem::cost).sum();
    System.out.printf(Locale.ROOT, "items=%d nodes=%d seed=%d max_item_cost=%.0f (%.2f of a node's average cost)%n",
        itemCount, nodeCount, seed, ShardFixtures.maxItemCost(items),
        ShardFixtures.maxItemCost(items) / (total / nodeCount));
    System.out.printf(Locale.ROOT, "join: count %.4f cost %.4f (sticky assign %.1f ms); leave: count %.4f cost %.4f%n",
        ShardFixtures.countMaxAvg(afterJoin, joined), ShardFixtures.costMaxAvg(afterJoin, joined), stickyMs,
        ShardFixtures.countMaxAvg(afterLeave, left), ShardFixtures.costMaxAvg(afterLeave, left));
    System.out.printf(Locale.ROOT, "without previous: join_moved_ratio=%.3f leave_moved_ratio=%.3f%n",
        freshJoinRatio, freshLeaveRatio);
    System.out.printf(Locale.ROOT, "RESULT assign_ms=%.1f max_avg=%.4f cost_max_avg=%.4f join_moved_ratio=%.4f leave_moved_ratio=%.4f%n",
        assignMs, ShardFixtures.countMaxAvg(base, nodes), ShardFixtures.costMaxAvg(base, nodes), joinRatio, leaveRatio);
  }
}
