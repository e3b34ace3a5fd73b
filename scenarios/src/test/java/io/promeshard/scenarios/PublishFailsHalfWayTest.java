package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.FailingProxy;
import io.promeshard.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: a publish needing several transactions fails after its first batch committed (a proxy in
 * front of Consul answers 500 to the coordinator's later share transactions), and the jobs change
 * while it keeps failing. Once Consul answers again every agent converges to the final manifest, no
 * target is lost or doubled, and no generation number was ever published for two contents.
 */
class PublishFailsHalfWayTest {
  private static final int SERVERS = 2;
  private static final int JOBS = 40;
  private static final int TARGETS_PER_JOB = 4;
  private static final int ADDED_PER_EDIT = 8;
  private static final int MAX_FAILURES = 8;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final KvLayout LAYOUT = KvLayout.defaults();

  /** A resync so far away that only a read after each failure can explain a timely recovery. */
  private static final String SETTINGS = "{\"flap_hold\": \"3s\", \"resync_interval\": \"10m\"}";

  /** The transactions that publish shares, not those taking the lock or writing status. */
  private static final String SHARE_TXN = "\"Key\":\"" + LAYOUT.nodesDir();

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @Test
  void aPublishFailingAfterItsFirstBatchConvergesWithoutReusingAGeneration() {
    Path dir = FaultLogs.fresh("publish-fails-half-way");
    int port = FreePorts.one();
    Map<String, List<String>> targets = new TreeMap<>();
    for (int j = 0; j < JOBS; j++) {
      targets.put(job(j), Jobs.addresses(j * TARGETS_PER_JOB, TARGETS_PER_JOB, port));
    }
    Map<String, String> specs = new TreeMap<>();
    targets.forEach((job, addresses) -> specs.put(job, Jobs.spec(addresses)));

    Fleet started = Fleet.start(dir, SERVERS, SETTINGS, specs);
    fleet = started;
    try (started;
        FailingProxy proxy = FailingProxy.start(fleet.consulUrl());
        Coordinators coordinators =
            new Coordinators(
                dir.resolve("coordinators"), fleet.jars().coordinator(), proxy.url(), LAYOUT);
        ManifestHistory history = ManifestHistory.watching(fleet.kv(), LAYOUT);
        OutputReader reader = OutputReader.watching(fleet.fileSdDirs())) {
      // the read at election fails once: the first dispatch must follow the retried read, not
      // wait for resync_interval (10 minutes here)
      FailingProxy.Rule read =
          proxy.fail(FailingProxy.Match.get("/v1/kv/" + LAYOUT.nodesDir()), 1, 1);
      FailingProxy.Rule shares = proxy.fail(FailingProxy.Match.txn(SHARE_TXN), 2, MAX_FAILURES);
      long start = System.nanoTime();
      coordinators.start();

      Await.until(WAIT, "the first publish failing at its second batch", () -> shares.failed() > 0);
      assertEquals(1, read.failed(), "the read at election failed once");
      Map<String, Long> committed = generations();
      assertTrue(
          !committed.isEmpty() && committed.size() < SERVERS,
          "the failure came half-way, after some manifests committed: " + committed);

      // the jobs change while publishing fails: the retries plan with the edit
      int failedBeforeEdit = shares.failed();
      for (int j = 0; j < 2; j++) {
        List<String> edited = new ArrayList<>(targets.get(job(j)));
        edited.addAll(
            Jobs.addresses(JOBS * TARGETS_PER_JOB + j * ADDED_PER_EDIT, ADDED_PER_EDIT, port));
        targets.put(job(j), edited);
        fleet.kv().put(LAYOUT.job(job(j)), Jobs.spec(edited));
      }
      // two more failures: the later one starts a backoff after the edit, so it planned with it
      Await.until(
          WAIT,
          "two more failed publishes after the edit",
          () -> shares.failed() >= Math.min(failedBeforeEdit + 2, MAX_FAILURES));
      int failures = shares.failed();
      long healed = System.nanoTime();
      shares.heal();

      Set<String> expected = new TreeSet<>();
      targets.values().forEach(expected::addAll);
      AssertionError notConverged = null;
      Duration converged = null;
      try {
        Await.until(
            WAIT,
            "every target of the final jobs scraped once, every agent on its final manifest",
            () -> fleet.active().exactlyOnce(expected) && agentsApplied(generations()));
        converged = Duration.ofNanos(System.nanoTime() - healed);
      } catch (AssertionError e) {
        notConverged = e;
      }
      Placement active = fleet.active();
      Set<String> lost = active.lost(expected);
      FaultTable.add(
          new FaultTable.Row(
              "publish fails half-way (share txn 2 and the next "
                  + (failures - 1)
                  + " fail, jobs edited meanwhile; read at election fails once)",
              lost.size(),
              active.duplicates().size(),
              reader.bad().size(),
              converged));
      if (notConverged != null) {
        throw notConverged;
      }
      System.out.println(
          "[fault] publish fails half-way: committed before the failure "
              + committed
              + ", "
              + failures
              + " share txns failed, final generations "
              + generations()
              + ", first start -> converged "
              + Figures.seconds(Duration.ofNanos(System.nanoTime() - start)));

      assertEquals(List.of(), history.reused(), "a generation number published for two contents");
      assertEquals(Set.of(), history.unreadable());
      assertTrue(history.polls() > 0, "the manifest poller ran");
      assertTrue(active.exactlyOnce(expected), active.problemsAgainst(expected));
      Map<String, Long> finalGenerations = generations();
      committed.forEach(
          (node, gen) ->
              assertTrue(
                  finalGenerations.get(node) >= gen,
                  node + " went back from generation " + gen + ": " + finalGenerations));
      assertEquals(List.of(), reader.bad(), "partial or invalid files seen during the fault");
      assertTrue(reader.reads() > 0, "the output reader ran");
    }
  }

  private static String job(int j) {
    return String.format(Locale.ROOT, "job-%02d", j);
  }

  /** The generation of each manifest in Consul. */
  private Map<String, Long> generations() {
    Map<String, Long> out = new TreeMap<>();
    fleet
        .kv()
        .tree(LAYOUT.nodesDir())
        .forEach(
            (key, value) -> {
              String node = LAYOUT.nodeOf(key);
              if (node != null && LAYOUT.relativeToNode(node, key).equals(NodeManifest.KEY)) {
                out.put(node, Json.decode(key, value, NodeManifest.class).generation());
              }
            });
    return out;
  }

  /** True when every server's agent reports the generation of its manifest as applied. */
  private boolean agentsApplied(Map<String, Long> manifests) {
    for (Fleet.Server s : fleet.servers()) {
      NodeStatus status = fleet.status(s.name());
      Long generation = manifests.get(s.name());
      if (status == null || generation == null || status.appliedGeneration() != generation) {
        return false;
      }
    }
    return true;
  }
}
