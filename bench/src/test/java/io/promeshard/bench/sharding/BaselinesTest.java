package io.promeshard.bench.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties the published algorithms are known for, so a broken baseline cannot pass as a weak
 * one.
 */
class BaselinesTest {
  private final Workload w = Workload.pareto(20_000, 7);
  private final List<String> nodes = Workload.nodes(10);

  private List<String> joined() {
    List<String> j = new ArrayList<>(nodes);
    j.add(Workload.nodeName(10));
    return j;
  }

  @Test
  void consistentHashesMoveItemsOnlyToAJoiningNodeAndAboutOneNth() {
    for (Algorithm a : List.of(new OriginalRing(), new Rendezvous())) {
      Placement before = a.place(w, nodes, null);
      Placement after = a.place(w, joined(), before);
      int moved = 0;
      for (int i = 0; i < w.size(); i++) {
        String was = before.nodes().get(before.owners()[i]);
        String now = after.nodes().get(after.owners()[i]);
        if (!was.equals(now)) {
          moved++;
          assertEquals(
              Workload.nodeName(10), now, a.name() + " moved " + w.key(i) + " between old nodes");
        }
      }
      double ratio = moved / (double) w.size() * 11;
      assertTrue(ratio > 0.7 && ratio < 1.3, a.name() + " join ratio " + ratio);
      assertTrue(
          Quality.of(before, w).countMaxAvg() < 1.3,
          a.name() + " balance " + Quality.of(before, w));
    }
  }

  @Test
  void hashModMovesAlmostEverythingWhenNChanges() {
    Placement before = new HashMod().place(w, nodes, null);
    Placement after = new HashMod().place(w, joined(), before);
    double fraction = Quality.moved(before, after) / (double) w.size();
    assertTrue(fraction > 0.85, "hashmod moved only " + fraction);
  }

  @Test
  void boundedLoadPartitionsNeverExceedTheLoadBound() {
    for (int n : new int[] {10, 50, 100}) {
      List<String> members = Workload.nodes(n);
      int[] owner = BoundedLoadPartitions.distribute(members);
      int[] load = new int[n];
      for (int o : owner) {
        load[o]++;
      }
      int perMember = BoundedLoadPartitions.PARTITIONS / n;
      double bound = Math.ceil(perMember * BoundedLoadPartitions.LOAD);
      for (int l : load) {
        assertTrue(l <= bound, n + " members: a member holds " + l + " partitions, bound " + bound);
      }
      assertEquals(BoundedLoadPartitions.PARTITIONS, java.util.Arrays.stream(load).sum());
    }
  }

  @Test
  void everyAlgorithmPlacesEveryItemOnAGivenNode() {
    for (Algorithm a : ShardingBench.algorithms()) {
      int[] owners = a.place(w, nodes, null).owners();
      assertEquals(w.size(), owners.length, a.name());
      for (int o : owners) {
        assertTrue(o >= 0 && o < nodes.size(), a.name() + " owner index " + o);
      }
    }
  }
}
