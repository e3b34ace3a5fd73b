package io.promeshard.coordinator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Membership against a real Consul agent: nodes registered as services with TTL checks we flip. */
class MembershipWatcherTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private static final Duration HOLD = Duration.ofMillis(1500);
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http = new OkHttpClient();
  private final BlockingQueue<Map<String, Member>> events = new LinkedBlockingQueue<>();
  private ConsulHttp consulHttp;
  private MembershipWatcher watcher;
  private String service;

  @BeforeEach
  void setUp(TestInfo info) {
    consulHttp = ConsulHttp.create(ConsulSettings.of(consul.url()));
    String method = info.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
    service = "node-" + method.substring(0, Math.min(20, method.length()));
  }

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
    consulHttp.close();
  }

  private void start(Duration hold) {
    WatchOptions options =
        WatchOptions.defaults()
            .withWait(Duration.ofSeconds(20))
            .withRetry(RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofMillis(500)));
    watcher =
        new MembershipWatcher(consulHttp, service, hold, events::add, Clock.systemUTC(), options)
            .start();
  }

  private String id(String node) {
    return service + "-" + node;
  }

  private void put(String path, String body) throws IOException {
    Request request =
        new Request.Builder()
            .url(consul.url() + path)
            .put(RequestBody.create(body == null ? "" : body, JSON))
            .build();
    try (Response r = http.newCall(request).execute()) {
      assertEquals(200, r.code(), "PUT " + path + ": " + r.body().string());
    }
  }

  private void register(String node, String meta, boolean passing) throws IOException {
    put(
        "/v1/agent/service/register",
        "{\"ID\":\""
            + id(node)
            + "\",\"Name\":\""
            + service
            + "\",\"Port\":9090,"
            + "\"Meta\":"
            + meta
            + ",\"Check\":{\"TTL\":\"10m\",\"Status\":\""
            + (passing ? "passing" : "critical")
            + "\"}}");
  }

  private void check(String node, boolean passing) throws IOException {
    put("/v1/agent/check/" + (passing ? "pass" : "fail") + "/service:" + id(node), null);
  }

  private Map<String, Member> nextEvent() throws InterruptedException {
    Map<String, Member> e = events.poll(EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(e, "no membership event within " + EVENT_TIMEOUT);
    return e;
  }

  private Set<String> names(String... nodes) {
    return java.util.Arrays.stream(nodes).map(this::id).collect(Collectors.toSet());
  }

  private void awaitPending(String node, RawHealth raw) {
    Await.until(
        EVENT_TIMEOUT,
        node + " pending as " + raw,
        () ->
            watcher.status().pending().stream()
                .anyMatch(p -> p.node().equals(id(node)) && p.raw() == raw));
  }

  /**
   * Asserts that the effective set does not change during the first half of the hold, then returns
   * the change.
   */
  private Map<String, Member> changeAfterHold(
      long flippedAtNanos, Duration hold, String node, boolean member) throws InterruptedException {
    assertNull(
        events.poll(hold.toMillis() / 2, TimeUnit.MILLISECONDS),
        "membership changed before flap_hold");
    assertEquals(
        member,
        watcher.members().containsKey(id(node)),
        node + " in the snapshot half-way through the hold");
    Map<String, Member> e = nextEvent();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - flippedAtNanos);
    assertTrue(
        elapsed.compareTo(hold) >= 0, "changed after " + elapsed + ", before flap_hold " + hold);
    return e;
  }

  @Test
  void healthyNodesAreReportedWithWeightsAndZones() throws Exception {
    register("a", "{\"weight\":\"2\",\"zone\":\"z1\"}", true);
    register("b", "{\"zone\":\"z2\"}", true);
    register("c", "{\"weight\":\"0\"}", true);
    register("d", "{}", false);
    start(HOLD);
    Map<String, Member> first = nextEvent();
    assertEquals(
        Map.of(
            id("a"),
            new Member(id("a"), 2, "z1"),
            id("b"),
            new Member(id("b"), 1, "z2"),
            id("c"),
            new Member(id("c"), 1, "")),
        first);
    assertEquals(first, watcher.members());
    assertTrue(watcher.status().known());
  }

  @Test
  void nodeFailingItsCheckLeavesOnlyAfterFlapHold() throws Exception {
    register("a", "{}", true);
    register("b", "{}", true);
    start(HOLD);
    assertEquals(names("a", "b"), nextEvent().keySet());
    long flipped = System.nanoTime();
    check("b", false);
    awaitPending("b", RawHealth.UNHEALTHY);
    assertEquals(names("a"), changeAfterHold(flipped, HOLD, "b", true).keySet());
    assertTrue(watcher.status().pending().isEmpty());
  }

  @Test
  void returningNodeJoinsOnlyAfterFlapHold() throws Exception {
    register("a", "{}", true);
    register("b", "{\"weight\":\"3\"}", false);
    start(HOLD);
    assertEquals(names("a"), nextEvent().keySet(), "the first observation is taken as it is");
    long flipped = System.nanoTime();
    check("b", true);
    awaitPending("b", RawHealth.HEALTHY);
    assertTrue(watcher.status().pending().get(0).joining());
    Map<String, Member> e = changeAfterHold(flipped, HOLD, "b", false);
    assertEquals(names("a", "b"), e.keySet());
    assertEquals(3, e.get(id("b")).weight());
  }

  @Test
  void maintenanceDrainsAtOnceAndHoldChangeAppliesAtRuntime() throws Exception {
    Duration longHold = Duration.ofSeconds(30);
    register("a", "{}", true);
    register("b", "{}", true);
    start(longHold);
    assertEquals(names("a", "b"), nextEvent().keySet());
    put("/v1/agent/service/maintenance/" + id("b") + "?enable=true&reason=test", null);
    assertEquals(names("a"), nextEvent().keySet(), "drained without waiting for the 30 s hold");
    assertEquals(names("b"), watcher.status().raw().draining());
    put("/v1/agent/service/maintenance/" + id("b") + "?enable=false", null);
    awaitPending("b", RawHealth.HEALTHY);
    watcher.setHold(Duration.ofMillis(500));
    assertEquals(
        names("a", "b"), nextEvent().keySet(), "joined after the new 0.5 s hold, not the old 30 s");
    assertEquals(Duration.ofMillis(500), watcher.status().hold());
  }

  @Test
  void deregisteredNodeLeavesAfterFlapHold() throws Exception {
    register("a", "{}", true);
    register("b", "{}", true);
    start(HOLD);
    assertEquals(names("a", "b"), nextEvent().keySet());
    long flipped = System.nanoTime();
    put("/v1/agent/service/deregister/" + id("b"), null);
    awaitPending("b", RawHealth.ABSENT);
    assertEquals(names("a"), changeAfterHold(flipped, HOLD, "b", true).keySet());
  }

  @Test
  void unchangedStateAndShortFlapProduceNoEvent() throws Exception {
    register("a", "{}", true);
    register("b", "{}", true);
    start(HOLD);
    assertEquals(names("a", "b"), nextEvent().keySet());
    put("/v1/agent/check/pass/service:" + id("a") + "?note=still-fine", null);
    register("a", "{}", true);
    check("b", false);
    awaitPending("b", RawHealth.UNHEALTHY);
    check("b", true);
    Await.until(EVENT_TIMEOUT, "b no longer pending", () -> watcher.status().pending().isEmpty());
    assertNull(
        events.poll(HOLD.toMillis() + 500, TimeUnit.MILLISECONDS),
        "an event although nothing changed");
    assertEquals(names("a", "b"), watcher.members().keySet());
  }

  @Test
  void consulUnreachableKeepsTheEffectiveSetAndPausesHolds() throws Exception {
    Duration hold = Duration.ofSeconds(3);
    register("a", "{}", true);
    register("b", "{}", true);
    start(hold);
    assertEquals(names("a", "b"), nextEvent().keySet());
    check("b", false);
    awaitPending("b", RawHealth.UNHEALTHY);
    try {
      consul.server().stop();
      Await.until(
          EVENT_TIMEOUT, "Consul reported unreachable", () -> watcher.status().consulUnreachable());
      assertNull(
          events.poll(hold.toMillis() + 500, TimeUnit.MILLISECONDS),
          "membership changed while Consul was down");
      assertEquals(names("a", "b"), watcher.members().keySet());
      assertEquals(
          names("b"),
          watcher.status().pending().stream()
              .map(MembershipStatus.Pending::node)
              .collect(Collectors.toSet()));
    } finally {
      consul.server().restart();
    }
    Await.until(
        EVENT_TIMEOUT, "Consul reachable again", () -> !watcher.status().consulUnreachable());
  }
}
