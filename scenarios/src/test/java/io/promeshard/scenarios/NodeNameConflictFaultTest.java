package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulClientAgent;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fault: two hosts with one node name. A second Consul node (a real client agent, "host-b") joins
 * the fleet's Consul; an agent started there with the name of prom-1 must refuse to run (exit 2,
 * naming the other host) while prom-1 keeps its share. Then a stray registration of prom-1 on
 * host-b (an old agent, or two starting at the same moment) is put in Consul behind the agents'
 * back: the coordinator reports the conflict (status/coordinator names both Consul nodes) and gives
 * the name an empty share, so the targets move to prom-2 and none is scraped twice; once the stray
 * registration is gone prom-1 rejoins.
 */
class NodeNameConflictFaultTest {
  private static final int TARGETS = 40;
  private static final Duration FLAP_HOLD = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String JOB = "web";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void twoAgentsClaimOneNodeName() throws Exception {
    Path dir = FaultLogs.fresh("node-name-conflict");
    Set<String> expected = new TreeSet<>(Jobs.addresses(0, TARGETS, FreePorts.one()));
    try (Fleet fleet =
            Fleet.start(dir, 2, Jobs.settings(FLAP_HOLD), Map.of(JOB, Jobs.spec(expected)));
        ConsulClientAgent hostB =
            ConsulClientAgent.start(dir.resolve("host-b"), fleet.consul(), "host-b")) {
      try {
        run(fleet, hostB, expected, dir);
      } catch (RuntimeException | Error e) {
        System.out.println(fleet.logTails(60) + "\n----- host-b\n" + hostB.logTail(40));
        throw e;
      }
    }
  }

