package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.coordinator.cli.CoordinatorMain;
import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.run.Coordinator;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.consul.ConsulConfig;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.ManagedProcess;
import io.promeshard.testkit.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Imported records end to end: three real Prometheus servers, each with a prome-shard agent (a
 * child JVM), the coordinator in process. Each record is loaded by exactly one server; when a
 * server's Prometheus stops, its records move to the others and only those records move.
 */
class RecordsEndToEndTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final List<String> NODES = List.of("p1", "p2", "p3");
  private static final String SETTINGS =
      "{\"flap_hold\":\"1s\",\"debounce\":\"100ms\",\"resync_interval\":\"1h\","
          // records move by handover: two evaluations on the new server, one interval apart
          + "\"record_interval\":\"1s\"}";

  private final Map<String, PrometheusServer> servers = new LinkedHashMap<>();
  private final List<ManagedProcess> agents = new ArrayList<>();
  private Coordinator coordinator;
  private ConsulHttp http;

  @BeforeEach
  void setUp() {
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
  }

  @AfterEach
  void tearDown() {
    http.close();
    if (coordinator != null) {
      coordinator.close();
    }
    agents.forEach(ManagedProcess::stop);
    servers.values().forEach(PrometheusServer::close);
  }

  @Test
  void eachRecordIsLoadedOnExactlyOneServerAndMovesWhenItsServerLeaves() throws Exception {
    Path work = ConsulExtension.logDir(RecordsEndToEndTest.class);
    putKv("prome-shard/config/settings", SETTINGS);
    startFleet(work);
    CoordinatorConfig cfg =
        new CoordinatorConfig(
            new ConsulConfig(consul.url(), null, null),
            null,
            "",
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ZERO);
    coordinator = new Coordinator(cfg, DispatchMode.PUBLISH, report -> {}).start();
    Await.until(
        WAIT,
        "all three Prometheus servers passing their health check in Consul",
        () -> passing() == 3);

    List<String> exprs =
        IntStream.range(0, 24)
            .mapToObj(
                i ->
                    "sum by (job) (rate(prometheus_http_requests_total{handler=\"/h"
                        + i
                        + "\"}[5m]))")
            .toList();
    Path file = Files.write(work.resolve("heavy.txt"), exprs, StandardCharsets.UTF_8);
    Path cfgFile =
        Files.writeString(
            work.resolve("coordinator.yml"), "prefix: prome-shard/\n", StandardCharsets.UTF_8);
    assertEquals(
        0,
        CoordinatorMain.execute(
            "records",
            "import",
            "--exprs",
            file.toString(),
            "--consul",
            consul.url(),
            "--config",
            cfgFile.toString(),
            "--promtool",
            Binaries.promtool().toString()));
    Set<String> records = new TreeSet<>(exprs.stream().map(RecordNaming.defaults()::name).toList());

    Map<String, Set<String>> before =
        Await.value(
            WAIT,
            "every record loaded on exactly one of " + NODES + ", each server with some",
            () -> spreadOver(servers.keySet(), records));

    servers.get("p2").stop();
    Set<String> survivors = Set.of("p1", "p3");
    Map<String, Set<String>> after =
        Await.value(WAIT, "p2's records loaded on p1 or p3", () -> spreadOver(survivors, records));
    for (String node : survivors) {
      assertTrue(
          after.get(node).containsAll(before.get(node)),
          node + " kept its records: " + before + " -> " + after);
    }
    Set<String> moved = new HashSet<>(after.get("p1"));
    moved.addAll(after.get("p3"));
    moved.removeAll(before.get("p1"));
    moved.removeAll(before.get("p3"));
    assertEquals(before.get("p2"), moved, "exactly p2's records moved");
  }

  /**
   * Records loaded per node, when each record is loaded by exactly one of {@code nodes} and each
   * has some; else null.
   */
  private Map<String, Set<String>> spreadOver(Set<String> nodes, Set<String> records) {
    Map<String, Set<String>> byNode = new TreeMap<>();
    List<String> all = new ArrayList<>();
    for (String node : nodes) {
      Set<String> loaded = loadedRecords(servers.get(node));
      byNode.put(node, loaded);
      all.addAll(loaded);
    }
    boolean eachHasSome = byNode.values().stream().noneMatch(Set::isEmpty);
    return eachHasSome && all.size() == records.size() && new TreeSet<>(all).equals(records)
        ? byNode
        : null;
  }

  private int passing() {
    try {
      Request req =
          new Request.Builder()
              .url(
                  http.url("health/service/prome-shard-node")
                      .addQueryParameter("passing", "true")
                      .build())
              .build();
      try (Response r = http.client().newCall(req).execute()) {
        return r.isSuccessful() ? Json.MAPPER.readTree(r.body().bytes()).size() : -1;
      }
    } catch (IOException e) {
      return -1;
    }
  }

  private static Set<String> loadedRecords(PrometheusServer server) {
    JsonNode root =
        Json.decode(
            server + " /api/v1/rules",
            server.get("/api/v1/rules").getBytes(StandardCharsets.UTF_8),
            JsonNode.class);
    Set<String> names = new TreeSet<>();
    root.path("data")
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> names.add(r.path("name").asText())));
    return names;
  }

  private void startFleet(Path work) throws IOException {
    List<CompletableFuture<PrometheusServer>> starting = new ArrayList<>();
    for (String node : NODES) {
      deleteTree(work.resolve(node)); // no rule file of an earlier run may be loaded at start
      Path rules = Files.createDirectories(work.resolve(node).resolve("rules"));
      String yml =
          "global:\n  evaluation_interval: 1s\nrule_files:\n  - " + rules.resolve("*.yml") + "\n";
      starting.add(
          CompletableFuture.supplyAsync(
              () -> PrometheusServer.start(work.resolve(node).resolve("prometheus"), yml)));
    }
    for (int i = 0; i < NODES.size(); i++) {
      servers.put(NODES.get(i), starting.get(i).join());
    }
    for (String node : NODES) {
      Path dir = work.resolve(node);
      Path agentYml =
          Files.writeString(
              dir.resolve("agent.yml"),
              String.join(
                  "\n",
                  "consul:",
                  "  address: " + consul.url(),
                  "node: " + node,
                  "file_sd_dir: " + Files.createDirectories(dir.resolve("file_sd")),
                  "rules_dir: " + dir.resolve("rules"),
                  "prometheus_url: " + servers.get(node).url(),
                  "listen: \"\"",
                  "debounce: 100ms",
                  ""),
              StandardCharsets.UTF_8);
      agents.add(
          ManagedProcess.start(
              "agent-" + node, agentCommand(agentYml), Map.of(), dir.resolve("agent.log")));
    }
  }

  /** The agent from the test classpath when it is there, else from its shaded jar. */
  private static List<String> agentCommand(Path config) {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Class.forName("io.promeshard.agent.cli.AgentMain");
      return List.of(
          java,
          "-cp",
          System.getProperty("java.class.path"),
          "io.promeshard.agent.cli.AgentMain",
          "run",
          "--config",
          config.toString());
    } catch (ClassNotFoundException e) {
      Path root = Binaries.projectRoot();
      Path jar = root == null ? null : root.resolve("agent/target/prome-shard-agent.jar");
      if (jar == null || !Files.isRegularFile(jar)) {
        throw new AssertionError(
            "agent jar not found at "
                + jar
                + ": build it first with mvn -o -q -pl agent -am package -DskipTests");
      }
      return List.of(java, "-jar", jar.toString(), "run", "--config", config.toString());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void putKv(String key, String value) {
    try {
      new KvClient(http).put(key, value.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
