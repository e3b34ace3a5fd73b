package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promeshard.protocol.Gzip;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.Parts;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults of versions and numbering, with real processes (Consul, two Prometheus servers with their
 * agents, one coordinator): a share written by a newer coordinator carrying fields this version
 * does not know, and the leader key and a manifest deleted by hand. Each adds a row to {@link
 * FaultTable}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeAndRenumberFaultTest {
  private static final int SERVERS = 2;
  private static final int TARGETS = 40;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String JOB = "web";

  private Fleet fleet;
  private int port;
  private Set<String> expected;
  private ManagedProcess coordinator;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @BeforeAll
  void startFleet() {
    Path dir = FaultLogs.fresh("upgrade");
    port = FreePorts.one();
    expected = new TreeSet<>(Jobs.addresses(0, TARGETS, port));
    fleet =
        Fleet.start(
            dir, SERVERS, Jobs.settings(Duration.ofSeconds(3)), Map.of(JOB, Jobs.spec(expected)));
    coordinator = fleet.coordinators().start();
    fleet.coordinators().awaitLeader(WAIT);
    fleet.awaitExactlyOnce(expected, WAIT);
  }

  @AfterAll
  void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void aShareFromANewerCoordinatorWithUnknownFieldsIsApplied() {
    // the newer coordinator is simulated by hand while ours is stopped, so nothing overwrites it
    coordinator.stop();
    String node = "prom-1";
    List<String> extra = Jobs.addresses(500, 5, port);
    long generation = fleet.appliedGeneration(node);
    try (OutputReader reader = OutputReader.watching(fleet.outputDirs())) {
      long begin = System.nanoTime();
      writeNewerShare(node, extra, generation + 1);
      Set<String> withExtra = new TreeSet<>(expected);
      withExtra.addAll(extra);
      awaitActive(withExtra);
      Duration took = Duration.ofNanos(System.nanoTime() - begin);
      assertEquals(generation + 1, fleet.appliedGeneration(node));
      assertTrue(reader.reads() > 0, "the reader read nothing");
      assertEquals(List.of(), reader.bad());
      Placement active = fleet.active();
      FaultTable.add(
          new FaultTable.Row(
              "rolling upgrade: share with fields this agent does not know",
              active.lost(withExtra).size(),
              active.duplicates().size(),
              reader.bad().size(),
              took));
    }
    // our coordinator, back, reads that manifest leniently and puts the job's own targets back
    coordinator = fleet.coordinators().start();
    fleet.awaitExactlyOnce(expected, WAIT);
  }

  @Test
  @Order(2)
  void afterTheLeaderKeyAndAManifestAreDeletedNumbersStillOnlyGoUp() {
    Map<String, long[]> before = manifests();
    long highestEpoch = before.values().stream().mapToLong(m -> m[1]).max().orElseThrow();
    coordinator.kill();
    fleet.kv().delete(fleet.layout().leader());
    fleet.kv().delete(fleet.layout().manifest("prom-2"));
    try (OutputReader reader = OutputReader.watching(fleet.outputDirs())) {
      long begin = System.nanoTime();
      coordinator = fleet.coordinators().start();
      fleet.coordinators().awaitLeader(WAIT);
      Set<String> edited = new TreeSet<>(expected);
      edited.addAll(Jobs.addresses(600, 10, port));
      fleet.kv().put(fleet.layout().job(JOB), Jobs.spec(edited));
      fleet.awaitExactlyOnce(edited, WAIT);
      Duration took = Duration.ofNanos(System.nanoTime() - begin);
      expected = edited;
      Map<String, long[]> after = manifests();
      for (String node : before.keySet()) {
        long[] was = before.get(node);
        long[] now = after.get(node);
        assertTrue(now[0] > was[0], node + " generation " + now[0] + " not above " + was[0]);
        assertTrue(now[1] >= highestEpoch, node + " epoch " + now[1] + " below " + highestEpoch);
        assertEquals(now[0], fleet.appliedGeneration(node), node + " applied the latest");
      }
      assertTrue(reader.reads() > 0, "the reader read nothing");
      assertEquals(List.of(), reader.bad());
      Placement active = fleet.active();
      FaultTable.add(
          new FaultTable.Row(
              "leader key and a manifest deleted by hand",
              active.lost(edited).size(),
              active.duplicates().size(),
              reader.bad().size(),
              took));
    }
  }

  /**
   * Parts of {@code node} as a newer coordinator writes them: every JSON object grows a field. A
   * compact share is first collapsed into base parts (its deltas deleted), kept compressed.
   */
  private void writeNewerShare(String node, List<String> extra, long generation) {
    SortedMap<String, byte[]> tree = fleet.kv().tree(fleet.layout().nodeDir(node));
    byte[] manifestBytes = tree.get(fleet.layout().manifest(node));
    ObjectNode manifest = (ObjectNode) readTree(manifestBytes);
    NodeManifest current = Json.decodeWire(node, manifestBytes, NodeManifest.class);
    Map<String, byte[]> stored = new TreeMap<>();
    tree.forEach(
        (key, value) -> {
          String rel = fleet.layout().relativeToNode(node, key);
          if (rel != null && !rel.isEmpty() && !rel.equals(NodeManifest.KEY)) {
            stored.put(rel, value);
          }
        });
    Map<String, byte[]> base = new TreeMap<>();
    Parts.encode(Parts.assemble(current, stored)).forEach((k, v) -> base.put(k.toString(), v));
    ObjectNode sums = manifest.putObject("parts");
    for (Map.Entry<String, byte[]> e : base.entrySet()) {
      JsonNode groups = readTree(e.getValue());
      for (JsonNode group : groups) {
        ((ObjectNode) group).putObject("scrape").put("interval", "30s");
      }
      if (e.getKey().equals("targets/" + JOB)) {
        ObjectNode added = ((com.fasterxml.jackson.databind.node.ArrayNode) groups).addObject();
        extra.forEach(added.putArray("targets")::add);
        added.putObject("labels").put("kind", "synthetic");
      }
      byte[] json = Json.encode(groups);
      byte[] value = current.compressed() ? Gzip.compress(json) : json;
      fleet.kv().put(fleet.layout().part(node, e.getKey()), value);
      sums.put(e.getKey(), current.checksum(value));
    }
    manifest.put("generation", generation);
    manifest.putObject("placement").put("strategy", "load-aware");
    fleet
        .kv()
        .put(
            fleet.layout().manifest(node),
            new String(Json.encode(manifest), StandardCharsets.UTF_8));
    stored.keySet().stream()
        .filter(rel -> !base.containsKey(rel))
        .forEach(rel -> fleet.kv().delete(fleet.layout().part(node, rel)));
  }

  /** Per node {generation, epoch} of its manifest. */
  private Map<String, long[]> manifests() {
    Map<String, long[]> out = new TreeMap<>();
    for (Fleet.Server s : fleet.servers()) {
      byte[] value = fleet.kv().tree(fleet.layout().manifest(s.name())).get(manifestKey(s));
      if (value != null) {
        NodeManifest m = Json.decodeWire(manifestKey(s), value, NodeManifest.class);
        out.put(s.name(), new long[] {m.generation(), m.epoch()});
      }
    }
    return out;
  }

  private String manifestKey(Fleet.Server s) {
    return fleet.layout().manifest(s.name());
  }

  private void awaitActive(Set<String> targets) {
    io.promeshard.testkit.Await.until(
        WAIT, "targets active: " + targets.size(), () -> fleet.active().all().containsAll(targets));
  }

  private static JsonNode readTree(byte[] value) {
    try {
      return Json.MAPPER.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
