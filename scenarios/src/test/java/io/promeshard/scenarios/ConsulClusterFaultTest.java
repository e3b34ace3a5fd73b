package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulCluster;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consul itself failing under a running fleet: the raft leader of a three-server cluster killed in
 * the middle of a publish, and a single Consul server killed and restarted with its data dir. Each
 * test adds a row to the {@link FaultTable}.
 */
class ConsulClusterFaultTest {
  private static final int SERVERS = 2;
  private static final String JOB = "web";
  private static final Duration FLAP_HOLD = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** A label long enough that the big edit's parts need several 512 KiB transactions. */
  private static final String BULK = "x".repeat(2000);

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @AfterEach
  void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  /**
   * Agents and the coordinator talk to their own Consul client agents, as deployed; the raft leader
   * is killed once the first transaction of a multi-transaction publish has committed.
   */
  @Test
  void raftLeaderKilledDuringALargePublishLosesNothing() throws IOException {
    int port = FreePorts.one();
    Set<String> small = new TreeSet<>(Jobs.addresses(0, 40, port));
    ManagedProcess coordinator =
        startConverged(
            () ->
                Fleet.startOnConsulCluster(
                    FaultLogs.fresh("consul-cluster"),
                    SERVERS,
                    // the plain layout: compressed, the bulky labels would fit in one transaction,
                    // and this fault needs a publish of several
                    "{\"flap_hold\": \""
                        + FLAP_HOLD.toSeconds()
                        + "s\", \"share_encoding\": \"plain\"}",
                    Map.of(JOB, Jobs.spec(small))),
            small);

    Set<String> large = new TreeSet<>(Jobs.addresses(0, 1000, port));
    ConsulCluster cluster = fleet.cluster();
    int raftLeader = cluster.leader();
    assertTrue(raftLeader >= 0, "a raft leader before the fault");
    String nodes = fleet.layout().nodesDir();
    long index = fleet.kv().index(nodes);
    int publishesBefore = publishLines(coordinator);
    try (OutputReader reader = OutputReader.watching(fleet.fileSdDirs())) {
      fleet.kv().put(fleet.layout().job(JOB), Jobs.spec(large, "bulk", BULK));
      long changed = fleet.kv().awaitChange(nodes, index, Duration.ofSeconds(30));
      assertNotEquals(index, changed, "the coordinator started publishing the large change");
      long killed = System.nanoTime();
      cluster.kill(raftLeader);
      boolean midPublish = publishLines(coordinator) == publishesBefore;

      int newLeader = cluster.awaitLeader(WAIT);
      Duration election = Duration.ofNanos(System.nanoTime() - killed);
      Duration converged = awaitConverged(large);
      Placement active = fleet.active();
      FaultTable.add(
          new FaultTable.Row(
              "Consul raft leader kill -9 during a multi-txn publish (3 servers, client agents)",
              active.lost(large).size(),
              active.duplicates().size(),
              reader.bad().size(),
              converged));
      System.out.printf(
          "[cluster] raft leader %s killed %s; %s leads after %.1f s; converged after %.1f s;"
              + " coordinator log: %s%n",
          cluster.serverName(raftLeader),
          midPublish ? "mid-publish" : "after the publish",
          cluster.serverName(newLeader),
          election.toMillis() / 1000.0,
          converged.toMillis() / 1000.0,
          publishSummary(coordinator));
      assertTrue(midPublish, "the kill landed before the publish finished");
      assertNotEquals(raftLeader, newLeader);
      assertTrue(active.exactlyOnce(large), active.problemsAgainst(large));
      assertEquals(List.of(), reader.bad(), "partial or invalid files seen");
      assertTrue(reader.reads() > 0, "the reader read output files");
    }
  }

