package io.promeshard.coordinator.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnRejectedException;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.ConsulServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two coordinators competing for the leader lock on a real Consul agent. */
class LeaderElectionTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private static final KvLayout LAYOUT = KvLayout.defaults();
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
  private static final MediaType JSON = MediaType.get("application/json");

  /** What one election reported. */
  record Event(String who, LeaderTerm elected, String lost) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<LeaderElection> elections = new ArrayList<>();
  private final OkHttpClient http = new OkHttpClient();
  private ConsulHttp consulHttp;

  @BeforeEach
  void setUp() {
    consul.clearKv();
    consulHttp = ConsulHttp.create(ConsulSettings.of(consul.url()));
  }

  @AfterEach
  void tearDown() {
    elections.forEach(LeaderElection::close);
    consulHttp.close();
  }

  private LeaderElection start(String who, LeaderOptions options) {
    LeaderElection e =
        new LeaderElection(
            consulHttp,
            LAYOUT,
            options.withHolder(who),
            new LeaderListener() {
              @Override
              public void onElected(LeaderTerm term) {
                events.add(new Event(who, term, null));
              }

              @Override
              public void onLost(String reason) {
                events.add(new Event(who, null, reason));
              }
            });
    elections.add(e);
    return e.start();
  }

  private static LeaderOptions options(Duration lockDelay) {
    return LeaderOptions.defaults().withTtl(TTL).withLockDelay(lockDelay);
  }

  private Event next() throws InterruptedException {
    Event e = events.poll(EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(e, "no leader event within " + EVENT_TIMEOUT);
    return e;
  }

  private Event elected(String who) throws InterruptedException {
    Event e = next();
    assertEquals(who, e.who(), "elected: " + e);
    assertNotNull(e.elected(), "expected election of " + who + ", got " + e);
    return e;
  }

  private void destroySession(String session) throws IOException {
    Request request =
        new Request.Builder()
            .url(consul.url() + "/v1/session/destroy/" + session)
            .put(RequestBody.create("", JSON))
            .build();
    try (Response r = http.newCall(request).execute()) {
      assertEquals(200, r.code(), "destroy session " + session);
    }
  }

  private void write(LeaderTerm term, String value) throws IOException {
    new TxnWriter(consulHttp)
        .write(
            term.fence(),
            List.of(TxnOp.set(LAYOUT.prefix() + "fenced", value.getBytes(StandardCharsets.UTF_8))));
  }

  private LeaderValue storedValue() throws IOException {
    KvEntry e = new KvClient(consulHttp).get(LAYOUT.leader()).orElseThrow();
    return LeaderValue.parse(e.key(), e.value());
  }

  @Test
  void exactlyOneIsElectedAndTheStandbyWaitsThroughRenewals() throws Exception {
    LeaderOptions fastRenew =
        options(Duration.ofSeconds(1)).withRenewInterval(Duration.ofMillis(700));
    LeaderElection a = start("a", fastRenew);
    Event first = elected("a");
    LeaderElection b = start("b", fastRenew);
    assertEquals(1, first.elected().epoch());
    Await.until(
        EVENT_TIMEOUT, "3 renewals on each side", () -> a.renewals() >= 3 && b.renewals() >= 3);
    assertNull(
        events.poll(200, TimeUnit.MILLISECONDS), "no election or loss while a holds the lock");
    assertTrue(a.isLeader());
    assertFalse(b.isLeader());
    assertEquals(first.elected(), a.term().orElseThrow());
    LeaderValue v = storedValue();
    assertEquals("a", v.holder());
    assertEquals(1, v.epoch());
    assertFalse(v.since().isEmpty());
  }

  @Test
  void closingTheLeaderHandsOverWithoutWaitingForLockDelay() throws Exception {
    Duration lockDelay = Duration.ofSeconds(20);
    LeaderElection a = start("a", options(lockDelay));
    LeaderTerm termA = elected("a").elected();
    LeaderElection b = start("b", options(lockDelay));
    assertNull(events.poll(500, TimeUnit.MILLISECONDS), "b must stay standby");
    a.close();
    Event lost = next();
    assertEquals("a", lost.who());
    assertEquals("closed", lost.lost());
    assertFalse(a.isLeader());
    LeaderTerm termB = elected("b").elected();
    assertEquals(termA.epoch() + 1, termB.epoch());
    assertNotEquals(termA.sessionId(), termB.sessionId());
    assertTrue(b.isLeader());
    assertEquals("b", storedValue().holder());
  }

  @Test
  void killedLeaderIsReplacedAfterSessionInvalidationAndLockDelayAndItsFenceIsRejected()
      throws Exception {
    Duration lockDelay = Duration.ofSeconds(2);
    LeaderElection a = start("a", options(lockDelay));
    LeaderTerm termA = elected("a").elected();
    write(termA, "from a");
    start("b", options(lockDelay));
    assertNull(events.poll(500, TimeUnit.MILLISECONDS), "b must stay standby");
    a.crash(); // stops renewing, releases nothing: a killed process
    long invalidated = System.nanoTime();
    destroySession(termA.sessionId()); // what Consul does when the TTL runs out
    LeaderTerm termB = elected("b").elected();
    Duration waited = Duration.ofNanos(System.nanoTime() - invalidated);
    assertTrue(
        waited.compareTo(lockDelay) >= 0,
        "b took over after " + waited + ", inside lock-delay " + lockDelay);
    assertEquals(termA.epoch() + 1, termB.epoch());

    TxnRejectedException rejected =
        assertThrows(TxnRejectedException.class, () -> write(termA, "stale a"));
    assertTrue(rejected.fencingLost(), rejected.getMessage());
    write(termB, "from b");
    assertEquals(
        "from b",
        new KvClient(consulHttp).get(LAYOUT.prefix() + "fenced").orElseThrow().valueUtf8());
  }

  @Test
  void leaderWhoseSessionDisappearsReportsLossAtOnceAndRejoinsWithHigherEpoch() throws Exception {
    LeaderOptions slowRenew =
        options(Duration.ofSeconds(1)); // renewal every 5 s: the watch must notice first
    LeaderElection a = start("a", slowRenew);
    LeaderTerm first = elected("a").elected();
    destroySession(first.sessionId());
    Event lost = events.poll(3, TimeUnit.SECONDS);
    assertNotNull(lost, "loss not reported within 3 s");
    assertEquals("a", lost.who());
    assertNotNull(lost.lost(), "expected a loss, got " + lost);
    assertFalse(a.isLeader());
    LeaderTerm second = elected("a").elected();
    assertTrue(second.epoch() > first.epoch(), second + " after " + first);
    assertNotEquals(first.sessionId(), second.sessionId(), "each term has its own session");
    TxnRejectedException rejected =
        assertThrows(TxnRejectedException.class, () -> write(first, "stale"));
    assertTrue(rejected.fencingLost());
  }

  @Test
  void aTermLostWhileConsulWasDownFreesItsLockAsSoonAsConsulIsBack(@TempDir Path dir)
      throws Exception {
    try (ConsulServer server = ConsulServer.startWithDataDir(dir);
        ConsulHttp http = ConsulHttp.create(ConsulSettings.of(server.url()))) {
      LeaderElection a =
          new LeaderElection(
              http,
              LAYOUT,
              options(Duration.ofSeconds(1)).withHolder("a"),
              new LeaderListener() {
                @Override
                public void onElected(LeaderTerm term) {
                  events.add(new Event("a", term, null));
                }

                @Override
                public void onLost(String reason) {
                  events.add(new Event("a", null, reason));
                }
              });
      elections.add(a);
      a.start();
      LeaderTerm first = elected("a").elected();

      server.kill();
      Event lost = events.poll(TTL.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(lost, "no loss reported while Consul was down");
      assertNotNull(lost.lost(), "expected a loss, got " + lost);
      server.restart(); // with its data: the lost term's session and its lock are back

      // Consul itself would expire that session only 2 TTL after its restart
      Event again = events.poll(TTL.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(again, "not elected again before the old session could expire");
      assertNotNull(again.elected(), "expected an election, got " + again);
      assertTrue(again.elected().epoch() > first.epoch(), again + " after " + first);
      assertNotEquals(first.sessionId(), again.elected().sessionId());
    }
  }
}
