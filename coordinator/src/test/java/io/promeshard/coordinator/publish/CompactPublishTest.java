package io.promeshard.coordinator.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.ShareEncoding;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The compact layout: deltas for small changes, a new base past the thresholds. */
class CompactPublishTest {
  private static final KvLayout LAYOUT = KvLayout.defaults();
  private final PublishPlanner planner = new PublishPlanner(LAYOUT);

  private static NodeShare web(int from, int to) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = from; i < to; i++) {
      groups.add(
          TargetGroup.of(
              "host-" + Integer.toHexString(i * 0x9E3779B1) + ":9100",
              Map.of("env", "prod", "team", "t" + (i % 7), "rack", Integer.toString(i * 31 % 97))));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }

  private static List<String> relative(List<PublishPlan.KvWrite> writes, String node) {
    return writes.stream()
        .map(w -> LAYOUT.relativeToNode(node, w.key()))
        .filter(k -> k != null)
        .toList();
  }

  /** What Consul would hold after {@code plans}, node → relative key → value. */
  private static Map<String, byte[]> kv(String node, PublishPlan... plans) {
    Map<String, byte[]> values = new HashMap<>();
    for (PublishPlan p : plans) {
      p.parts().forEach(w -> values.put(LAYOUT.relativeToNode(node, w.key()), w.value()));
      p.deletes().forEach(k -> values.remove(LAYOUT.relativeToNode(node, k)));
    }
    return values;
  }

  private static NodeManifest manifest(PublishPlan plan) {
    return Json.decode("m", plan.manifests().get(0).value(), NodeManifest.class);
  }

  @Test
  void aJoinLikeChangeWritesOneSmallDeltaAndTheManifest() {
    PublishPlan first = planner.plan(Map.of("p1", web(0, 2000)), Map.of(), 1, "t1");
    assertEquals(NodeManifest.FORMAT_COMPACT, manifest(first).format());
    assertTrue(manifest(first).compressed());
    assertEquals(null, manifest(first).encoding(), "format 2 means gzip");
    NodeShare gaveAway = web(40, 2000); // 40 targets moved to a new node
    PublishPlan next = planner.plan(Map.of("p1", gaveAway), first.after(), 1, "t2");
    assertEquals(List.of("delta/2"), relative(next.parts(), "p1"));
    assertTrue(next.deletes().isEmpty());
    assertTrue(
        20L * next.parts().get(0).value().length < first.byteCount(),
        next.parts().get(0).value().length + " vs " + first.byteCount());
    assertTrue(manifest(next).parts().containsKey("delta/2"));
    assertEquals(gaveAway, Parts.assemble(manifest(next), kv("p1", first, next)));
    assertEquals(gaveAway, next.after().get("p1").share());
  }

  @Test
  void deltasPastAQuarterOfTheBaseOrPastTheirCountAreCompactedIntoANewBase() {
    PublishPlan plan = planner.plan(Map.of("p1", web(0, 2000)), Map.of(), 1, "t");
    List<PublishPlan> plans = new ArrayList<>(List.of(plan));
    for (int i = 1; i <= PublishPlanner.MAX_DELTAS; i++) {
      // each adds twenty targets: a delta from the share before the last one would be larger
      plan = planner.plan(Map.of("p1", web(0, 2000 + 20 * i)), plan.after(), 1, "t");
      plans.add(plan);
      assertEquals(List.of("delta/" + (i + 1)), relative(plan.parts(), "p1"));
    }
    // one more would pass the count: the last delta is replaced by one from the share before it
    NodeShare more = web(0, 2000 + 20 * (PublishPlanner.MAX_DELTAS + 1));
    PublishPlan replaced = planner.plan(Map.of("p1", more), plan.after(), 1, "t");
    plans.add(replaced);
    String lastDelta = "delta/" + (PublishPlanner.MAX_DELTAS + 1);
    assertEquals(
        List.of("delta/" + (PublishPlanner.MAX_DELTAS + 2)), relative(replaced.parts(), "p1"));
    assertEquals(List.of("prome-shard/nodes/p1/" + lastDelta), replaced.deletes());
    // the manifest lists the base and the latest delta; the others are reached through the chain
    assertEquals(
        List.of("delta/" + (PublishPlanner.MAX_DELTAS + 2), "targets/web"),
        List.copyOf(manifest(replaced).parts().keySet()));
    Map<String, byte[]> stored = kv("p1", plans.toArray(PublishPlan[]::new));
    assertEquals(PublishPlanner.MAX_DELTAS + 1, stored.size(), stored.keySet().toString());
    Parts.Assembled assembled = Parts.assembleSteps(manifest(replaced), stored, Long.MAX_VALUE);
    assertEquals(more, assembled.share());
    assertEquals(stored.keySet(), assembled.parts().keySet());
    assertEquals(assembled.parts(), replaced.after().get("p1").snapshot());

    // a change larger than a quarter of the base: a new base, every delta deleted
    NodeShare big = web(600, 2600);
    PublishPlan compaction = planner.plan(Map.of("p1", big), replaced.after(), 1, "t");
    plans.add(compaction);
    assertEquals(List.of("targets/web"), relative(compaction.parts(), "p1"));
    assertEquals(PublishPlanner.MAX_DELTAS, compaction.deletes().size());
    assertEquals(List.of("targets/web"), List.copyOf(manifest(compaction).parts().keySet()));
    assertEquals(
        big, Parts.assemble(manifest(compaction), kv("p1", plans.toArray(PublishPlan[]::new))));
  }

  @Test
  void aNodeThatJoinsAndLeavesAgainCostsNoDeltaTheLastOneIsReplaced() {
    PublishPlan first = planner.plan(Map.of("p1", web(0, 2000)), Map.of(), 1, "t1");
    PublishPlan joined = planner.plan(Map.of("p1", web(40, 2000)), first.after(), 1, "t2");
    assertEquals(List.of("delta/2"), relative(joined.parts(), "p1"));
    assertEquals(web(0, 2000), joined.after().get("p1").prior());
    PublishPlan left = planner.plan(Map.of("p1", web(0, 2000)), joined.after(), 1, "t3");
    assertEquals(List.of(), left.parts());
    assertEquals(List.of("prome-shard/nodes/p1/delta/2"), left.deletes());
    assertEquals(List.of("targets/web"), List.copyOf(manifest(left).parts().keySet()));
    assertEquals(web(0, 2000), Parts.assemble(manifest(left), kv("p1", first, joined, left)));
    assertEquals(null, left.after().get("p1").prior());
  }

  @Test
  void anUnchangedNodeWritesNothingAndEncodesNothing() {
    PublishPlan first = planner.plan(Map.of("p1", web(0, 100)), Map.of(), 1, "t");
    // a planner whose chunk limit no entry fits would fail on encoding anything
    PublishPlanner tiny = new PublishPlanner(LAYOUT, 10);
    PublishPlan again = tiny.plan(Map.of("p1", web(0, 100)), first.after(), 1, "t2");
    assertTrue(again.isEmpty());
    assertEquals(first.after(), again.after());
  }

  @Test
  void thePlainEncodingWritesTheOldLayoutAndSwitchingRewritesEveryPart() {
    PublishPlan plain =
        planner.plan(Map.of("p1", web(0, 100)), Map.of(), 1, "t", ShareEncoding.PLAIN);
    assertEquals(0, manifest(plain).format());
    assertEquals(null, manifest(plain).encoding());
    assertEquals('[', (char) plain.parts().get(0).value()[0]);
    PublishPlan plainAgain =
        planner.plan(Map.of("p1", web(1, 100)), plain.after(), 1, "t", ShareEncoding.PLAIN);
    assertEquals(List.of("targets/web"), relative(plainAgain.parts(), "p1"));
    PublishPlan compact = planner.plan(Map.of("p1", web(1, 100)), plainAgain.after(), 1, "t");
    assertEquals(List.of("targets/web"), relative(compact.parts(), "p1"));
    assertEquals(NodeManifest.FORMAT_COMPACT, manifest(compact).format());
    assertEquals(
        web(1, 100), Parts.assemble(manifest(compact), kv("p1", plain, plainAgain, compact)));
    NodeShare scraped =
        web(1, 100)
            .withScrape(
                Map.of(
                    "web",
                    ScrapeSettings.of(
                        Json.MAPPER.createObjectNode().put("scrape_interval", "5s"))));
    PublishPlan back =
        planner.plan(Map.of("p1", scraped), compact.after(), 1, "t", ShareEncoding.PLAIN);
    assertEquals(List.of("targets/web"), relative(back.parts(), "p1"));
    assertEquals(NodeManifest.FORMAT_SCRAPE, manifest(back).format(), "plain with scrape settings");
  }

  @Test
  void aNodeThatLeavesGetsAnEmptyManifestAndItsBaseAndDeltasDeleted() {
    PublishPlan first = planner.plan(Map.of("p1", web(0, 200)), Map.of(), 1, "t");
    PublishPlan delta = planner.plan(Map.of("p1", web(1, 200)), first.after(), 1, "t");
    PublishPlan gone = planner.plan(Map.of(), delta.after(), 1, "t");
    assertEquals(
        List.of("prome-shard/nodes/p1/delta/2", "prome-shard/nodes/p1/targets/web"),
        gone.deletes().stream().sorted().toList());
    assertEquals(Map.of(), manifest(gone).parts());
    Map<String, StoredNode> after = new TreeMap<>(gone.after());
    assertEquals(NodeShare.empty(), after.get("p1").share());
  }
}