  /**
   * A single Consul server (not -dev) is killed with every process running, stays down until the
   * coordinator gave up its term (no session renewal for a TTL), and comes back with its data dir.
   */
  @Test
  void consulRestartedWithItsDataKeepsFilesAndTheCoordinatorResumes() throws IOException {
    int port = FreePorts.one();
    Set<String> before = new TreeSet<>(Jobs.addresses(0, 40, port));
    ManagedProcess coordinator =
        startConverged(
            () ->
                Fleet.startWithConsulDataDir(
                    FaultLogs.fresh("consul-restart"),
                    SERVERS,
                    Jobs.settings(FLAP_HOLD),
                    Map.of(JOB, Jobs.spec(before))),
            before);

    Set<String> after = new TreeSet<>(Jobs.addresses(0, 60, port));
    try (OutputReader reader = OutputReader.watching(fleet.fileSdDirs())) {
      SortedMap<Path, String> files = outputFiles();
      fleet.consul().kill();
      long down = System.nanoTime();
      Await.until(
          Coordinators.SESSION_TTL.plusSeconds(30),
          "the coordinator giving up its term while Consul is down",
          () -> logLines(coordinator).stream().anyMatch(l -> l.contains("[leader] lost")));
      Duration outage = Duration.ofNanos(System.nanoTime() - down);
      assertEquals(files, outputFiles(), "output files while Consul is down");
      fleet.servers().forEach(s -> assertTrue(s.agent().isAlive(), s.name() + "'s agent runs"));

      fleet.consul().restart();
      long restarted = System.nanoTime();
      assertEquals(files, outputFiles(), "output files right after Consul came back");
      fleet.kv().put(fleet.layout().job(JOB), Jobs.spec(after));
      Duration converged = awaitConverged(after);
      Placement active = fleet.active();
      FaultTable.add(
          new FaultTable.Row(
              "Consul (single server, data dir) kill -9, down past the session TTL, restart;"
                  + " then a job edit",
              active.lost(after).size(),
              active.duplicates().size(),
              reader.bad().size(),
              converged));
      System.out.printf(
          "[consul-restart] Consul down %.1f s; back -> job edit applied everywhere in %.1f s%n",
          outage.toMillis() / 1000.0,
          Duration.ofNanos(System.nanoTime() - restarted).toMillis() / 1000.0);
      assertTrue(active.exactlyOnce(after), active.problemsAgainst(after));
      assertEquals(List.of(), reader.bad(), "partial or invalid files seen");
      assertTrue(reader.reads() > 0, "the reader read output files");
    }
  }

  /**
   * Starts the fleet and one coordinator, waits until {@code targets} are active, prints how long
   * that took and returns the coordinator.
   */
  private ManagedProcess startConverged(Supplier<Fleet> start, Set<String> targets) {
    long begin = System.nanoTime();
    fleet = start.get();
    Duration up = Duration.ofNanos(System.nanoTime() - begin);
    ManagedProcess coordinator = fleet.coordinators().start();
    fleet.coordinators().awaitLeader(WAIT);
    Duration first = awaitConverged(targets);
    System.out.printf(
        "[consul-faults] fleet up in %.1f s, first publish active %.1f s later%n",
        up.toMillis() / 1000.0, first.toMillis() / 1000.0);
    return coordinator;
  }

  /**
   * Waits until every target is active in exactly one Prometheus, each scrapes what is published,
   * and each agent reports the generation of its manifest as applied; returns how long it took.
   */
  private Duration awaitConverged(Set<String> expected) {
    long start = System.nanoTime();
    Await.until(
        WAIT,
        "every target of " + expected.size() + " active once, the final manifests applied",
        () -> {
          // cheap KV reads first: Prometheus' target lists are large and polled often
          Shares shares = fleet.shares(JOB);
          if (shares == null
              || !shares.placement().exactlyOnce(expected)
              || !fleet.servers().stream().allMatch(s -> manifestApplied(s.name()))) {
            return false;
          }
          return fleet.settled(shares, expected);
        });
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The node's agent reports the generation of the node's current manifest as applied. */
  private boolean manifestApplied(String node) {
    long published = field(fleet.layout().manifest(node), "generation");
    return published > 0 && published == fleet.appliedGeneration(node);
  }

  private long field(String key, String name) {
    return fleet
        .kv()
        .entry(key)
        .map(e -> readTree(Base64.getDecoder().decode(e.path("Value").asText(""))))
        .map(v -> v.path(name).asLong(-1))
        .orElse(-1L);
  }

  private static JsonNode readTree(byte[] value) {
    try {
      return Json.MAPPER.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON", e);
    }
  }

  /** Every output file with its content. */
  private SortedMap<Path, String> outputFiles() throws IOException {
    SortedMap<Path, String> out = new TreeMap<>();
    for (Path dir : fleet.fileSdDirs()) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          out.put(f, Files.readString(f));
        }
      }
    }
    return out;
  }

  /** How many publishes the coordinator has logged as fully written. */
  private static int publishLines(ManagedProcess coordinator) {
    return (int) logLines(coordinator).stream().filter(l -> l.contains("[publish] wrote")).count();
  }

  /** The coordinator's publish and publish-failure lines, shortened, for the printed figures. */
  private static String publishSummary(ManagedProcess coordinator) {
    return logLines(coordinator).stream()
        .filter(l -> l.contains("[publish] wrote") || l.contains("publish failed"))
        .map(l -> l.length() > 220 ? l.substring(0, 220) + "..." : l)
        .toList()
        .toString();
  }

  private static List<String> logLines(ManagedProcess p) {
    try {
      return Files.readAllLines(p.logFile(), java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + p.logFile(), e);
    }
  }
}
