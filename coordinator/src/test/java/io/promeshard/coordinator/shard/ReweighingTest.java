package io.promeshard.coordinator.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReweighingTest {
  private static final int ITEMS = 4000;
  private static final List<ShardNode> NODES = ShardFixtures.nodes(8);

  /** Samples per target between 100 and 2000, seeded. */
  private static List<ShardItem> samples() {
    SplittableRandom random = new SplittableRandom(11);
    List<ShardItem> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new ShardItem(ShardFixtures.key(i), 100 + random.nextInt(1900)));
    }
    return items;
  }

  private static ShardRequest request(List<ShardItem> items, List<ShardNode> nodes, Assignment p) {
    return new ShardRequest(items, nodes, 1, ShardRequest.DEFAULT_BALANCE, p).loadAware();
  }

  /**
   * Every other item of the first node's costs twice as much: that node is far over its bound, and
   * shedding the excess moves far more items than a small budget.
   */
  private static double[] firstNodeGrows(List<ShardItem> items, Assignment placed) {
    double[] proposed = new double[items.size()];
    Arrays.fill(proposed, Double.NaN);
    for (int i = 0; i < items.size(); i += 2) {
      if (placed.owners(items.get(i).key()).contains(NODES.get(0).name())) {
        proposed[i] = items.get(i).cost() * 2;
      }
    }
    return proposed;
  }

  private static int count(double[] proposed) {
    return (int) Arrays.stream(proposed).filter(p -> !Double.isNaN(p)).count();
  }

  @Test
  void allChangesAreAdoptedWhenTheirMovesFitTheBudget() {
    List<ShardItem> items = samples();
    Assignment before = Sharder.assign(request(items, NODES, null));
    double[] proposed = firstNodeGrows(items, before);
    Reweighing.Result r = Reweighing.assign(request(items, NODES, before), proposed, ITEMS);
    assertEquals(0, r.deferred());
    assertTrue(r.moves() > 20, "doubling half a node's load moves many items: " + r.moves());
    assertEquals(r.moves(), r.assignment().movedComparedTo(before));
    for (int i = 0; i < ITEMS; i++) {
      assertEquals(!Double.isNaN(proposed[i]), r.adopted(i));
      double want = r.adopted(i) ? proposed[i] : items.get(i).cost();
      assertEquals(want, r.items().get(i).cost());
    }
  }

  @Test
  void changesBeyondTheBudgetAreDeferredLargestChangeFirst() {
    List<ShardItem> items = samples();
    Assignment before = Sharder.assign(request(items, NODES, null));
    double[] proposed = firstNodeGrows(items, before);
    proposed[5] = items.get(5).cost() * 10; // the largest change: adopted first
    int budget = 20;
    Reweighing.Result r = Reweighing.assign(request(items, NODES, before), proposed, budget);
    assertTrue(r.moves() <= budget, "moves " + r.moves());
    assertEquals(r.moves(), r.assignment().movedComparedTo(before));
    assertTrue(r.deferred() > 0, "deferred " + r.deferred());
    assertTrue(r.adopted(5));
    long adopted = java.util.stream.IntStream.range(0, ITEMS).filter(r::adopted).count();
    assertEquals(count(proposed), adopted + r.deferred());
  }

  @Test
  void noBudgetDefersEveryChange() {
    List<ShardItem> items = samples();
    Assignment before = Sharder.assign(request(items, NODES, null));
    double[] proposed = firstNodeGrows(items, before);
    Reweighing.Result r = Reweighing.assign(request(items, NODES, before), proposed, 0);
    assertEquals(0, r.moves());
    assertEquals(0, r.assignment().movedComparedTo(before));
    assertEquals(count(proposed), r.deferred());
    assertEquals(items, r.items());
  }

  @Test
  void aSmallBudgetAdoptsChangesThatMoveNothingBesideTheOnesThatFit() {
    List<ShardItem> items = samples();
    Assignment before = Sharder.assign(request(items, NODES, null));
    double[] proposed = new double[items.size()];
    Arrays.fill(proposed, Double.NaN);
    for (int i = 0; i < items.size(); i += 50) {
      proposed[i] = items.get(i).cost() * 1.6; // spread thin: fits under every bound
    }
    Reweighing.Result r = Reweighing.assign(request(items, NODES, before), proposed, 1);
    assertEquals(0, r.deferred());
    assertEquals(0, r.moves());
  }

  @Test
  void movesOffANodeThatLeftAreNeverHeldBack() {
    List<ShardItem> items = samples();
    Assignment before = Sharder.assign(request(items, NODES, null));
    List<ShardNode> fewer = NODES.subList(1, NODES.size());
    Reweighing.Result r =
        Reweighing.assign(request(items, fewer, before), firstNodeGrows(items, before), 0);
    assertEquals(0, r.moves());
    assertFalse(r.assignment().nodes().contains(NODES.get(0).name()));
    assertEquals(ITEMS, r.assignment().size());
    int leaverHeld = before.countByNode().get(NODES.get(0).name());
    assertEquals(leaverHeld, r.assignment().movedComparedTo(before));
  }

  @Test
  void aFirstAssignmentAdoptsEverything() {
    List<ShardItem> items = samples();
    Assignment before = Sharder.assign(request(items, NODES, null));
    double[] proposed = firstNodeGrows(items, before);
    Reweighing.Result r = Reweighing.assign(request(items, NODES, null), proposed, 0);
    assertEquals(0, r.deferred());
    for (int i = 0; i < ITEMS; i++) {
      assertEquals(!Double.isNaN(proposed[i]), r.adopted(i));
    }
  }

  @Test
  void badProposalsAreRejected() {
    List<ShardItem> items = samples();
    ShardRequest req = request(items, NODES, null);
    Assignment before = Sharder.assign(req);
    assertThrows(IllegalArgumentException.class, () -> Reweighing.assign(req, new double[3], 1));
    double[] negative = firstNodeGrows(items, before);
    negative[0] = -1;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Reweighing.assign(req, negative, 1));
    assertTrue(e.getMessage().contains(items.get(0).key()), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Reweighing.assign(req, firstNodeGrows(items, before), -1));
  }
}
