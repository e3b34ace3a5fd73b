package io.promeshard.coordinator.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.shard.Explanation.Candidate;
import io.promeshard.coordinator.shard.Explanation.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SharderExplainTest {
  private final List<ShardItem> items = ShardFixtures.paretoItems(3_000, 6);
  private final List<ShardNode> nodes = ShardFixtures.nodes(8);
  private final Assignment before = Sharder.assign(ShardRequest.of(items, nodes));
  private final ShardRequest afterJoin =
      ShardRequest.of(items, withNewcomer()).withPrevious(before);
  private final Assignment after = Sharder.assign(afterJoin);

  @Test
  void explanationNamesTheSameOwnersAsTheAssignment() {
    for (int i = 0; i < items.size(); i += 30) {
      String key = items.get(i).key();
      assertEquals(after.owners(key), Sharder.explain(afterJoin, key).owners(), key);
      assertEquals(
          before.owners(key), Sharder.explain(ShardRequest.of(items, nodes), key).owners(), key);
    }
  }

  @Test
  void explanationShowsTheJoinerClaimingAKeyFromItsPreviousOwner() {
    String moved = firstKey(key -> !after.owners(key).equals(before.owners(key))).orElseThrow();

    Explanation e = Sharder.explain(afterJoin, moved);

    assertEquals(List.of("newcomer:9090"), e.owners());
    assertEquals(before.owners(moved), e.previousOwners());
    Candidate joiner = candidate(e, "newcomer:9090");
    assertTrue(joiner.joined());
    assertTrue(
        joiner.decision() == Decision.CLAIMED || joiner.decision() == Decision.PLACED,
        joiner.toString());
    assertFalse(candidate(e, before.owners(moved).get(0)).decision() == Decision.KEPT);
  }

  @Test
  void explanationShowsAKeptPreviousOwner() {
    String stayed = firstKey(key -> after.owners(key).equals(before.owners(key))).orElseThrow();

    Explanation e = Sharder.explain(afterJoin, stayed);

    assertEquals(
        Decision.KEPT,
        candidate(e, stayed.isEmpty() ? "" : before.owners(stayed).get(0)).decision());
    assertEquals(9, e.candidates().size());
    for (int rank = 0; rank < e.candidates().size(); rank++) {
      assertEquals(rank, e.candidates().get(rank).rank());
      if (rank > 0) {
        assertTrue(e.candidates().get(rank - 1).score() <= e.candidates().get(rank).score());
      }
    }
  }

  @Test
  void explanationShowsNodesSkippedAtTheirCountBound() {
    // 300 keys over 3 nodes with 1% balance: at most 101 each, so some keys cannot have their
    // favourite.
    List<ShardItem> unit = ShardFixtures.unitItems(300);
    ShardRequest request = new ShardRequest(unit, ShardFixtures.nodes(3), 1, 0.01, null);
    Assignment a = Sharder.assign(request);
    boolean found = false;
    for (ShardItem item : unit) {
      Explanation e = Sharder.explain(request, item.key());
      Candidate favourite = e.candidates().get(0);
      if (!e.owners().contains(favourite.node())) {
        assertEquals(Decision.FULL_COUNT, favourite.decision(), e.describe());
        assertEquals(a.owners(item.key()), e.owners());
        found = true;
        break;
      }
    }
    assertTrue(found, "fixture: some key was placed off its favourite node");
  }

  @Test
  void explainRejectsAnUnknownKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Sharder.explain(afterJoin, "nope/1.2.3.4:5"));

    assertTrue(e.getMessage().contains("nope/1.2.3.4:5"), e.getMessage());
  }

  @Test
  void describeListsOwnersAndEveryCandidate() {
    String key = items.get(0).key();

    String text = Sharder.explain(afterJoin, key).describe();

    assertTrue(text.startsWith(key + " (cost "), text);
    assertTrue(text.contains("owned by " + after.owners(key)), text);
    assertEquals(2 + 9, text.lines().count(), text);
  }

  private List<ShardNode> withNewcomer() {
    List<ShardNode> more = new ArrayList<>(nodes);
    more.add(ShardNode.of("newcomer:9090"));
    return more;
  }

  private Optional<String> firstKey(java.util.function.Predicate<String> test) {
    return items.stream().map(ShardItem::key).filter(test).findFirst();
  }

  private static Candidate candidate(Explanation e, String node) {
    return e.candidates().stream().filter(c -> c.node().equals(node)).findFirst().orElseThrow();
  }
}
