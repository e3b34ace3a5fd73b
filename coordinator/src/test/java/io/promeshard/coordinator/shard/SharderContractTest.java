package io.promeshard.coordinator.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharderContractTest {

  @Test
  void sameInputsInAnyOrderGiveTheSameAssignment() {
    List<ShardItem> items = ShardFixtures.paretoItems(5_000, 11);
    List<ShardNode> nodes = zonedNodes(9, 3);
    Assignment previous =
        Sharder.assign(new ShardRequest(items, nodes.subList(0, 8), 2, 0.05, null));
    ShardRequest request = new ShardRequest(items, nodes, 2, 0.05, previous);
    Assignment expected = Sharder.assign(request);

    Random random = new Random(1);
    for (int round = 0; round < 3; round++) {
      List<ShardItem> shuffledItems = new ArrayList<>(items);
      List<ShardNode> shuffledNodes = new ArrayList<>(nodes);
      Collections.shuffle(shuffledItems, random);
      Collections.shuffle(shuffledNodes, random);
      Assignment actual =
          Sharder.assign(new ShardRequest(shuffledItems, shuffledNodes, 2, 0.05, previous));
      assertEquals(expected, actual);
      assertEquals(expected.keysByNode(), actual.keysByNode());
    }
  }

  @Test
  void placementOfAKeyIsStableAcrossReleases() {
    // Changing the hashing would move every target on upgrade; this pins it.
    List<ShardItem> items = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      items.add(ShardItem.of("node/10.0.0." + i + ":9100"));
    }
    List<ShardNode> nodes = List.of(ShardNode.of("a"), ShardNode.of("b"), ShardNode.of("c"));

    Assignment a = Sharder.assign(new ShardRequest(items, nodes, 1, 1.0, null));

    assertEquals(
        Set.of("node/10.0.0.1:9100", "node/10.0.0.4:9100", "node/10.0.0.6:9100"),
        new HashSet<>(a.keysByNode().get("a")));
    assertEquals(
        Set.of("node/10.0.0.2:9100", "node/10.0.0.5:9100"), new HashSet<>(a.keysByNode().get("b")));
    assertEquals(List.of("node/10.0.0.3:9100"), a.keysByNode().get("c"));
  }

  @Test
  void zeroNodesGiveAnEmptyAssignment() {
    Assignment a = Sharder.assign(ShardRequest.of(ShardFixtures.unitItems(10), List.of()));

    assertTrue(a.isEmpty());
    assertEquals(List.of(), a.nodes());
    assertEquals(List.of(), a.owners(ShardFixtures.key(0)));
  }

  @Test
  void duplicateKeyIsRejectedNamingIt() {
    List<ShardItem> items =
        List.of(ShardItem.of("a/1:1"), ShardItem.of("b/2:2"), new ShardItem("a/1:1", 3));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Sharder.assign(ShardRequest.of(items, ShardFixtures.nodes(2))));

    assertTrue(e.getMessage().contains("duplicate key a/1:1"), e.getMessage());
  }

  @Test
  void duplicateNodeIsRejectedNamingIt() {
    List<ShardNode> nodes =
        List.of(ShardNode.of("x"), ShardNode.of("y"), new ShardNode("x", 2, "z1"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Sharder.assign(ShardRequest.of(ShardFixtures.unitItems(3), nodes)));

    assertTrue(e.getMessage().contains("duplicate node x"), e.getMessage());
  }

  @Test
  void invalidRequestValuesAreRejectedNamingFieldAndValue() {
    List<ShardItem> items = ShardFixtures.unitItems(3);
    List<ShardNode> nodes = ShardFixtures.nodes(2);
    assertMessage(
        "replicas must be >= 1, found 0", () -> new ShardRequest(items, nodes, 0, 0.05, null));
    assertMessage(
        "balance must be in (0, 1], found 0.0", () -> new ShardRequest(items, nodes, 1, 0, null));
    assertMessage(
        "shard item a/1:1: cost must be a finite number > 0, found -1.0",
        () -> new ShardItem("a/1:1", -1));
    assertMessage(
        "shard item a/1:1: cost must be a finite number > 0, found NaN",
        () -> new ShardItem("a/1:1", Double.NaN));
    assertMessage(
        "shard node n1: capacity must be a finite number > 0, found 0.0",
        () -> new ShardNode("n1", 0, ""));
    assertMessage("shard node n1: zone must not be null", () -> new ShardNode("n1", 1, null));
    assertMessage(
        "items must not contain null",
        () -> ShardRequest.of(java.util.Arrays.asList(ShardItem.of("a"), null), nodes));
  }

  @Test
  void replicasSitOnDistinctNodesInDistinctZones() {
    List<ShardNode> nodes = zonedNodes(9, 3);
    Assignment a =
        Sharder.assign(new ShardRequest(ShardFixtures.paretoItems(6_000, 4), nodes, 2, 0.05, null));

    Map<String, String> zoneOf = zoneOf(nodes);
    for (String key : a.keys()) {
      List<String> owners = a.owners(key);
      assertEquals(2, owners.size());
      assertNotEquals(
          zoneOf.get(owners.get(0)),
          zoneOf.get(owners.get(1)),
          key + " has both replicas in one zone");
    }
    assertTrue(
        ShardFixtures.countMaxAvg(a, nodes) <= 1.05,
        "count max/avg " + ShardFixtures.countMaxAvg(a, nodes));
  }

  @Test
  void replicasOnlyNeedDistinctNodesWhenZonesAreFewerThanReplicas() {
    List<ShardNode> nodes = zonedNodes(6, 2);
    Assignment a =
        Sharder.assign(new ShardRequest(ShardFixtures.unitItems(3_000), nodes, 3, 0.05, null));

    for (String key : a.keys()) {
      assertEquals(3, new HashSet<>(a.owners(key)).size(), key + " owners " + a.owners(key));
    }
    assertTrue(
        ShardFixtures.countMaxAvg(a, nodes) <= 1.05,
        "count max/avg " + ShardFixtures.countMaxAvg(a, nodes));
  }

  @Test
  void nodesOfUnknownZoneCountAsZonesOfTheirOwn() {
    List<ShardNode> nodes =
        List.of(
            new ShardNode("a", 1, "z1"),
            new ShardNode("b", 1, "z1"),
            new ShardNode("c", 1, ""),
            new ShardNode("d", 1, ""));
    Assignment a =
        Sharder.assign(new ShardRequest(ShardFixtures.unitItems(2_000), nodes, 2, 0.05, null));

    for (String key : a.keys()) {
      assertNotEquals(
          Set.of("a", "b"), new HashSet<>(a.owners(key)), key + " has both replicas in z1");
    }
  }

  @Test
  void moreReplicasThanNodesPutsEveryItemOnEveryNode() {
    Assignment a =
        Sharder.assign(
            new ShardRequest(ShardFixtures.unitItems(100), ShardFixtures.nodes(3), 5, 0.05, null));

    assertEquals(3, a.replicas());
    for (String key : a.keys()) {
      assertEquals(Set.copyOf(a.nodes()), new HashSet<>(a.owners(key)));
    }
  }

  @Test
  void assigningAgainFromTheResultChangesNothing() {
    List<ShardItem> items = ShardFixtures.paretoItems(10_000, 2);
    for (int replicas = 1; replicas <= 2; replicas++) {
      ShardRequest request = new ShardRequest(items, zonedNodes(12, 3), replicas, 0.05, null);
      Assignment first = Sharder.assign(request);

      Assignment second = Sharder.assign(request.withPrevious(first));

      assertEquals(0, second.movedComparedTo(first));
      assertEquals(first.keysByNode(), second.keysByNode());
    }
  }

  @Test
  void previousOwnerListedTwiceCountsOnce() {
    // Assignments rebuilt from published shares pad short owner lists by repeating an owner.
    List<ShardItem> items = ShardFixtures.unitItems(200);
    List<ShardNode> nodes = ShardFixtures.nodes(4);
    Assignment one = Sharder.assign(ShardRequest.of(items, nodes));
    String[] keys = one.keys().toArray(String[]::new);
    long[] hashes = new long[keys.length];
    int[] owners = new int[keys.length * 2];
    for (int i = 0; i < keys.length; i++) {
      hashes[i] = Hashing.item(keys[i]);
      owners[2 * i] = one.nodes().indexOf(one.owners(keys[i]).get(0));
      owners[2 * i + 1] = owners[2 * i];
    }
    Assignment padded =
        new Assignment(
            one.nodes().toArray(String[]::new), keys, hashes, new double[keys.length], 2, owners);

    Assignment a = Sharder.assign(new ShardRequest(items, nodes, 2, 0.05, padded));

    for (String key : keys) {
      assertEquals(2, new HashSet<>(a.owners(key)).size(), key + " owners " + a.owners(key));
      assertTrue(a.owners(key).contains(one.owners(key).get(0)), key + " kept its owner");
    }
    assertEquals(400, a.countByNode().values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void assignmentAnswersLookupsByKeyAndNode() {
    List<ShardItem> items =
        List.of(new ShardItem("a/1:1", 2), new ShardItem("b/2:2", 3), new ShardItem("c/3:3", 5));
    List<ShardNode> nodes = ShardFixtures.nodes(5);
    Assignment a = Sharder.assign(new ShardRequest(items, nodes, 1, 1.0, null));

    assertEquals(3, a.size());
    assertEquals(List.of(), a.owners("missing/9:9"));
    assertEquals(5, a.keysByNode().size(), "every node is listed, also those that own nothing");
    assertEquals(3, a.keysByNode().values().stream().mapToInt(List::size).sum());
    assertEquals(
        10.0, a.costByNode().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    assertEquals(Set.of("a/1:1", "b/2:2", "c/3:3"), Set.copyOf(a.keys()));
    for (String key : a.keys()) {
      assertTrue(a.keysByNode().get(a.owners(key).get(0)).contains(key));
    }
    assertEquals(0, a.movedComparedTo(a));
    assertEquals(0, a.movedComparedTo(Assignment.empty()));
  }

  private static void assertMessage(
      String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static List<ShardNode> zonedNodes(int count, int zones) {
    List<ShardNode> nodes = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      nodes.add(new ShardNode(ShardFixtures.nodeName(n), 1, "zone-" + (n % zones)));
    }
    return nodes;
  }

  private static Map<String, String> zoneOf(List<ShardNode> nodes) {
    Map<String, String> zones = new java.util.HashMap<>();
    nodes.forEach(n -> zones.put(n.name(), n.zone()));
    return zones;
  }
}
