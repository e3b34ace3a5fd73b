package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.IncompleteSnapshotException;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.Parts;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults under one agent, with the real processes: Consul, two Prometheus servers each with an
 * agent (the shaded jar, not root, serving /healthz, file_sd on a small tmpfs) and a coordinator.
 * An agent that cannot write its file_sd directory (no permission, disk full), and a Prometheus
 * that is down while its rules change: in each the old files stay whole, the agent says so (status
 * in KV, metric, /healthz) and retries, and once the fault ends the files follow the generation
 * published during the fault, with no new one from the coordinator. Each test adds its row to the
 * {@link FaultTable}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentFaultsTest {
  private static final int SERVERS = 2;
  private static final int TARGETS = 40;
  private static final int RECORDS = 16;

  /** Longer than any fault here: a Prometheus that is down keeps its share meanwhile. */
  private static final Duration FLAP_HOLD = Duration.ofSeconds(90);

  private static final String FILE_SD_TMPFS = "512k";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String JOB = "web";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Fleet fleet;
  private int syntheticPort;
  private final Set<String> expected = new TreeSet<>();

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @BeforeAll
  void startFleet() {
    Path dir = FaultLogs.emptied(Paths.get("target", "agent-faults").toAbsolutePath());
    syntheticPort = FreePorts.one();
    expected.addAll(Jobs.addresses(0, TARGETS, syntheticPort));
    fleet =
        Fleet.start(
            dir,
            SERVERS,
            Jobs.settings(FLAP_HOLD),
            Map.of(JOB, Jobs.spec(expected)),
            AgentLaunch.unprivilegedWithOps(FILE_SD_TMPFS));
    try {
      fleet.coordinators().start();
      fleet.coordinators().awaitLeader(WAIT);
      fleet.awaitExactlyOnce(expected, WAIT);
    } catch (RuntimeException | Error e) {
      System.out.println(fleet.logTails(60));
      fleet.close();
      throw e;
    }
  }

  @AfterAll
  void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void anUnwritableFileSdDirKeepsOldFilesIsReportedAndConvergesWithoutANewGeneration() {
    Path fileSd = fleet.server("prom-1").dir().resolve("file_sd");
    outputFault(
        "agent: file_sd dir unwritable (agent not root, dir chmod 555)",
        "prom-1",
        () -> chmod(fileSd, "r-xr-xr-x"),
        () -> chmod(fileSd, "rwxr-xr-x"),
        "permission denied");
  }

  @Test
  @Order(3)
  void aFullFileSdDirKeepsOldFilesLeavesNoTempFileAndConvergesOnceThereIsRoom() {
    Tmpfs fs = fleet.fileSdTmpfs("prom-2");
    outputFault(
        "agent: file_sd dir full (tmpfs " + FILE_SD_TMPFS + ", ENOSPC)",
        "prom-2",
        fs::fill,
        fs::unfill,
        "No space left on device");
  }

  /**
   * Starts a fault on the file_sd directory of {@code node}, adds 20 targets to the job (a new
   * generation gives {@code node} some), checks what the agent keeps and reports during the fault,
   * ends it, and checks the files converge to that same generation.
   */
  private void outputFault(String fault, String node, Runnable start, Runnable end, String error) {
    Fleet.Server victim = fleet.server(node);
    Path fileSd = victim.dir().resolve("file_sd");
    Map<String, byte[]> before = contents(fileSd);
    long generationBefore = manifest(node).generation();
    List<String> added = Jobs.addresses(expected.size(), 20, syntheticPort);
    Set<String> edited = new TreeSet<>(expected);
    edited.addAll(added);
    try (OutputReader reader = OutputReader.watching(fleet.outputDirs())) {
      long generation;
      start.run();
      try {
        fleet.kv().put(fleet.layout().job(JOB), Jobs.spec(edited));
        Await.until(
            WAIT,
            "a generation giving " + node + " some of the added targets",
            () -> {
              NodeShare s = publishedShare(node);
              return s != null && addresses(s).stream().anyMatch(added::contains);
            });
        generation = manifest(node).generation();
        assertTrue(generation > generationBefore, generation + " after " + generationBefore);
        NodeStatus failing =
            Await.value(
                WAIT,
                "status/" + node + " naming the directory and the error",
                () -> {
                  NodeStatus s = fleet.status(node);
                  return s != null
                          && s.lastError().contains(fileSd.toString())
                          && s.lastError().contains(error)
                      ? s
                      : null;
                });
        assertEquals(generationBefore, failing.appliedGeneration(), failing.toString());
        String health =
            Await.value(
                WAIT,
                "/healthz of " + node + " degraded",
                () -> {
                  HttpResponse<String> r = agentGet(victim, "/healthz");
                  return r.statusCode() == 503 ? r.body() : null;
                });
        assertTrue(health.contains("degraded: cannot write output files"), health);
        assertTrue(health.contains(fileSd.toString()), health);
        Await.until(
            WAIT,
            "the agent retrying (2 failed attempts)",
            () ->
                metric(victim, "prome_shard_agent_apply_failures_total", "output_unwritable") >= 2);
        assertEquals(1.0, metric(victim, "prome_shard_agent_apply_stalled", "output_unwritable"));
        Map<String, byte[]> during = contents(fileSd);
        during.remove(Tmpfs.fillerName());
        assertEquals(before.keySet(), during.keySet(), "no new file, no temp file");
        before.forEach(
            (name, bytes) ->
                assertTrue(Arrays.equals(bytes, during.get(name)), name + " changed in the fault"));
      } finally {
        end.run();
      }
      long ended = System.nanoTime();
      fleet.awaitExactlyOnce(edited, WAIT);
      Await.until(
          WAIT,
          "status/" + node + " at generation " + generation + " without error",
          () -> {
            NodeStatus s = fleet.status(node);
            return s != null && s.appliedGeneration() == generation && s.lastError().isEmpty();
          });
      Duration took = Duration.ofNanos(System.nanoTime() - ended);
      assertEquals(generation, manifest(node).generation(), "no new generation");
      assertEquals(0.0, metric(victim, "prome_shard_agent_apply_stalled", "output_unwritable"));
      assertEquals(200, agentGet(victim, "/healthz").statusCode());
      expected.addAll(added);
      addRow(fault, reader, took);
    }
  }

  private static void chmod(Path dir, String permissions) {
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
    } catch (IOException e) {
      throw new UncheckedIOException("chmod " + permissions + " " + dir, e);
    }
  }

  @Test
  @Order(2)
  void prometheusDownWhileItsRulesChangeIsRetriedAndTheRulesLoadOnceItIsBack() throws Exception {
    Fleet.Server victim = fleet.server("prom-2");
    long converged;
    try (OutputReader reader = OutputReader.watching(fleet.outputDirs())) {
      victim.prometheus().kill();
      Await.until(
          WAIT, victim.name() + "'s Prometheus gone", () -> !victim.prometheus().isRunning());
      Set<String> records = new TreeSet<>();
      for (int i = 1; i <= RECORDS; i++) {
        String name = "job:fault" + i + ":sum";
        records.add(name);
        fleet
            .kv()
            .put(fleet.layout().record(i), "{\"record\": \"" + name + "\", \"expr\": \"sum(up)\"}");
      }
      Await.until(
          WAIT,
          "all " + RECORDS + " records published",
          () -> publishedRecords(null).equals(records));
      Set<String> mine = publishedRecords(victim.name());
      assertFalse(mine.isEmpty(), victim.name() + " got no record of " + records);
      long generation = manifest(victim.name()).generation();
      NodeStatus down =
          Await.value(
              WAIT,
              "status/" + victim.name() + " saying Prometheus did not answer",
              () -> {
                NodeStatus s = fleet.status(victim.name());
                return s != null && s.lastError().contains("Prometheus did not answer") ? s : null;
              });
      assertEquals(List.of(), down.rejectedRules(), "no rule is blamed: " + down);
      String health = agentGet(victim, "/healthz").body();
      assertTrue(health.contains("degraded: Prometheus does not answer the reload"), health);
      Await.until(
          WAIT,
          "the agent retrying the reload (2 failed attempts)",
          () ->
              metric(victim, "prome_shard_agent_apply_failures_total", "prometheus_unreachable")
                  >= 2);
      assertEquals(
          0.0,
          metric(victim, "prome_shard_agent_reloads_total", "failed"),
          "no reload counted as a rejection");
      Await.until(
          WAIT,
          "the rule files Prometheus had (none) in place while it is down",
          () -> ruleFiles(victim).isEmpty());

      converged = System.nanoTime();
      victim.prometheus().start();
      Await.until(
          WAIT,
          victim.name() + "'s Prometheus evaluating its " + mine.size() + " records",
          () -> loadedRules(victim).equals(mine));
      Await.until(
          WAIT,
          "status/" + victim.name() + " at generation " + generation + " without error",
          () -> {
            NodeStatus s = fleet.status(victim.name());
            return s != null && s.appliedGeneration() == generation && s.lastError().isEmpty();
          });
      Duration took = Duration.ofNanos(System.nanoTime() - converged);
      fleet.awaitExactlyOnce(expected, WAIT);
      assertEquals(generation, manifest(victim.name()).generation(), "no new generation");
      assertEquals(
          0.0, metric(victim, "prome_shard_agent_apply_stalled", "prometheus_unreachable"));
      addRow("Prometheus down (killed) while its rules change", reader, took);
    }
  }

  private void addRow(String fault, OutputReader reader, Duration took) {
    Placement active = fleet.active();
    Set<String> lost = active.lost(expected);
    FaultTable.add(
        new FaultTable.Row(
            fault, lost.size(), active.duplicates().size(), reader.bad().size(), took));
    assertTrue(reader.reads() > 0, "the reader read files");
    assertEquals(List.of(), reader.bad(), "partial or invalid files seen");
    assertEquals(Set.of(), lost, "targets scraped by nobody");
    assertEquals(Set.of(), active.duplicates(), "targets scraped twice");
  }

  private NodeManifest manifest(String node) {
    JsonNode e =
        fleet
            .kv()
            .entry(fleet.layout().manifest(node))
            .orElseThrow(() -> new AssertionError("no manifest for " + node));
    return Json.decode(
        node + "/manifest",
        Base64.getDecoder().decode(e.path("Value").asText("")),
        NodeManifest.class);
  }

  /** The share published for {@code node}, or null while it is half written. */
  private NodeShare publishedShare(String node) {
    SortedMap<String, byte[]> tree = fleet.kv().tree(fleet.layout().nodeDir(node));
    Map<String, byte[]> parts = new TreeMap<>();
    tree.forEach(
        (key, value) -> {
          String rel = fleet.layout().relativeToNode(node, key);
          if (rel != null) {
            parts.put(rel, value);
          }
        });
    byte[] manifest = parts.get(NodeManifest.KEY);
    if (manifest == null) {
      return null;
    }
    try {
      return Parts.assemble(Json.decode(node + "/manifest", manifest, NodeManifest.class), parts);
    } catch (IncompleteSnapshotException e) {
      return null;
    }
  }

  /** Record names published for {@code node}, or for every server when null. */
  private Set<String> publishedRecords(String node) {
    Set<String> out = new TreeSet<>();
    for (Fleet.Server s : fleet.servers()) {
      if (node == null || node.equals(s.name())) {
        NodeShare share = publishedShare(s.name());
        if (share == null) {
          return Set.of(); // half written: ask again
        }
        share.rules().values().forEach(list -> list.forEach(r -> out.add(r.record())));
      }
    }
    return out;
  }

  private static Set<String> addresses(NodeShare share) {
    Set<String> out = new TreeSet<>();
    share.targets().values().forEach(groups -> groups.forEach(g -> out.addAll(g.targets())));
    return out;
  }

  private Set<String> loadedRules(Fleet.Server s) {
    Set<String> out = new TreeSet<>();
    try {
      JsonNode root = Json.MAPPER.readTree(s.prometheus().get("/api/v1/rules"));
      for (JsonNode g : root.at("/data/groups")) {
        g.get("rules").forEach(r -> out.add(r.get("name").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Set<String> ruleFiles(Fleet.Server s) {
    try (Stream<Path> files = Files.list(s.dir().resolve("rules"))) {
      Set<String> out = new TreeSet<>();
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> agentGet(Fleet.Server s, String path) {
    URI uri = URI.create("http://127.0.0.1:" + fleet.agentOpsPort(s.name()) + path);
    try {
      return HTTP.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + uri, e);
    }
  }

  /** The sample {@code name{<first label>="value"}} of an agent's /metrics, -1 when absent. */
  private double metric(Fleet.Server s, String name, String labelValue) {
    Matcher m =
        Pattern.compile(
                "^"
                    + Pattern.quote(name)
                    + "\\{[a-z_]+=\""
                    + Pattern.quote(labelValue)
                    + "\"\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(agentGet(s, "/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static Map<String, byte[]> contents(Path dir) {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
    return out;
  }
}
