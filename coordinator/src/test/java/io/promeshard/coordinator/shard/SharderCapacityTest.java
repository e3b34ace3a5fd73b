package io.promeshard.coordinator.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SharderCapacityTest {
  private static final int ITEMS = 3000;

  /** Samples per target between 100 and 2000 (average about 1050), seeded. */
  private static List<ShardItem> samples() {
    SplittableRandom random = new SplittableRandom(5);
    List<ShardItem> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new ShardItem(ShardFixtures.key(i), 100 + random.nextInt(1900)));
    }
    return items;
  }

  private static double total(List<ShardItem> items) {
    return items.stream().mapToDouble(ShardItem::cost).sum();
  }

  /** Six nodes, the first declaring {@code max} as its most cost. */
  private static List<ShardNode> nodesWithFirstCapped(double max) {
    List<ShardNode> nodes = new ArrayList<>();
    nodes.add(new ShardNode(ShardFixtures.nodeName(0), 1, "", max));
    for (int n = 1; n < 6; n++) {
      nodes.add(ShardNode.of(ShardFixtures.nodeName(n)));
    }
    return nodes;
  }

  private static ShardRequest request(List<ShardItem> items, List<ShardNode> nodes, Assignment p) {
    return new ShardRequest(items, nodes, 1, ShardRequest.DEFAULT_BALANCE, p).loadAware();
  }

  @Test
  void aServerIsNeverPlannedAboveItsDeclaredMaximumAndTheOthersShareTheRest() {
    List<ShardItem> items = samples();
    double max = total(items) / 6 / 2; // half its share
    List<ShardNode> nodes = nodesWithFirstCapped(max);
    Assignment a = Sharder.assign(request(items, nodes, null));
    Map<String, Double> cost = a.costByNode();
    assertTrue(cost.get(nodes.get(0).name()) <= max, "capped node holds " + cost);
    assertTrue(a.unplaced().isEmpty());
    assertEquals(ITEMS, a.size());
    double othersAvg = (total(items) - cost.get(nodes.get(0).name())) / 5;
    for (ShardNode n : nodes.subList(1, 6)) {
      assertTrue(cost.get(n.name()) <= othersAvg * 1.05 + 1e-6, n.name() + ": " + cost);
    }
  }

  @Test
  void whatNoServerCanTakeIsReportedNotForcedOnAServer() {
    List<ShardItem> items = samples();
    double max = total(items) / 6 * 0.9; // every server at 90 % of its share: 10 % cannot fit
    List<ShardNode> nodes = new ArrayList<>();
    for (int n = 0; n < 6; n++) {
      nodes.add(new ShardNode(ShardFixtures.nodeName(n), 1, "", max));
    }
    Assignment a = Sharder.assign(request(items, nodes, null));
    assertFalse(a.unplaced().isEmpty());
    a.costByNode().forEach((node, c) -> assertTrue(c <= max, node + " holds " + c));
    Set<String> seen = new HashSet<>(a.keys());
    for (String key : a.unplaced()) {
      assertTrue(seen.add(key), key + " both placed and unplaced");
    }
    assertEquals(ITEMS, seen.size());
    // the same again with the result as previous: a fixed point
    Assignment again = Sharder.assign(request(items, nodes, a));
    assertEquals(0, again.movedComparedTo(a));
    assertEquals(a.unplaced(), again.unplaced());
  }

  @Test
  void aServerThatLowersItsMaximumShedsDownToIt() {
    List<ShardItem> items = samples();
    List<ShardNode> plain = nodesWithFirstCapped(Double.POSITIVE_INFINITY);
    Assignment before = Sharder.assign(request(items, plain, null));
    double max = before.costByNode().get(plain.get(0).name()) * 0.6;
    Assignment after = Sharder.assign(request(items, nodesWithFirstCapped(max), before));
    assertTrue(after.costByNode().get(plain.get(0).name()) <= max);
    assertTrue(after.unplaced().isEmpty());
    // only what the capped server shed moved, and not much more than 40 % of what it held
    int held = before.countByNode().get(plain.get(0).name());
    assertTrue(
        after.movedComparedTo(before) <= held * 0.6, "moved " + after.movedComparedTo(before));
  }

  @Test
  void aFullFleetWhoseServerLowersItsMaximumReportsWhatItShedsAsUnplaced() {
    List<ShardItem> items = samples();
    double share = total(items) / 6;
    List<ShardNode> nodes = new ArrayList<>();
    for (int n = 0; n < 6; n++) {
      nodes.add(new ShardNode(ShardFixtures.nodeName(n), 1, "", share * 1.06));
    }
    Assignment before = Sharder.assign(request(items, nodes, null));
    assertTrue(before.unplaced().isEmpty());
    double lowered = share * 0.5;
    nodes.set(0, new ShardNode(ShardFixtures.nodeName(0), 1, "", lowered));
    Assignment after = Sharder.assign(request(items, nodes, before));
    assertTrue(
        after.costByNode().get(nodes.get(0).name()) <= lowered, after.costByNode().toString());
    assertFalse(after.unplaced().isEmpty(), "no other server has room for what it shed");
    after.costByNode().forEach((n, c) -> assertTrue(c <= share * 1.06 + 1e-6, n + ": " + c));
  }

  @Test
  void anUncappedRequestIsUnchangedByTheCapacityField() {
    List<ShardItem> items = samples();
    Assignment a = Sharder.assign(request(items, ShardFixtures.nodes(6), null));
    Assignment b =
        Sharder.assign(request(items, nodesWithFirstCapped(Double.POSITIVE_INFINITY), null));
    assertEquals(a, b);
  }
}
