package io.promeshard.coordinator.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishPlannerTest {
  private final PublishPlanner planner = new PublishPlanner(KvLayout.defaults(), 4096);

  private static List<TargetGroup> targets(String prefix, int n) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.add(TargetGroup.of(prefix + i + ":9100", Map.of("job_part", "x")));
    }
    return groups;
  }

  private static NodeShare share(List<TargetGroup> web) {
    return new NodeShare(Map.of("web", web), Map.of("heavy", List.of(new RecordRule("r:a", "up"))));
  }

  private static List<String> keys(List<PublishPlan.KvWrite> writes) {
    return writes.stream().map(PublishPlan.KvWrite::key).toList();
  }

  @Test
  void firstDispatchWritesEveryPartThenEveryManifest() {
    PublishPlan plan =
        planner.plan(
            Map.of("p1", share(targets("a", 3)), "p2", share(targets("b", 3))), Map.of(), 7, "t");
    assertEquals(
        List.of(
                "prome-shard/nodes/p1/targets/web",
                "prome-shard/nodes/p1/rules/heavy",
                "prome-shard/nodes/p2/targets/web",
                "prome-shard/nodes/p2/rules/heavy")
            .stream()
            .sorted()
            .toList(),
        keys(plan.parts()).stream().sorted().toList());
    assertEquals(
        List.of("prome-shard/nodes/p1/manifest", "prome-shard/nodes/p2/manifest"),
        keys(plan.manifests()));
    NodeManifest m = Json.decode("m", plan.manifests().get(0).value(), NodeManifest.class);
    assertEquals(1, m.generation());
    assertEquals(7, m.epoch());
    assertEquals(2, m.parts().size());
    assertTrue(plan.deletes().isEmpty());
  }

  @Test
  void identicalSecondDispatchWritesNothing() {
    Map<String, NodeShare> desired =
        Map.of("p1", share(targets("a", 300)), "p2", share(targets("b", 3)));
    PublishPlan first = planner.plan(desired, Map.of(), 1, "t1");
    PublishPlan second = planner.plan(desired, first.after(), 1, "t2");
    assertTrue(second.isEmpty());
    assertEquals(0, second.keyCount());
    assertEquals(first.after(), second.after());
  }

  @Test
  void onlyTheChangedPartOfTheChangedNodeIsWritten() {
    PublishPlan first =
        planner.plan(
            Map.of("p1", share(targets("a", 3)), "p2", share(targets("b", 3))), Map.of(), 1, "t");
    PublishPlan next =
        planner.plan(
            Map.of("p1", share(targets("a", 4)), "p2", share(targets("b", 3))),
            first.after(),
            1,
            "t");
    assertEquals(List.of("prome-shard/nodes/p1/targets/web"), keys(next.parts()));
    assertEquals(List.of("prome-shard/nodes/p1/manifest"), keys(next.manifests()));
    assertEquals(
        2, Json.decode("m", next.manifests().get(0).value(), NodeManifest.class).generation());
  }

  @Test
  void shrinkingChunkedJobDeletesTrailingChunksAfterTheManifest() {
    PublishPlan big = planner.plan(Map.of("p1", share(targets("a", 400))), Map.of(), 1, "t");
    assertTrue(big.parts().size() > 3, "chunks: " + big.parts().size());
    PublishPlan small = planner.plan(Map.of("p1", share(targets("a", 2))), big.after(), 1, "t");
    assertEquals(List.of("prome-shard/nodes/p1/targets/web"), keys(small.parts()));
    assertTrue(small.deletes().contains("prome-shard/nodes/p1/targets/web/0"));
    assertEquals(big.parts().size() - 1, small.deletes().size());
  }

  @Test
  void nodeThatLeftGetsAnEmptyManifestAndItsPartsDeleted() {
    PublishPlan first =
        planner.plan(
            Map.of("p1", share(targets("a", 3)), "p2", share(targets("b", 3))), Map.of(), 1, "t");
    PublishPlan next = planner.plan(Map.of("p1", share(targets("a", 3))), first.after(), 1, "t");
    assertTrue(next.parts().isEmpty());
    assertEquals(List.of("prome-shard/nodes/p2/manifest"), keys(next.manifests()));
    assertTrue(
        Json.decode("m", next.manifests().get(0).value(), NodeManifest.class).parts().isEmpty());
    assertEquals(
        List.of("prome-shard/nodes/p2/rules/heavy", "prome-shard/nodes/p2/targets/web"),
        next.deletes().stream().sorted().toList());
    assertTrue(planner.plan(Map.of("p1", share(targets("a", 3))), next.after(), 1, "t").isEmpty());
  }

  @Test
  void changedRuleIntervalWritesOnlyANewManifest() {
    NodeShare thirty =
        new NodeShare(
            share(targets("a", 3)).targets(),
            share(targets("a", 3)).rules(),
            Map.of("heavy", java.time.Duration.ofSeconds(30)));
    NodeShare minute =
        new NodeShare(
            thirty.targets(), thirty.rules(), Map.of("heavy", java.time.Duration.ofMinutes(1)));
    PublishPlan first = planner.plan(Map.of("p1", thirty), Map.of(), 1, "t");
    assertTrue(planner.plan(Map.of("p1", thirty), first.after(), 1, "t").isEmpty());
    PublishPlan next = planner.plan(Map.of("p1", minute), first.after(), 1, "t");
    assertTrue(next.parts().isEmpty());
    NodeManifest m = Json.decode("m", next.manifests().get(0).value(), NodeManifest.class);
    assertEquals(Map.of("heavy", "1m"), m.intervals());
    assertEquals(2, m.generation());
  }

  @Test
  void tamperedPartIsRewrittenWithoutANewGeneration() {
    PublishPlan first = planner.plan(Map.of("p1", share(targets("a", 3))), Map.of(), 1, "t");
    StoredNode stored = first.after().get("p1");
    Map<String, String> parts = new HashMap<>(stored.parts());
    parts.put("targets/web", "0".repeat(64));
    PublishPlan repair =
        planner.plan(
            Map.of("p1", share(targets("a", 3))),
            Map.of("p1", new StoredNode("p1", parts, stored.manifest())),
            1,
            "t");
    assertEquals(List.of("prome-shard/nodes/p1/targets/web"), keys(repair.parts()));
    assertTrue(repair.manifests().isEmpty());
  }

  @Test
  void aManifestDeletedByHandIsRewrittenAboveTheGenerationTheAgentApplied() {
    // nodes/p1/ was emptied by hand; the agent still reports generation 9 of epoch 4
    Map<String, StoredNode> stored = Map.of("p1", new StoredNode("p1", Map.of(), null, 9, 4));
    PublishPlan plan = planner.plan(Map.of("p1", share(targets("a", 3))), stored, 4, "t");
    NodeManifest m = Json.decode("m", plan.manifests().get(0).value(), NodeManifest.class);
    assertEquals(10, m.generation());
    assertEquals(4, m.epoch());
  }

  @Test
  void aTermWhoseEpochRestartedLowPublishesAtTheHighestEpochSeen() {
    // the leader key was deleted: the new term got epoch 1, but p1 holds epoch 7 and p2 applied 8
    PublishPlan first = planner.plan(Map.of("p1", share(targets("a", 3))), Map.of(), 7, "t");
    Map<String, StoredNode> stored =
        Map.of("p1", first.after().get("p1"), "p2", new StoredNode("p2", Map.of(), null, 3, 8));
    PublishPlan plan =
        planner.plan(
            Map.of("p1", share(targets("b", 3)), "p2", share(targets("c", 2))), stored, 1, "t");
    for (PublishPlan.KvWrite w : plan.manifests()) {
      NodeManifest m = Json.decode("m", w.value(), NodeManifest.class);
      assertEquals(8, m.epoch(), w.key());
    }
    assertEquals(
        List.of(2L, 4L),
        plan.manifests().stream()
            .map(w -> Json.decode("m", w.value(), NodeManifest.class).generation())
            .toList());
  }

  @Test
  void aNodeKnownOnlyFromItsStatusGetsNoWriteWhenNotDesired() {
    Map<String, StoredNode> stored = Map.of("gone", new StoredNode("gone", Map.of(), null, 5, 2));
    assertTrue(planner.plan(Map.of(), stored, 3, "t").isEmpty());
  }
}
