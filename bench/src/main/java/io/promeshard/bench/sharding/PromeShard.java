package io.promeshard.bench.sharding;

import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.ShardNode;
import io.promeshard.coordinator.shard.ShardRequest;
import io.promeshard.coordinator.shard.Sharder;
import java.util.List;

/**
 * prome-shard's own {@link Sharder}: one replica, the default balance, nodes of capacity 1 in no
 * zone, and, like the coordinator, the previous assignment passed when there is one.
 */
public final class PromeShard implements Algorithm {
  @Override
  public String name() {
    return "prome-shard";
  }

  @Override
  public Placement place(Workload workload, List<String> nodes, Placement previous) {
    List<ShardNode> shardNodes = nodes.stream().map(ShardNode::of).toList();
    Assignment before = previous == null ? null : previous.assignment();
    Assignment a =
        Sharder.assign(
            new ShardRequest(
                workload.items(), shardNodes, 1, ShardRequest.DEFAULT_BALANCE, before));
    return Placement.of(nodes, a, workload);
  }
}
