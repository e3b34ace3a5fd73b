package io.promeshard.coordinator.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Sharder#assign} takes two shortcuts: a request over the very item list of its previous
 * assignment reuses that assignment's sorted keys, hashes and costs, and a joining node's claims
 * are looked for only in the items whose previous owners do not already rank before it. Both must
 * give exactly what {@link Sharder#assignExhaustively} computes the long way, over random sequences
 * of joins, leaves, weight and zone changes, item changes, replica and balance changes and
 * takeovers.
 */
class SharderShortcutsTest {
  private static final double[] CAPACITIES = {0.5, 1, 1, 1, 2, 3};
  private static final double[] BALANCES = {0.02, 0.05, 0.05, 0.2};

  @Test
  void shortcutsGiveExactlyTheExhaustiveAssignment() {
    for (long seed = 1; seed <= 16; seed++) {
      new Scenario(seed).run(10);
    }
  }

  @Test
  void aRequestOverTheSameItemListReusesThePreviousArrays() {
    List<ShardItem> items = List.copyOf(ShardFixtures.paretoItems(2_000, 3));
    List<ShardNode> nodes = ShardFixtures.nodes(10);
    Assignment previous = Sharder.assign(new ShardRequest(items, nodes, 1, 0.05, null));
    ShardRequest same = new ShardRequest(items, nodes.subList(0, 9), 1, 0.05, previous);
    ShardRequest equal =
        new ShardRequest(new ArrayList<>(items), nodes.subList(0, 9), 1, 0.05, previous);

    assertSame(previous.keyArray(), Inputs.of(same).keys);
    assertSame(previous.costArray(), Inputs.of(same).cost);
    assertNotSame(previous.keyArray(), Inputs.of(equal).keys);
    assertNotSame(previous.keyArray(), Inputs.fresh(same).keys);
    assertEquals(Sharder.assign(same), Sharder.assign(equal));
  }

  @Test
  void ownersByPositionInTheItemListAreTheOwnersByKey() {
    List<ShardItem> items = List.copyOf(ShardFixtures.unitItems(3_000));
    List<ShardNode> nodes = ShardFixtures.nodes(12);
    Assignment first = Sharder.assign(new ShardRequest(items, nodes.subList(0, 11), 2, 0.05, null));
    // the second reuses the first's arrays, positions included
    Assignment a = Sharder.assign(new ShardRequest(items, nodes, 2, 0.05, first));
    Map<String, List<String>> byPosition = new HashMap<>();

    boolean visited =
        a.forEachOwnerOf(
            items,
            (i, node) ->
                byPosition.computeIfAbsent(items.get(i).key(), k -> new ArrayList<>()).add(node));

    assertTrue(visited);
    assertEquals(items.size(), byPosition.size());
    for (ShardItem item : items) {
      assertEquals(a.owners(item.key()), byPosition.get(item.key()), item.key());
    }
    assertFalse(a.forEachOwnerOf(new ArrayList<>(items), (i, node) -> byPosition.clear()));
    assertEquals(items.size(), byPosition.size());
  }

  /** One random fleet, changed step by step; each step's result is the next step's previous. */
  private static final class Scenario {
    private final SplittableRandom random;
    private final long seed;
    private final List<ShardNode> nodes = new ArrayList<>();
    private List<ShardItem> items;
    private int nextNode;
    private int nextItem;
    private int replicas;
    private double balance;

    Scenario(long seed) {
      this.seed = seed;
      this.random = new SplittableRandom(seed);
      int count = 1_000 + random.nextInt(3_000);
      items = List.copyOf(seed % 2 == 0 ? ShardFixtures.unitItems(count) : pareto(count));
      nextItem = count;
      for (int n = 4 + random.nextInt(16); n > 0; n--) {
        nodes.add(newNode());
      }
      replicas = 1 + random.nextInt(3);
      balance = BALANCES[random.nextInt(BALANCES.length)];
    }

    void run(int steps) {
      Assignment previous = check("initial", null);
      for (int step = 1; step <= steps; step++) {
        String change = change();
        if (change.equals("takeover")) {
          previous = PublishedAssignment.fromOwners(ownersByKey(previous));
        }
        previous = check("step " + step + " (" + change + ")", previous);
      }
    }

    private Assignment check(String context, Assignment previous) {
      ShardRequest request = new ShardRequest(items, nodes, replicas, balance, previous);
      Assignment expected = Sharder.assignExhaustively(request);
      Assignment actual = Sharder.assign(request);
      assertEquals(
          expected,
          actual,
          "seed "
              + seed
              + ", "
              + context
              + ": "
              + items.size()
              + " items over "
              + nodes.size()
              + " nodes, replicas "
              + replicas
              + ", balance "
              + balance);
      return actual;
    }

    /** Applies one random change and names it. */
    private String change() {
      int kind = random.nextInt(10);
      switch (kind) {
        case 0, 1, 2 -> {
          int joining = 1 + random.nextInt(kind == 0 ? 3 : 1);
          for (int k = 0; k < joining; k++) {
            nodes.add(newNode());
          }
          return joining + " joining";
        }
        case 3, 4 -> {
          if (nodes.size() > 2) {
            nodes.remove(random.nextInt(nodes.size()));
          }
          return "one leaving";
        }
        case 5 -> {
          if (nodes.size() > 2) {
            nodes.remove(random.nextInt(nodes.size()));
          }
          nodes.add(newNode());
          return "one leaving, one joining";
        }
        case 6 -> {
          int n = random.nextInt(nodes.size());
          ShardNode old = nodes.get(n);
          nodes.set(n, new ShardNode(old.name(), capacity(), zone()));
          nodes.add(newNode());
          return "a weight or zone change and one joining";
        }
        case 7 -> {
          List<ShardItem> next = new ArrayList<>(items.size());
          for (ShardItem item : items) {
            if (random.nextInt(20) != 0) {
              next.add(item);
            }
          }
          for (int k = random.nextInt(items.size() / 10 + 1); k > 0; k--) {
            next.add(new ShardItem(ShardFixtures.key(nextItem++), 1 + random.nextInt(4)));
          }
          items = List.copyOf(next);
          nodes.add(newNode());
          return "items changed and one joining";
        }
        case 8 -> {
          replicas = 1 + random.nextInt(3);
          balance = BALANCES[random.nextInt(BALANCES.length)];
          nodes.add(newNode());
          return "replicas " + replicas + ", balance " + balance + " and one joining";
        }
        default -> {
          nodes.add(newNode());
          return "takeover";
        }
      }
    }

    private ShardNode newNode() {
      return new ShardNode(ShardFixtures.nodeName(nextNode++), capacity(), zone());
    }

    private double capacity() {
      return CAPACITIES[random.nextInt(CAPACITIES.length)];
    }

    /** One of three zones, or unknown (a zone of its own) one time in four. */
    private String zone() {
      int z = random.nextInt(4);
      return z == 3 ? "" : "zone-" + z;
    }

    private List<ShardItem> pareto(int count) {
      return ShardFixtures.paretoItems(count, seed);
    }

    private static Map<String, List<String>> ownersByKey(Assignment a) {
      Map<String, List<String>> out = new HashMap<>();
      for (String key : a.keys()) {
        out.put(key, a.owners(key));
      }
      return out;
    }
  }
}
