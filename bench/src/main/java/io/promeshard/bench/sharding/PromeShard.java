package io.promeshard.bench.sharding;

import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.ShardNode;
import io.promeshard.coordinator.shard.ShardRequest;
import io.promeshard.coordinator.shard.Sharder;
import java.util.List;

/**
 * prome-shard's own {@link Sharder}: one replica, the default balance, nodes of capacity 1 in no
 * zone, and, like the coordinator, the previous assignment passed when there is one. {@link
 * #loadAware()} places as the coordinator does with {@code load_aware}: the costs are samples per
 * scrape, held to the tighter cost bound of {@link ShardRequest#loadAware}.
 */
public final class PromeShard implements Algorithm {
  private final boolean loadAware;

  public PromeShard() {
    this(false);
  }

  private PromeShard(boolean loadAware) {
    this.loadAware = loadAware;
  }

  /** Placing by observed samples (the workload's costs), as with {@code load_aware}. */
  public static PromeShard loadAware() {
    return new PromeShard(true);
  }

  @Override
  public String name() {
    return "prome-shard";
  }

  @Override
  public Placement place(Workload workload, List<String> nodes, Placement previous) {
    List<ShardNode> shardNodes = nodes.stream().map(ShardNode::of).toList();
    Assignment before = previous == null ? null : previous.assignment();
    ShardRequest request =
        new ShardRequest(workload.items(), shardNodes, 1, ShardRequest.DEFAULT_BALANCE, before);
    Assignment a = Sharder.assign(loadAware ? request.loadAware() : request);
    return Placement.of(nodes, a, workload);
  }
}