  private void run(Fleet fleet, ConsulClientAgent hostB, Set<String> expected, Path dir)
      throws Exception {
    ManagedProcess coordinator = fleet.coordinators().start();
    assertEquals(coordinator, fleet.coordinators().awaitLeader(WAIT));
    Await.until(
        WAIT, "both servers scraping a share, every target once", () -> spread(fleet, expected));

    List<Path> outputs = fleet.servers().stream().map(s -> s.dir().resolve("file_sd")).toList();
    try (OutputReader reader = OutputReader.watching(outputs)) {
      // 1. a second agent with prom-1's name on host-b refuses to run
      Path twin = dir.resolve("host-b-agent");
      Files.createDirectories(twin.resolve("file_sd"));
      Files.writeString(
          twin.resolve("agent.yml"),
          String.join(
              "\n",
              "consul: {address: '" + hostB.url() + "'}",
              "prefix: " + fleet.layout().prefix(),
              "node: prom-1",
              "file_sd_dir: '" + twin.resolve("file_sd") + "'",
              "rules_dir: '" + twin.resolve("rules") + "'",
              "prometheus_url: 'http://127.0.0.1:" + FreePorts.one() + "'",
              "listen: ''",
              ""),
          StandardCharsets.UTF_8);
      Path twinLog = twin.resolve("agent.log");
      Process second =
          new ProcessBuilder(
                  Jars.command(
                      fleet.agentJar(), "run", "--config", twin.resolve("agent.yml").toString()))
              .redirectErrorStream(true)
              .redirectOutput(twinLog.toFile())
              .start();
      if (!second.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        second.destroyForcibly();
        throw new AssertionError(
            "the second prom-1 agent did not exit: " + ManagedProcess.tail(twinLog, 20));
      }
      String twinOutput = Files.readString(twinLog, StandardCharsets.UTF_8);
      System.out.println(
          "[fault] second agent for prom-1 exited "
              + second.exitValue()
              + ":\n"
              + twinOutput
                  .lines()
                  .filter(l -> l.contains("node name prom-1"))
                  .findFirst()
                  .orElse(twinOutput));
      assertEquals(2, second.exitValue(), twinOutput);
      assertTrue(
          twinOutput.contains(
              "node name prom-1 is already registered as service prome-shard-node by another live"
                  + " host: Consul node "
                  + fleet.consul().nodeName()),
          twinOutput);
      try (Stream<Path> files = Files.list(twin.resolve("file_sd"))) {
        assertEquals(List.of(), files.toList(), "the refused agent wrote nothing");
      }
      assertTrue(spread(fleet, expected), "prom-1 kept its share: " + fleet.active().counts());

      // 2. a stray registration of prom-1 on host-b: the coordinator drains the name
      long faultAt = System.nanoTime();
      put(
          hostB.url() + "/v1/agent/service/register",
          "{\"ID\":\"prom-1\",\"Name\":\"" + Fleet.SERVICE + "\",\"Port\":9090}");
      Await.until(
          WAIT,
          "prom-1 drained: every target on prom-2 once",
          () -> {
            Placement a = fleet.active();
            return a.on("prom-1").isEmpty() && a.exactlyOnce(expected);
          });
      Duration converged = Duration.ofNanos(System.nanoTime() - faultAt);
      Placement during = fleet.active();
      Set<String> lost = during.lost(expected);
      int doubled = during.duplicates().size();
      List<String> conflicts = conflicts(fleet);
      System.out.println("[fault] status/coordinator node_conflicts: " + conflicts);
      assertEquals(1, conflicts.size(), conflicts.toString());
      assertTrue(
          conflicts.get(0).contains("Consul node " + fleet.consul().nodeName())
              && conflicts.get(0).contains("Consul node host-b"),
          conflicts.get(0));
      assertTrue(
          coordinator.logTail(400).contains("node name prom-1 is claimed by 2 live registrations"),
          "the coordinator logs the conflict");

      // 3. the stray registration leaves: prom-1 rejoins after flap_hold
      long resolvedAt = System.nanoTime();
      put(hostB.url() + "/v1/agent/service/deregister/prom-1", "");
      Await.until(WAIT, "prom-1 back with a share", () -> spread(fleet, expected));
      Duration rejoined = Duration.ofNanos(System.nanoTime() - resolvedAt);
      Await.until(WAIT, "the conflict cleared in status", () -> conflicts(fleet).isEmpty());
      System.out.println(
          "[fault] two agents claim one node name: drained in "
              + Figures.seconds(converged)
              + ", prom-1 rejoined "
              + Figures.seconds(rejoined)
              + " after the stray registration left (flap_hold "
              + FLAP_HOLD.toSeconds()
              + "s)");

      List<String> bad = reader.bad();
      FaultTable.add(
          new FaultTable.Row(
              "two agents claim one node name (2nd agent exits 2; a stray duplicate is drained)",
              lost.size(),
              doubled,
              bad.size(),
              converged));
      assertEquals(Set.of(), lost, "targets scraped by nobody");
      assertEquals(0, doubled, "targets scraped twice: " + during.duplicates());
      assertEquals(List.of(), bad, "partial or invalid files seen");
      assertTrue(reader.reads() > 0, "the reader read files");
    }
  }

  /** Both servers scrape some targets and every target exactly once. */
  private static boolean spread(Fleet fleet, Set<String> expected) {
    Placement a = fleet.active();
    return a.exactlyOnce(expected) && !a.on("prom-1").isEmpty() && !a.on("prom-2").isEmpty();
  }

  private static List<String> conflicts(Fleet fleet) {
    return fleet
        .kv()
        .entry(fleet.layout().coordinatorStatus())
        .map(
            e -> {
              try {
                JsonNode status =
                    JSON.readTree(Base64.getDecoder().decode(e.path("Value").asText("")));
                return JSON.convertValue(
                    status.path("node_conflicts"),
                    new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
              } catch (IOException ex) {
                throw new UncheckedIOException(ex);
              }
            })
        .map(l -> l == null ? List.<String>of() : l)
        .orElse(List.of());
  }

  private static void put(String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
  }
}
