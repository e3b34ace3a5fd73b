package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.cli.CoordinatorMain;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The coordinator end to end against a real Consul: nodes are services with TTL checks. */
class CoordinatorTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int TARGETS = 3000;
  private static final String SETTINGS =
      "{\"flap_hold\":\"2s\",\"debounce\":\"100ms\",\"resync_interval\":\"1h\"}";

  private ConsulFleet fleet;
  private final List<Coordinator> running = new ArrayList<>();
  private final LinkedBlockingQueue<DispatchReport> reports = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() {
    fleet = ConsulFleet.cleared(consul);
  }

  @AfterEach
  void tearDown() {
    running.forEach(Coordinator::close);
    fleet.close();
  }

  private static String staticJob(int count, String prefix, Integer replicas) {
    StringBuilder sb =
        new StringBuilder("{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[");
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("\"")
          .append(prefix)
          .append(i / 250)
          .append('.')
          .append(i % 250)
          .append(":9100\"");
    }
    sb.append("],\"labels\":{\"env\":\"prod\"}}]}]")
        .append(replicas == null ? "" : ",\"replicas\":" + replicas)
        .append('}');
    return sb.toString();
  }

  private Coordinator start() throws Exception {
    return start(reports);
  }

  private Coordinator start(LinkedBlockingQueue<DispatchReport> sink) throws Exception {
    Coordinator c =
        new Coordinator(
                ConsulFleet.coordinatorConfig(consul.url()), DispatchMode.PUBLISH, sink::add)
            .start();
    running.add(c);
    return c;
  }

  private void nodes(int n) {
    for (int i = 1; i <= n; i++) {
      fleet.register("p" + i, 1, "z" + (i % 3));
    }
  }

  /** Owners of every job/address as published. */
  private Map<String, Set<String>> owners() {
    Map<String, Set<String>> owners = new HashMap<>();
    fleet
        .published()
        .forEach(
            (node, share) ->
                share
                    .targets()
                    .forEach(
                        (job, groups) ->
                            groups.forEach(
                                g ->
                                    owners
                                        .computeIfAbsent(
                                            job + "/" + g.targets().get(0), k -> new HashSet<>())
                                        .add(node))));
    return owners;
  }

  private Map<String, Set<String>> awaitOwners(
      String what, int targets, java.util.function.Predicate<Map<String, Set<String>>> cond) {
    return Await.value(
        WAIT,
        what,
        () -> {
          Map<String, Set<String>> o = owners();
          return o.size() == targets && cond.test(o) ? o : null;
        });
  }

  @Test
  void everyTargetOnExactlyOneNodeWithOneReplicaAndOnTwoDistinctNodesWithTwo() throws Exception {
    nodes(5);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(TARGETS, "10.1.", null));
    fleet.putKv("prome-shard/config/jobs/db", staticJob(1000, "10.2.", 2));
    start();
    Map<String, Set<String>> owners =
        awaitOwners("all targets published", TARGETS + 1000, o -> true);
    owners.forEach((key, set) -> assertEquals(key.startsWith("db/") ? 2 : 1, set.size(), key));
    Map<String, Integer> perNode = new HashMap<>();
    owners.forEach((key, set) -> set.forEach(n -> perNode.merge(n, 1, Integer::sum)));
    double avg = (TARGETS + 2000) / 5.0;
    perNode.forEach((n, c) -> assertTrue(c <= avg * 1.05 + 1, n + " holds " + c + ", avg " + avg));
    fleet
        .published()
        .values()
        .forEach(
            s -> s.targets().get("web").forEach(g -> assertEquals("prod", g.labels().get("env"))));
  }

  @Test
  void metricsAndHealthDescribeTheLeaderAndItsDispatches() throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    Coordinator c = start();
    awaitOwners("published", 300, o -> true);
    String base = "http://127.0.0.1:" + c.opsPort();
    String metrics =
        Await.value(
            WAIT,
            "metrics after the dispatch",
            () -> {
              String m = http(base + "/metrics");
              return m.contains("prome_shard_dispatches_total{result=\"changed\"}") ? m : null;
            });
    for (String line :
        List.of(
            "prome_shard_leader 1.0",
            "prome_shard_healthy_nodes 3.0",
            "prome_shard_node_targets{node=\"p1\"}",
            "prome_shard_node_cost{node=\"p2\"}",
            "prome_shard_dispatch_duration_seconds_count",
            "prome_shard_last_successful_dispatch_timestamp_seconds",
            "prome_shard_source_failing{job=\"web\"",
            "prome_shard_moved_assignments_total",
            "prome_shard_config_errors 0.0")) {
      assertTrue(metrics.contains(line), "missing " + line + " in\n" + metrics);
    }
    assertTrue(http(base + "/healthz").startsWith("ok: leader epoch "), http(base + "/healthz"));
  }

  @Test
  void generationGaugesShowWhatTheLeaderPublishedAndWhatEachAgentReportsApplying()
      throws Exception {
    nodes(2);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(100, "10.1.", null));
    Coordinator leader = start();
    awaitOwners("published", 100, o -> true);
    long published = fleet.manifest("p1").generation();
    String base = "http://127.0.0.1:" + leader.opsPort();
    String before =
        Await.value(
            WAIT,
            "the leader's generation gauges",
            () -> {
              String m = http(base + "/metrics");
              return m.contains(
                      "prome_shard_node_published_generation{node=\"p1\"} " + published + ".0")
                  ? m
                  : null;
            });
    assertTrue(
        before.contains("prome_shard_node_applied_generation{node=\"p1\"} 0.0"),
        "p1 has reported nothing yet:\n" + before);

    reportEverythingScraped("p1");
    Await.until(
        WAIT,
        "p1's report in the applied gauge",
        () ->
            http(base + "/metrics")
                .contains("prome_shard_node_applied_generation{node=\"p1\"} " + published + ".0"));

    Coordinator standby = start(new LinkedBlockingQueue<>());
    String standbyMetrics = http("http://127.0.0.1:" + standby.opsPort() + "/metrics");
    assertTrue(standbyMetrics.contains("prome_shard_leader 0.0"), standbyMetrics);
    assertFalse(
        standbyMetrics.contains("prome_shard_node_published_generation{"),
        "a standby exports no per-node generations:\n" + standbyMetrics);
    assertFalse(
        standbyMetrics.contains("prome_shard_node_applied_generation{"),
        "a standby exports no per-node generations:\n" + standbyMetrics);
  }

  private static String http(String url) {
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void failingNodeLosesOnlyItsTargetsAtOnceAfterFlapHoldAndAboutOneNthMoveBackByHandover()
      throws Exception {
    nodes(5);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(TARGETS, "10.1.", null));
    start();
    Map<String, Set<String>> before = awaitOwners("initial assignment", TARGETS, o -> true);
    fleet.fail("p3");
    // within flap_hold nothing changes: the first second after the failure p3 still owns its
    // targets
    long failedAt = System.nanoTime();
    Await.until(Duration.ofMillis(800), "pause", () -> System.nanoTime() - failedAt > 700_000_000L);
    assertEquals(before, owners(), "targets moved before flap_hold expired");
    // a failed node keeps nothing: its targets move at once, no handover waits on it
    Map<String, Set<String>> after =
        awaitOwners(
            "p3 drained", TARGETS, o -> o.values().stream().noneMatch(s -> s.contains("p3")));
    int moved = 0;
    for (var e : before.entrySet()) {
      if (!after.get(e.getKey()).equals(e.getValue())) {
        moved++;
        assertEquals(Set.of("p3"), e.getValue(), "a target of another node moved: " + e.getKey());
      }
    }
    assertEquals(before.values().stream().filter(s -> s.contains("p3")).count(), moved);

    // p3 returns: its targets are published on it while their old owners keep them
    fleet.pass("p3");
    Map<String, Set<String>> overlap =
        awaitOwners("p3 back", TARGETS, o -> o.values().stream().anyMatch(s -> s.contains("p3")));
    int movedBack = 0;
    for (var e : after.entrySet()) {
      Set<String> now = overlap.get(e.getKey());
      if (!now.equals(e.getValue())) {
        movedBack++;
        Set<String> both = new java.util.TreeSet<>(e.getValue());
        both.add("p3");
        assertEquals(both, new java.util.TreeSet<>(now), "make-before-break: " + e.getKey());
      }
    }
    assertTrue(
        movedBack <= TARGETS / 5 * 1.15 && movedBack >= TARGETS / 5 * 0.85,
        "moved back: " + movedBack);
    assertTrue(handoversInStatus(), "status shows the handovers in progress");

    // p3's agent reports the generation applied and every target scraped: the old owners let go
    reportEverythingScraped("p3");
    Map<String, Set<String>> back =
        awaitOwners(
            "p3's targets taken over",
            TARGETS,
            o -> o.values().stream().allMatch(owners -> owners.size() == 1));
    for (var e : after.entrySet()) {
      if (!back.get(e.getKey()).equals(e.getValue())) {
        assertEquals(
            Set.of("p3"),
            back.get(e.getKey()),
            "a target moved between surviving nodes: " + e.getKey());
      }
    }
    Await.until(WAIT, "no handover left in status/coordinator", () -> !handoversInStatus());
  }

  @Test
  void aHandoverTheNewOwnerNeverConfirmsEndsAtHandoverTimeout() throws Exception {
    nodes(2);
    fleet.putKv(
        "prome-shard/config/settings", SETTINGS.replace("}", ",\"handover_timeout\":\"2s\"}"));
    fleet.putKv("prome-shard/config/jobs/web", staticJob(200, "10.3.", null));
    fleet.fail("p2");
    start();
    awaitOwners("all on p1", 200, o -> o.values().stream().allMatch(s -> s.equals(Set.of("p1"))));
    fleet.pass("p2");
    awaitOwners(
        "p2 joined, p1 keeping what moves",
        200,
        o -> o.values().stream().anyMatch(s -> s.size() == 2));
    // p2's agent never reports: after handover_timeout p1 lets go anyway
    Map<String, Set<String>> end =
        awaitOwners(
            "handovers timed out",
            200,
            o ->
                o.values().stream().allMatch(s -> s.size() == 1)
                    && o.values().stream().anyMatch(s -> s.contains("p2")));
    assertTrue(end.values().stream().anyMatch(s -> s.contains("p1")), "p1 keeps its own share");
    String metrics = http("http://127.0.0.1:" + running.get(0).opsPort() + "/metrics");
    String timedOut = "prome_shard_handovers_timed_out_total{kind=\"target\"} ";
    assertTrue(
        metrics.lines().anyMatch(l -> l.startsWith(timedOut) && !l.equals(timedOut + "0.0")),
        metrics);
  }

  @Test
  void coldFleetStartPlacesTargetsOnceWhenChecksPassAMomentApart() throws Exception {
    nodes(3);
    fleet.fail("p2");
    fleet.fail("p3");
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    start();
    long started = System.nanoTime();
    Await.until(WAIT, "a moment passes", () -> System.nanoTime() - started > 3_000_000_000L);
    assertTrue(
        fleet.published().isEmpty(), "published before the registered servers passed their checks");
    fleet.pass("p2");
    fleet.pass("p3");
    Map<String, Set<String>> owners =
        awaitOwners(
            "all three servers share the targets",
            300,
            o -> o.values().stream().flatMap(Set::stream).distinct().count() == 3);
    assertEquals(300, owners.size());
    for (String node : List.of("p1", "p2", "p3")) {
      var manifest = fleet.kv.get("prome-shard/nodes/" + node + "/manifest").orElseThrow();
      assertEquals(
          1,
          Json.decode(manifest.key(), manifest.value(), io.promeshard.protocol.NodeManifest.class)
              .generation(),
          node
              + " was published more than once: the first dispatch did not wait for the joining servers");
    }
  }

  @Test
  void aServerThatNeverPassesDelaysTheFirstDispatchOnlyUntilStartupGracePlusFlapHold()
      throws Exception {
    nodes(2);
    fleet.fail("p2");
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(100, "10.1.", null));
    start(); // startup_grace 5s + flap_hold 2s
    Map<String, Set<String>> owners = awaitOwners("published without p2", 100, o -> true);
    assertTrue(owners.values().stream().allMatch(x -> x.equals(Set.of("p1"))), owners.toString());
  }

  @Test
  void withZeroHealthyNodesTheLastAssignmentStaysAndStatusSaysSo() throws Exception {
    nodes(2);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(200, "10.1.", null));
    start();
    awaitOwners("published", 200, o -> true);
    fleet.fail("p1");
    fleet.fail("p2");
    CoordinatorStatus status =
        Await.value(
            WAIT,
            "status reports no healthy members",
            () -> {
              CoordinatorStatus s = coordinatorStatus();
              return s != null && s.problem().startsWith("no healthy members") ? s : null;
            });
    assertTrue(
        status.problem().contains("keeping the last published assignment"), status.problem());
    // the two checks may fail a moment apart, so the last assignment is the one published when
    // the last member left; from then on nothing is written, even for new input
    Map<String, Long> held = nodeIndexes();
    assertEquals(200, owners().size(), "every target stays published");
    long attempts = heldDispatches();
    fleet.putKv("prome-shard/config/jobs/web", staticJob(210, "10.1.", null));
    Await.until(WAIT, "the edit is dispatched and held", () -> heldDispatches() > attempts);
    assertEquals(held, nodeIndexes(), "shares were changed with zero healthy nodes");
    fleet.pass("p1");
    awaitOwners(
        "p1 takes everything once p2 stays out",
        210,
        o -> o.values().stream().allMatch(x -> x.equals(Set.of("p1"))));
  }

  @Test
  void removingMostTargetsAtOnceIsHeldUntilAnOperatorApprovesIt() throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(600, "10.1.", null));
    fleet.putKv("prome-shard/config/jobs/db", staticJob(100, "10.2.", null));
    Coordinator c = start();
    awaitOwners("published", 700, o -> true);
    Await.value(WAIT, "status written", this::coordinatorStatus);
    String base = "http://127.0.0.1:" + c.opsPort();
    Map<String, Long> nodesBefore = nodeIndexes();
    fleet.kv.delete("prome-shard/config/jobs/web");
    CoordinatorStatus held =
        Await.value(
            WAIT,
            "the removal is held",
            () -> {
              CoordinatorStatus s = coordinatorStatus();
              return s != null && s.hold() != null ? s : null;
            });
    assertEquals(
        "would remove 600 of 700 published targets (86%), over max_removed_fraction 0.5",
        held.hold().reason());
    assertTrue(held.hold().approvable());
    assertEquals(nodesBefore, nodeIndexes(), "a held dispatch wrote shares");
    assertEquals(700, owners().size());
    assertTrue(
        http(base + "/healthz").contains("dispatch held: would remove 600"),
        http(base + "/healthz"));
    assertTrue(http(base + "/metrics").contains("prome_shard_dispatch_held 1.0"));

    assertEquals(
        ExitCodes.RUNTIME,
        CoordinatorMain.execute(
            "approve", "--consul", consul.url(), "--id", "removal-000000000000"),
        "an approval names the hold it releases");
    assertEquals(nodesBefore, nodeIndexes());
    assertEquals(
        ExitCodes.OK,
        CoordinatorMain.execute("approve", "--consul", consul.url(), "--id", held.hold().id()));
    awaitOwners("the approved removal is published", 100, o -> true);
    Await.until(
        WAIT,
        "the approval is used up and the hold cleared",
        () -> {
          CoordinatorStatus s = coordinatorStatus();
          return s != null && s.hold() == null && !kvHas("prome-shard/hold-approval");
        });
    Await.until(WAIT, "healthy again", () -> http(base + "/healthz").startsWith("ok: leader"));
    assertTrue(http(base + "/metrics").contains("prome_shard_dispatch_held 0.0"));
    assertEquals(
        ExitCodes.RUNTIME,
        CoordinatorMain.execute("approve", "--consul", consul.url()),
        "nothing is held any more");
  }

  @Test
  void configReadBackEmptyIsHeldAndReleasedWhenTheJobsReturn() throws Exception {
    nodes(3);
    fleet.putKv(
        "prome-shard/config/settings", SETTINGS.replace("}", ",\"max_removed_fraction\":1}"));
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    start();
    Map<String, Set<String>> before = awaitOwners("published", 300, o -> true);
    Map<String, Long> nodesBefore = nodeIndexes();
    // what a lost ACL permission or a wrong prefix looks like: config/ holds no job any more
    fleet.kv.delete("prome-shard/config/jobs/web");
    CoordinatorStatus held =
        Await.value(
            WAIT,
            "publishing no job is held",
            () -> {
              CoordinatorStatus s = coordinatorStatus();
              return s != null && s.hold() != null ? s : null;
            });
    assertEquals(
        "would publish no job where 1 jobs (300 targets) are published now: [web]",
        held.hold().reason());
    assertEquals(nodesBefore, nodeIndexes());
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    Await.until(
        WAIT,
        "the hold clears when the input returns",
        () -> {
          CoordinatorStatus s = coordinatorStatus();
          return s != null && s.hold() == null;
        });
    assertEquals(before, owners(), "nothing moved");
  }

  @Test
  void aTargetThatCannotBePublishedIsLeftOutAloneAndNamed() throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    String huge = "v".repeat(300_000);
    fleet.putKv(
        "prome-shard/config/jobs/huge",
        "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"10.9.0.1:9100\"],"
            + "\"labels\":{\"blob\":\""
            + huge
            + "\"}},{\"targets\":[\"10.9.0.2:9100\"]}]}]}");
    fleet.putKv(
        "prome-shard/records/1", "{\"record\":\"r:big\",\"expr\":\"" + "x".repeat(70_000) + "\"}");
    Coordinator c = start();
    Map<String, Set<String>> owners = awaitOwners("the rest is published", 301, o -> true);
    assertTrue(owners.containsKey("huge/10.9.0.2:9100"), "the good target of the same job");
    CoordinatorStatus status =
        Await.value(
            WAIT,
            "status names the rejected target",
            () -> {
              CoordinatorStatus s = coordinatorStatus();
              return s != null && s.rejectedTargets() != null ? s : null;
            });
    assertEquals(1, status.rejectedTargets().count());
    assertEquals(
        List.of(
            "huge huge/0 (static) \"10.9.0.1:9100\": labels.blob: value of 300000 bytes, over the"
                + " limit of 16384"),
        status.rejectedTargets().named());
    assertTrue(
        status.configErrors().get("prome-shard/records/1").contains("over the limit of 65536"),
        status.configErrors().toString());
    String metrics = http("http://127.0.0.1:" + c.opsPort() + "/metrics");
    assertTrue(metrics.contains("prome_shard_rejected_targets{job=\"huge\"} 1.0"), metrics);
    assertTrue(metrics.contains("prome_shard_rejected_targets{job=\"web\"} 0.0"), metrics);
  }

  /** Dispatches held so far by the coordinator this test started (from its /metrics). */
  private long heldDispatches() {
    String metrics = http("http://127.0.0.1:" + running.get(0).opsPort() + "/metrics");
    return metrics
        .lines()
        .filter(l -> l.startsWith("prome_shard_dispatches_total{result=\"held\"}"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  @Test
  void aTakeoverKeepsTheTargetsOfASourceThatIsDownWhileTheOtherSourceIsFresh() throws Exception {
    nodes(3);
    StringBuilder sdBody = new StringBuilder("[{\"targets\":[");
    for (int i = 0; i < 50; i++) {
      sdBody.append(i == 0 ? "" : ",").append("\"10.2.0.").append(i).append(":9100\"");
    }
    sdBody.append("]}]");
    okhttp3.mockwebserver.MockWebServer sd = new okhttp3.mockwebserver.MockWebServer();
    sd.setDispatcher(
        new okhttp3.mockwebserver.Dispatcher() {
          @Override
          public okhttp3.mockwebserver.MockResponse dispatch(
              okhttp3.mockwebserver.RecordedRequest request) {
            return new okhttp3.mockwebserver.MockResponse()
                .setHeader("Content-Type", "application/json")
                .setBody(sdBody.toString());
          }
        });
    sd.start(java.net.InetAddress.getLoopbackAddress(), 0);
    String staticPart = staticJob(100, "10.1.", null);
    String job =
        staticPart.substring(0, staticPart.indexOf("]}]") + 2)
            + ",{\"type\":\"http_sd\",\"url\":\""
            + sd.url("/sd")
            + "\",\"refresh\":\"1s\"}]}";
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", job);
    Coordinator first = start();
    Map<String, Set<String>> before = awaitOwners("both sources published", 150, o -> true);
    long epoch = Await.value(WAIT, "leader writes its status", this::coordinatorStatus).epoch();
    sd.shutdown(); // http_sd is down from here on, for the standby since it starts
    LinkedBlockingQueue<DispatchReport> standby = new LinkedBlockingQueue<>();
    start(standby);
    first.close();
    DispatchReport report = standby.poll(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    assertTrue(report != null, "the new leader dispatched");
    assertTrue(coordinatorStatus().epoch() > epoch);
    assertEquals(150, report.output().targets(), "http_sd's published targets are kept");
    assertEquals(before, owners(), "the takeover lost or moved targets");
  }

  @Test
  void utf8LabelNamesArePublishedOnlyWhenTheFleetSaysSo() throws Exception {
    nodes(1);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv(
        "prome-shard/config/jobs/web",
        "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"10.1.0.1:9100\"],"
            + "\"labels\":{\"service.name\":\"checkout\"}},{\"targets\":[\"10.1.0.2:9100\"]}]}]}");
    start();
    awaitOwners("the legacy-named target only", 1, o -> o.containsKey("web/10.1.0.2:9100"));
    fleet.putKv("prome-shard/config/settings", SETTINGS.replace("}", ",\"label_names\":\"utf8\"}"));
    awaitOwners("both, once label_names is utf8", 2, o -> true);
    String label =
        fleet.published().values().stream()
            .flatMap(share -> share.targets().getOrDefault("web", List.of()).stream())
            .filter(g -> g.targets().get(0).equals("10.1.0.1:9100"))
            .map(g -> g.labels().get("service.name"))
            .findFirst()
            .orElse(null);
    assertEquals("checkout", label);
  }

  private Map<String, Long> nodeIndexes() throws java.io.IOException {
    Map<String, Long> out = new HashMap<>();
    for (KvEntry e : fleet.kv.list("prome-shard/nodes/", 0, Duration.ZERO).value()) {
      out.put(e.key(), e.modifyIndex());
    }
    return out;
  }

  private boolean kvHas(String key) {
    try {
      return fleet.kv.get(key).isPresent();
    } catch (java.io.IOException e) {
      return true;
    }
  }

  @Test
  void secondIdenticalDispatchWritesZeroKeys() throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(TARGETS, "10.1.", null));
    start();
    awaitOwners("published", TARGETS, o -> true);
    Map<String, Long> indexes = modifyIndexes();
    // an unrelated config edit (a new empty settings field value equal to the default) triggers a
    // dispatch
    reports.clear();
    fleet.putKv("prome-shard/config/settings", SETTINGS.replace("}", ",\"replicas\":1}"));
    DispatchReport report = reports.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(report != null, "no dispatch after the edit");
    assertTrue(report.plan().isEmpty(), "plan: " + report.plan().keyCount() + " keys");
    assertEquals(0, report.written().ops());
    assertEquals(indexes, modifyIndexes());
  }

  @Test
  void jobEditReachesTheSharesAndAMalformedEditChangesNothing() throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    start();
    awaitOwners("published", 300, o -> true);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(400, "10.1.", null));
    awaitOwners("edit published", 400, o -> true);
    Map<String, Long> indexes = modifyIndexes();
    fleet.putKv(
        "prome-shard/config/jobs/web",
        "{\"sources\":[{\"type\":\"static\",\"groups\":[]}],\"lables\":{}}");
    CoordinatorStatus status =
        Await.value(
            WAIT,
            "status names the bad key",
            () -> {
              CoordinatorStatus s = coordinatorStatus();
              return s != null && s.configErrors().containsKey("prome-shard/config/jobs/web")
                  ? s
                  : null;
            });
    assertTrue(
        status
            .configErrors()
            .get("prome-shard/config/jobs/web")
            .startsWith("prome-shard/config/jobs/web: "),
        status.configErrors().toString());
    assertEquals(400, owners().size());
    Map<String, Long> now = modifyIndexes();
    now.remove("prome-shard/status/coordinator");
    indexes.remove("prome-shard/status/coordinator");
    assertEquals(indexes, now, "a malformed edit changed published keys");
  }

  @Test
  void standbyNeverWritesWhileTheLeaderHoldsTheLockAndTakesOverWhenItStops() throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(600, "10.1.", null));
    Coordinator first = start();
    awaitOwners("first publishes", 600, o -> true);
    // status/coordinator is written in its own transaction right after the shares
    long epoch = Await.value(WAIT, "leader writes its status", this::coordinatorStatus).epoch();
    LinkedBlockingQueue<DispatchReport> standby = new LinkedBlockingQueue<>();
    start(standby);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(650, "10.1.", null));
    awaitOwners("edit published by the leader", 650, o -> true);
    fleet.fail("p2");
    awaitOwners(
        "leader reacts to membership",
        650,
        o -> o.values().stream().noneMatch(s -> s.contains("p2")));
    fleet.pass("p2");
    awaitOwners("p2 back", 650, o -> o.values().stream().anyMatch(s -> s.contains("p2")));
    Map<String, Set<String>> beforeTakeover = owners();
    assertTrue(standby.isEmpty(), "the standby dispatched while the leader held the lock");
    assertEquals(epoch, coordinatorStatus().epoch());
    first.close();
    CoordinatorStatus status =
        Await.value(
            WAIT,
            "standby takes over",
            () -> {
              CoordinatorStatus s = coordinatorStatus();
              return s != null && s.epoch() > epoch ? s : null;
            });
    assertTrue(status.epoch() > epoch);
    assertTrue(
        standby.poll(WAIT.toSeconds(), TimeUnit.SECONDS) != null, "the new leader dispatched");
    Map<String, Set<String>> afterTakeover = awaitOwners("still published", 650, o -> true);
    assertEquals(beforeTakeover, afterTakeover, "the takeover moved targets");
    fleet.putKv("prome-shard/config/jobs/web", staticJob(700, "10.1.", null));
    awaitOwners("new leader publishes edits", 700, o -> true);
  }

  @Test
  void aNewLeaderContinuesTheHandoversItFindsPublishedAndEndsThemOnTheNewOwnersReport()
      throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    Coordinator first = start();
    awaitOwners("first publishes", 300, o -> true);
    long epoch = Await.value(WAIT, "leader writes its status", this::coordinatorStatus).epoch();
    fleet.fail("p3");
    awaitOwners("p3 failed", 300, o -> o.values().stream().noneMatch(s -> s.contains("p3")));
    fleet.pass("p3");
    Map<String, Set<String>> overlap =
        awaitOwners(
            "p3 back, handovers in progress",
            300,
            o -> o.values().stream().anyMatch(s -> s.size() == 2 && s.contains("p3")));

    LinkedBlockingQueue<DispatchReport> standby = new LinkedBlockingQueue<>();
    start(standby);
    first.close();
    Await.until(
        WAIT,
        "the standby leads",
        () -> coordinatorStatus() != null && coordinatorStatus().epoch() > epoch);
    assertTrue(
        standby.poll(WAIT.toSeconds(), TimeUnit.SECONDS) != null, "the new leader dispatched");
    assertEquals(overlap, owners(), "the new leader keeps the handovers going, moves nothing");
    assertTrue(handoversInStatus(), "and reports them");

    reportEverythingScraped("p3");
    Map<String, Set<String>> end =
        awaitOwners(
            "the handovers end", 300, o -> o.values().stream().allMatch(s -> s.size() == 1));
    overlap.forEach(
        (key, owners) -> {
          if (owners.size() == 2) {
            assertEquals(Set.of("p3"), end.get(key), "taken over by p3: " + key);
          } else {
            assertEquals(owners, end.get(key), "not in handover: " + key);
          }
        });
  }

  @Test
  void epochAndGenerationNeverGoBackwardsAfterTheLeaderKeyAndAManifestAreDeletedByHand()
      throws Exception {
    nodes(3);
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(300, "10.1.", null));
    Coordinator first = start();
    awaitOwners("first publishes", 300, o -> true);
    first.close();
    // a second term (epoch 2) with a few dispatches, so epochs and generations are above 1
    Coordinator second = start();
    Await.until(
        WAIT,
        "a second term",
        () -> coordinatorStatus() != null && coordinatorStatus().epoch() == 2);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(320, "10.1.", null));
    awaitOwners("edit published", 320, o -> true);
    fleet.putKv("prome-shard/config/jobs/web", staticJob(340, "10.1.", null));
    awaitOwners("edit published", 340, o -> true);
    Map<String, NodeManifest> before = manifests();
    NodeManifest p1 = before.get("p1");
    fleet.kv.put(
        "prome-shard/status/p1",
        Json.encode(NodeStatus.of("p1", p1.generation(), p1.epoch(), List.of(), null, "", "t")));
    second.close();
    // an operator deletes the leader key (epochs of the next term restart at 1) and p1's manifest
    fleet.kv.delete("prome-shard/leader");
    fleet.kv.delete("prome-shard/nodes/p1/manifest");
    start();
    fleet.putKv("prome-shard/config/jobs/web", staticJob(360, "10.1.", null));
    awaitOwners("the next term publishes", 360, o -> true);
    Map<String, NodeManifest> after = manifests();
    long highestEpoch = before.values().stream().mapToLong(NodeManifest::epoch).max().orElseThrow();
    assertEquals(2, highestEpoch);
    for (Map.Entry<String, NodeManifest> e : after.entrySet()) {
      NodeManifest was = before.get(e.getKey());
      assertTrue(
          e.getValue().epoch() >= highestEpoch,
          e.getKey() + " epoch " + e.getValue().epoch() + " below " + highestEpoch);
      assertTrue(
          e.getValue().generation() > was.generation(),
          e.getKey() + " generation " + e.getValue().generation() + " not above " + was);
    }
  }

  private Map<String, NodeManifest> manifests() throws java.io.IOException {
    Map<String, NodeManifest> out = new java.util.TreeMap<>();
    for (KvEntry e : fleet.kv.list("prome-shard/nodes/", 0, Duration.ZERO).value()) {
      if (e.key().endsWith("/manifest")) {
        out.put(
            e.key().substring("prome-shard/nodes/".length(), e.key().lastIndexOf('/')),
            Json.decode(e.key(), e.value(), NodeManifest.class));
      }
    }
    return out;
  }

  /**
   * Writes {@code status/<node>} as its agent would once it applied the published generation and
   * its Prometheus scraped every target.
   */
  private void reportEverythingScraped(String node) {
    fleet.putKv(
        "prome-shard/status/" + node,
        "{\"node\":\""
            + node
            + "\",\"applied_generation\":"
            + fleet.manifest(node).generation()
            + ",\"epoch\":1,\"observed\":{\"unscraped\":[],\"unscraped_count\":0}}");
  }

  private boolean handoversInStatus() {
    CoordinatorStatus s = coordinatorStatus();
    return s != null && s.handovers() != null;
  }

  private CoordinatorStatus coordinatorStatus() {
    return fleet.coordinatorStatus();
  }

  private Map<String, Long> modifyIndexes() throws java.io.IOException {
    Map<String, Long> out = new HashMap<>();
    for (KvEntry e : fleet.kv.list("prome-shard/", 0, Duration.ZERO).value()) {
      if (e.key().startsWith("prome-shard/nodes/") || e.key().startsWith("prome-shard/status/")) {
        out.put(
            e.key(),
            e.modifyIndex()); // what dispatches write; config/ is edited by the test itself
      }
    }
    assertFalse(out.isEmpty());
    return out;
  }
}
