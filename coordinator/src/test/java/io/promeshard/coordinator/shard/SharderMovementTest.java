package io.promeshard.coordinator.shard;

import static io.promeshard.coordinator.shard.ShardFixtures.assertCostWithinLimits;
import static io.promeshard.coordinator.shard.ShardFixtures.countMaxAvg;
import static io.promeshard.coordinator.shard.ShardFixtures.movedRatio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SharderMovementTest {
  private static final double MOVED_OVER_IDEAL = 1.15;

  /** Seeds of the Pareto-cost fixtures; every Pareto scenario runs all of them. */
  private static final long[] SEEDS = {1, 2, 3};

  @Test
  void leavingNodeMovesOnlyItsOwnItems() {
    for (List<ShardItem> items :
        List.of(ShardFixtures.unitItems(20_000), ShardFixtures.paretoItems(20_000, 5))) {
      List<ShardNode> nodes = ShardFixtures.nodes(20);
      ShardRequest request = ShardRequest.of(items, nodes);
      Assignment before = Sharder.assign(request);
      List<ShardNode> rest = new ArrayList<>(nodes);
      String leaver = rest.remove(7).name();

      Assignment after = Sharder.assign(request.withNodes(rest).withPrevious(before));

      List<String> leaversItems = before.keysByNode().get(leaver);
      assertEquals(leaversItems.size(), after.movedComparedTo(before));
      for (String key : before.keys()) {
        if (!before.owners(key).equals(after.owners(key))) {
          assertEquals(
              List.of(leaver), before.owners(key), key + " moved but was not on the leaver");
        }
      }
      assertTrue(movedRatio(after, before, items.size(), nodes.size()) <= MOVED_OVER_IDEAL);
      assertTrue(countMaxAvg(after, rest) <= 1.05, "count max/avg " + countMaxAvg(after, rest));
    }
  }

  @Test
  void joiningNodeTakesAboutItsShareAndNothingElseMoves() {
    List<ShardItem> items = ShardFixtures.unitItems(20_000);
    List<ShardNode> nodes = ShardFixtures.nodes(20);
    ShardRequest request = ShardRequest.of(items, nodes);
    Assignment before = Sharder.assign(request);
    List<ShardNode> more = new ArrayList<>(nodes);
    more.add(ShardNode.of("newcomer:9090"));

    Assignment after = Sharder.assign(request.withNodes(more).withPrevious(before));

    double ratio = movedRatio(after, before, items.size(), more.size());
    assertTrue(ratio <= MOVED_OVER_IDEAL, "moved / ideal = " + ratio);
    assertTrue(ratio >= 0.85, "the newcomer gets about its share, moved / ideal = " + ratio);
    for (String key : before.keys()) {
      if (!before.owners(key).equals(after.owners(key))) {
        assertEquals(
            List.of("newcomer:9090"), after.owners(key), key + " moved but not to the newcomer");
      }
    }
    assertTrue(countMaxAvg(after, more) <= 1.05, "count max/avg " + countMaxAvg(after, more));
  }

  @Test
  void joiningNodeMovesLittleMoreThanItsShareWithParetoCosts() {
    for (long seed : SEEDS) {
      List<ShardItem> items = ShardFixtures.paretoItems(20_000, seed);
      List<ShardNode> nodes = ShardFixtures.nodes(20);
      ShardRequest request = ShardRequest.of(items, nodes);
      Assignment before = Sharder.assign(request);
      List<ShardNode> more = new ArrayList<>(nodes);
      more.add(ShardNode.of("newcomer:9090"));

      Assignment after = Sharder.assign(request.withNodes(more).withPrevious(before));

      double ratio = movedRatio(after, before, items.size(), more.size());
      assertTrue(ratio <= MOVED_OVER_IDEAL, "seed " + seed + ": moved / ideal = " + ratio);
      assertTrue(
          countMaxAvg(after, more) <= 1.05,
          "seed " + seed + " count max/avg " + countMaxAvg(after, more));
      assertCostWithinLimits(after, items, more, "seed " + seed);
    }
  }

  @Test
  void nodeThatReturnsGetsBackAboutItsShare() {
    List<ShardItem> items = ShardFixtures.unitItems(5_000);
    List<ShardNode> nodes = ShardFixtures.nodes(10);
    ShardRequest request = ShardRequest.of(items, nodes);
    Assignment start = Sharder.assign(request);
    List<ShardNode> without = new ArrayList<>(nodes);
    ShardNode flapping = without.remove(3);
    Assignment away = Sharder.assign(request.withNodes(without).withPrevious(start));

    Assignment back = Sharder.assign(request.withPrevious(away));

    double ratio = movedRatio(back, away, items.size(), nodes.size());
    assertTrue(ratio <= MOVED_OVER_IDEAL && ratio >= 0.85, "moved / ideal = " + ratio);
    for (String key : away.keys()) {
      if (!away.owners(key).equals(back.owners(key))) {
        assertEquals(
            List.of(flapping.name()),
            back.owners(key),
            key + " moved but not to the returning node");
      }
    }
  }

  @Test
  void randomJoinsAndLeavesKeepBalanceAndMoveLittleWithParetoCosts() {
    for (long seed : SEEDS) {
      walk(ShardFixtures.paretoItems(40_000, seed), 40, seed, 12);
    }
  }

  @Test
  void randomJoinsAndLeavesKeepBalanceAndMoveLittleWithUnitCosts() {
    walk(ShardFixtures.unitItems(10_000), 10, 7, 20);
  }

  /**
   * Applies random joins and leaves, each assignment starting from the previous one, and checks
   * after every step: count and cost bounds, moved fraction against the ideal 1/N (N after a join,
   * before a leave), and that assigning again with the result as previous changes nothing.
   */
  private static void walk(List<ShardItem> items, int startNodes, long seed, int steps) {
    List<ShardNode> nodes = new ArrayList<>(ShardFixtures.nodes(startNodes));
    Assignment current = Sharder.assign(ShardRequest.of(items, nodes));
    Random random = new Random(seed);
    int nextName = startNodes;
    for (int step = 0; step < steps; step++) {
      boolean join = nodes.size() <= startNodes / 2 || random.nextBoolean();
      int idealDivisor = join ? nodes.size() + 1 : nodes.size();
      if (join) {
        nodes.add(ShardNode.of(ShardFixtures.nodeName(nextName++)));
      } else {
        nodes.remove(random.nextInt(nodes.size()));
      }
      ShardRequest request = ShardRequest.of(items, nodes);
      Assignment next = Sharder.assign(request.withPrevious(current));

      String context =
          "seed " + seed + " step " + step + (join ? " join" : " leave") + " to " + nodes.size();
      double ratio = movedRatio(next, current, items.size(), idealDivisor);
      assertTrue(ratio <= MOVED_OVER_IDEAL, context + ": moved / ideal = " + ratio);
      assertTrue(
          countMaxAvg(next, nodes) <= 1.05,
          context + ": count max/avg " + countMaxAvg(next, nodes));
      assertCostWithinLimits(next, items, nodes, context);
      assertEquals(
          0,
          Sharder.assign(request.withPrevious(next)).movedComparedTo(next),
          context + ": not a fixed point");
      current = next;
    }
  }
}
