package io.promeshard.coordinator.shard;

import static io.promeshard.coordinator.shard.ShardFixtures.assertCostWithinLimits;
import static io.promeshard.coordinator.shard.ShardFixtures.costMaxAvg;
import static io.promeshard.coordinator.shard.ShardFixtures.countMaxAvg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharderBalanceTest {
  private static final double COUNT_MAX_AVG = 1.05;
  private static final double COST_MAX_AVG = 1.10;

  @Test
  void unitCostTargetsAreSpreadWithinFivePercentOfTheAverage() {
    List<ShardNode> nodes = ShardFixtures.nodes(20);
    Assignment a = Sharder.assign(ShardRequest.of(ShardFixtures.unitItems(20_000), nodes));

    assertTrue(countMaxAvg(a, nodes) <= COUNT_MAX_AVG, "count max/avg " + countMaxAvg(a, nodes));
    for (int count : a.countByNode().values()) {
      assertTrue(count >= 900, "every node gets a fair part, found " + count);
    }
    assertEquals(20_000, a.countByNode().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void paretoCostsStayWithinTenPercentWhenNoSingleItemOutweighsAShare() {
    List<ShardNode> nodes = ShardFixtures.nodes(20);
    for (long seed : new long[] {1, 3, 5, 7, 9, 12}) {
      List<ShardItem> items = ShardFixtures.paretoItems(20_000, seed);
      double share = ShardFixtures.totalCost(items) / nodes.size();
      assertTrue(
          ShardFixtures.maxItemCost(items) < share,
          "fixture: seed " + seed + " has no item above a share");

      Assignment a = Sharder.assign(ShardRequest.of(items, nodes));

      assertTrue(
          countMaxAvg(a, nodes) <= COUNT_MAX_AVG,
          "seed " + seed + " count max/avg " + countMaxAvg(a, nodes));
      assertTrue(
          costMaxAvg(a, nodes) <= COST_MAX_AVG + 1e-9,
          "seed " + seed + " cost max/avg " + costMaxAvg(a, nodes));
    }
  }

  @Test
  void paretoCostsRespectTheCostLimitEvenWithItemsLargerThanAShare() {
    List<ShardNode> nodes = ShardFixtures.nodes(20);
    for (long seed = 1; seed <= 12; seed++) {
      List<ShardItem> items = ShardFixtures.paretoItems(20_000, seed);
      Assignment a = Sharder.assign(ShardRequest.of(items, nodes));

      assertTrue(
          countMaxAvg(a, nodes) <= COUNT_MAX_AVG,
          "seed " + seed + " count max/avg " + countMaxAvg(a, nodes));
      assertCostWithinLimits(a, items, nodes, "seed " + seed);
    }
  }

  @Test
  void itemCostlierThanAShareKeepsItsNodeNearItsOwnCost() {
    List<ShardItem> items = new ArrayList<>(ShardFixtures.unitItems(10_000));
    items.add(new ShardItem("heavy/10.9.9.9:9100", 5_000)); // a share is 15_000 / 10 = 1_500
    List<ShardNode> nodes = ShardFixtures.nodes(10);

    Assignment a = Sharder.assign(ShardRequest.of(items, nodes));

    String heavyNode = a.owners("heavy/10.9.9.9:9100").get(0);
    double heavyNodeCost = a.costByNode().get(heavyNode);
    // Limit: the item plus the larger of 10% of a share (150) and its count share of cheap items
    // (1_000 * 1).
    assertTrue(heavyNodeCost <= 5_000 + 1_000.1, "node with the heavy item holds " + heavyNodeCost);
    for (Map.Entry<String, Double> e : a.costByNode().entrySet()) {
      if (!e.getKey().equals(heavyNode)) {
        assertTrue(e.getValue() <= 1.10 * 1_500.1, e.getKey() + " holds " + e.getValue());
      }
    }
    assertTrue(countMaxAvg(a, nodes) <= COUNT_MAX_AVG, "count max/avg " + countMaxAvg(a, nodes));
  }

  @Test
  void capacityWeightsGetProportionalShares() {
    List<ShardNode> nodes =
        List.of(
            new ShardNode("small-1", 1, ""),
            new ShardNode("small-2", 1, ""),
            new ShardNode("medium-1", 2, ""),
            new ShardNode("medium-2", 2, ""),
            new ShardNode("large", 4, ""));
    Assignment a = Sharder.assign(ShardRequest.of(ShardFixtures.unitItems(20_000), nodes));

    for (ShardNode node : nodes) {
      double share = 20_000 * node.capacity() / 10;
      double count = a.countByNode().get(node.name());
      assertTrue(
          count >= 0.9 * share && count <= COUNT_MAX_AVG * share,
          node.name() + " (capacity " + node.capacity() + ") holds " + count + ", share " + share);
    }
  }

  @Test
  void weightedNodesStayWithinBothBoundsWithParetoCosts() {
    List<ShardNode> nodes = new ArrayList<>();
    for (int n = 0; n < 12; n++) {
      nodes.add(new ShardNode(ShardFixtures.nodeName(n), n % 3 == 0 ? 2 : 1, ""));
    }
    List<ShardItem> items = ShardFixtures.paretoItems(20_000, 3);

    Assignment a = Sharder.assign(ShardRequest.of(items, nodes));

    assertTrue(countMaxAvg(a, nodes) <= COUNT_MAX_AVG, "count max/avg " + countMaxAvg(a, nodes));
    assertCostWithinLimits(a, items, nodes, "weighted");
  }
}
