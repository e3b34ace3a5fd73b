package io.promeshard.coordinator.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Gzip;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ShareDelta;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.ConsulExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A new leader continues from the base and delta parts its predecessor wrote in Consul. */
class CompactTakeoverTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private static final KvLayout LAYOUT = KvLayout.defaults();

  private static NodeShare web(int from, int to) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = from; i < to; i++) {
      groups.add(
          TargetGroup.of("10.4." + (i / 250) + "." + (i % 250) + ":9100", Map.of("i", "" + i)));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }

  private static Publisher publisher(ConsulHttp http) {
    return publisher(http, LAYOUT);
  }

  private static Publisher publisher(ConsulHttp http, KvLayout layout) {
    return new Publisher(new KvClient(http), new TxnWriter(http), layout);
  }

  @Test
  void aNewLeaderFollowsTheDeltaChainAndChainsItsNextDeltaToTheLatest() throws Exception {
    ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    KvLayout layout = new KvLayout("chain/");
    PublishPlanner planner = new PublishPlanner(layout);
    PublishPlan plan = planner.plan(Map.of("q1", web(1000, 3000)), Map.of(), 1, "t");
    publisher(http, layout).publish(plan, Fence.NONE);
    NodeShare latest = null;
    for (int i = 1; i <= 3; i++) {
      // forty targets more each time: a delta on top of the last, not in place of it (a delta
      // from the share before the last would hold eighty)
      latest = web(1000, 3000 + 40 * i);
      plan = planner.plan(Map.of("q1", latest), plan.after(), 1, "t");
      publisher(http, layout).publish(plan, Fence.NONE);
    }

    Publisher.Stored read = publisher(http, layout).readStored();
    StoredNode q1 = read.nodes().get("q1");
    assertEquals(List.of("delta/4", "targets/web"), List.copyOf(q1.manifest().parts().keySet()));
    assertEquals(
        List.of("delta/2", "delta/3", "delta/4", "targets/web"),
        List.copyOf(q1.snapshot().keySet()),
        "the chain, read back from delta/4");
    assertEquals(q1.parts(), q1.snapshot());
    assertEquals(latest, q1.share());
    assertEquals(web(1000, 3080), q1.prior());
    assertTrue(planner.plan(Map.of("q1", latest), read.nodes(), 2, "t").isEmpty());

    NodeShare next = web(1000, 3160);
    PublishPlan more = planner.plan(Map.of("q1", next), read.nodes(), 2, "t");
    assertEquals(
        List.of("chain/nodes/q1/delta/5"),
        more.parts().stream().map(PublishPlan.KvWrite::key).toList());
    ShareDelta written =
        Json.decodeWire(
            "delta/5", Gzip.decompress("delta/5", more.parts().get(0).value()), ShareDelta.class);
    assertEquals(Map.of("delta/4", q1.snapshot().get("delta/4")), written.prev());
    publisher(http, layout).publish(more, Fence.NONE);
    Publisher.Stored again = publisher(http, layout).readStored();
    assertEquals(Map.of("q1", next), StoredShares.decode(again).shares());
    assertEquals(5, again.nodes().get("q1").snapshot().size());
  }

  @Test
  void aNewLeaderReadsBaseAndDeltasAndWritesOnlyOneDelta() throws Exception {
    ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    PublishPlanner planner = new PublishPlanner(LAYOUT);
    Publisher first = publisher(http);
    PublishPlan base =
        planner.plan(Map.of("p1", web(0, 400), "p2", web(400, 800)), Map.of(), 1, "t");
    first.publish(base, Fence.NONE);
    Map<String, NodeShare> moved = Map.of("p1", web(0, 390), "p2", web(390, 800));
    first.publish(planner.plan(moved, base.after(), 1, "t"), Fence.NONE);

    Publisher.Stored read = publisher(http).readStored();
    assertEquals(moved, StoredShares.decode(read).shares());
    assertEquals(moved.get("p1"), read.nodes().get("p1").share());
    assertEquals(web(0, 400), read.nodes().get("p1").prior(), "the share before the last delta");
    assertTrue(planner.plan(moved, read.nodes(), 2, "t").isEmpty(), "a takeover writes nothing");

    Map<String, NodeShare> next = Map.of("p1", web(0, 380), "p2", web(380, 800));
    PublishPlan delta = planner.plan(next, read.nodes(), 2, "t");
    assertEquals(
        List.of("prome-shard/nodes/p1/delta/3", "prome-shard/nodes/p2/delta/3"),
        delta.parts().stream().map(PublishPlan.KvWrite::key).sorted().toList());
    publisher(http).publish(delta, Fence.NONE);

    Publisher.Stored again = publisher(http).readStored();
    assertEquals(next, StoredShares.decode(again).shares());
    List<String> keys =
        new KvClient(http)
            .list(LAYOUT.nodeDir("p1"), 0, Duration.ZERO).value().stream()
                .map(KvEntry::key)
                .sorted()
                .toList();
    // delta/3 (from the share before delta/2) is no larger than one on top of delta/2: it replaced
    // it
    assertEquals(
        List.of(
            "prome-shard/nodes/p1/delta/3",
            "prome-shard/nodes/p1/manifest",
            "prome-shard/nodes/p1/targets/web"),
        keys);
  }
}
