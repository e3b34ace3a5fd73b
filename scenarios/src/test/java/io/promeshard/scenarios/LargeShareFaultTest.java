package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulServer;
import io.promeshard.testkit.LauncherOptions;
import io.promeshard.testkit.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: shares near the agent's memory limit. Two agents run exactly as packaged (the launcher's
 * JVM options: {@code -Xmx64m}, {@code -XX:+ExitOnOutOfMemoryError}) with 50,000 targets each; then
 * 5,000 targets move from one to the other in one generation while a reader polls both file_sd
 * directories as Prometheus does; then one agent is handed a share too large for its heap. Lost and
 * doubled are counted over the agents' output files (what their Prometheus would scrape).
 */
class LargeShareFaultTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int PER_NODE = 50_000;
  private static final int MOVED = 5_000;
  private static final List<String> NODES = List.of("big-a", "big-b");

  @TempDir Path dir;

  @Test
  void agentsUnderTheLauncherHeapApplyFiftyThousandTargetsAndRefuseAShareTooLarge()
      throws Exception {
    KvLayout layout = KvLayout.defaults();
    try (ConsulServer consul = ConsulServer.start(dir.resolve("consul"));
        ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()))) {
      TxnWriter txn = new TxnWriter(http);
      KvClient kv = new KvClient(http);
      Jars jars = Jars.copiedTo(dir.resolve("jars"));
      // generation 1: targets 0..49,999 on big-a, 50,000..99,999 on big-b
      publish(txn, layout, "big-a", 0, PER_NODE, 1);
      publish(txn, layout, "big-b", PER_NODE, PER_NODE, 1);
      List<ManagedProcess> agents = new ArrayList<>();
      try {
        for (String node : NODES) {
          agents.add(startAgent(consul.url(), jars, node));
        }
        for (String node : NODES) {
          awaitApplied(kv, layout, node, 1, agents);
        }
        assertEquals(PER_NODE, targets(node("big-a")).size());

        // generation 2: the last 5,000 of big-a move to big-b
        Map<String, Integer> expected = new HashMap<>();
        OutputReader reader =
            OutputReader.watching(NODES.stream().map(n -> node(n).getParent()).toList());
        long t0 = System.nanoTime();
        Duration converged;
        try {
          publish(txn, layout, "big-a", 0, PER_NODE - MOVED, 2);
          publish(txn, layout, "big-b", PER_NODE - MOVED, PER_NODE + MOVED, 2);
          for (String node : NODES) {
            awaitApplied(kv, layout, node, 2, agents);
          }
          converged = Duration.ofNanos(System.nanoTime() - t0);
        } finally {
          reader.close();
        }
        for (String node : NODES) {
          targets(node(node)).forEach(t -> expected.merge(t, 1, Integer::sum));
        }
        int lost = 0;
        for (int i = 0; i < 2 * PER_NODE; i++) {
          lost += expected.containsKey(address(i)) ? 0 : 1;
        }
        int doubled = (int) expected.values().stream().filter(c -> c > 1).count();
        FaultTable.add(
            new FaultTable.Row(
                "agent -Xmx64m (launcher options), 2 agents × 50k targets, 5k moved",
                lost,
                doubled,
                reader.bad().size(),
                converged));
        assertEquals(0, lost);
        assertEquals(0, doubled);
        assertEquals(List.of(), reader.bad());
        assertTrue(reader.reads() > 0, "the reader ran");

        // a share this heap cannot hold: an error in status, the old file kept, no crash loop
        byte[] before = Files.readAllBytes(node("big-a"));
        publish(txn, layout, "big-a", 0, 150_000, 3);
        NodeStatus refused =
            Await.value(
                WAIT,
                "big-a reporting its share as too large",
                () -> {
                  assertTrue(agents.get(0).isAlive(), agents.get(0).logTail(30));
                  return status(kv, layout, "big-a")
                      .filter(s -> s.lastError().contains("too large"))
                      .orElse(null);
                });
        System.out.println("[fault] big-a: " + refused.lastError());
        assertEquals(2, refused.appliedGeneration());
        assertTrue(refused.lastError().contains("-Xmx"), refused.lastError());
        assertTrue(agents.get(0).isAlive(), agents.get(0).logTail(30));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(node("big-a"))));
      } finally {
        agents.forEach(ManagedProcess::stop);
      }
    }
  }

  private Path node(String name) {
    return dir.resolve(name).resolve("file_sd").resolve("web.json");
  }

  private ManagedProcess startAgent(String consulUrl, Jars jars, String node) throws IOException {
    Path d = dir.resolve(node);
    Files.createDirectories(d.resolve("file_sd"));
    Path yml = d.resolve("agent.yml");
    Files.writeString(
        yml,
        String.join(
            "\n",
            "consul: {address: '" + consulUrl + "'}",
            "node: " + node,
            "file_sd_dir: '" + d.resolve("file_sd") + "'",
            "rules_dir: '" + d.resolve("rules") + "'",
            "reload_on: never",
            "register: false",
            "listen: ''",
            ""),
        StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(LauncherOptions.of("prome-shard-agent"));
    cmd.addAll(List.of("-jar", jars.agent().toString(), "run", "--config", yml.toString()));
    return ManagedProcess.start("agent-" + node, cmd, Map.of(), d.resolve("agent.log"));
  }

  private static void awaitApplied(
      KvClient kv, KvLayout layout, String node, long generation, List<ManagedProcess> agents) {
    Await.until(
        WAIT,
        node + " applying generation " + generation,
        () -> {
          agents.forEach(a -> assertTrue(a.isAlive(), a.name() + " died:\n" + a.logTail(30)));
          return status(kv, layout, node)
              .filter(s -> s.appliedGeneration() == generation)
              .isPresent();
        });
  }

  private static Optional<NodeStatus> status(KvClient kv, KvLayout layout, String node) {
    try {
      return kv.get(layout.nodeStatus(node))
          .map(e -> Json.decode(e.key(), e.value(), NodeStatus.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<String> targets(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (TargetGroup g : Json.decodeTargetGroups(file.toString(), Files.readAllBytes(file))) {
      out.addAll(g.targets());
    }
    return out;
  }

  private static String address(int i) {
    return "127.2." + (i / 250 % 250) + "." + (i % 250 + 1) + ":" + (9100 + i / 62_500);
  }

  /** Targets {@code from} .. {@code from + count - 1} as node's share, parts then manifest. */
  private static void publish(
      TxnWriter txn, KvLayout layout, String node, int from, int count, long generation) {
    List<TargetGroup> groups = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      groups.add(
          TargetGroup.of(
              address(i),
              Map.of("env", "prod", "rack", "r" + (i % 40), "team", "team-" + (i % 12))));
    }
    NodeShare share = new NodeShare(Map.of("web", groups), Map.of());
    SortedMap<PartKey, byte[]> parts = Parts.encode(share);
    List<TxnOp> ops = new ArrayList<>();
    parts.forEach((k, v) -> ops.add(TxnOp.set(layout.part(node, k.toString()), v)));
    NodeManifest manifest =
        new NodeManifest(generation, 1, Parts.checksums(parts), "2026-01-01T00:00:00Z", Map.of());
    try {
      txn.write(Fence.NONE, ops);
      txn.write(Fence.NONE, List.of(TxnOp.set(layout.manifest(node), Json.encode(manifest))));
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + node, e);
    }
  }
}
