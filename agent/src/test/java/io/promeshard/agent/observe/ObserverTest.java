package io.promeshard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The observer's polling against a scripted Prometheus API: it polls only while something is
 * pending, a failed read leaves everything pending, and a shrinking pending set is handed on. The
 * real API is read in {@link PrometheusApiTest} and the agent's status in the run tests.
 */
class ObserverTest {
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final Path SD = Path.of("/srv/prome-shard/file_sd");
  private static final Path RULES = Path.of("/srv/prome-shard/rules");

  /** Longer than the longest pause between two polls. */
  /** Quick polls in a test: 50 ms apart, the first two, then at most 200 ms apart. */
  private static final Observer.Pacing PACING =
      new Observer.Pacing(Duration.ofMillis(50), 2, Duration.ofMillis(200));

  /** Longer than the longest pause between polls: no request by then means none is coming. */
  private static final long NO_REQUEST_MILLIS = 3 * PACING.max().toMillis();

  private final MockWebServer server = new MockWebServer();
  private final BlockingQueue<NodeStatus.Observed> changes = new LinkedBlockingQueue<>();
  private final AtomicInteger failures = new AtomicInteger();
  private Observer observer;

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getLoopbackAddress(), 0);
    observer =
        new Observer(
            "n1",
            new PrometheusApi(server.url("/prom").toString(), Duration.ofSeconds(2)),
            SD,
            RULES,
            new ObserveMetrics() {
              @Override
              public void pending(int unscrapedTargets, int unevaluatedGroups) {}

              @Override
              public void observeFailed() {
                failures.incrementAndGet();
              }
            },
            () -> changes.add(observer.observed()),
            Clock.fixed(AT, ZoneOffset.UTC),
            PACING);
    observer.start();
  }

  @AfterEach
  void stop() throws Exception {
    observer.close();
    server.shutdown();
  }

  private static String targetsReply(String address, String lastScrape) {
    return "{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"discoveredLabels\":{"
        + "\"__address__\":\""
        + address
        + "\",\"__meta_filepath\":\""
        + SD.resolve("web.json")
        + "\"},\"lastScrape\":\""
        + lastScrape
        + "\"}],\"droppedTargets\":[]}}";
  }

  /** As the apply loop does: tells the observer, then composes a status with what is pending. */
  private NodeStatus.Observed written(String job, String address) {
    observer.targetsWritten(Map.of(job, List.of(TargetGroup.of(address, Map.of()))));
    return observer.observed();
  }

  /** Waits for the observer to hand on that nothing is pending any more. */
  private void handedOnNothingPending() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    NodeStatus.Observed o;
    do {
      o = changes.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(o, "handed on: nothing pending");
    } while (!o.equals(NodeStatus.Observed.NOTHING_PENDING));
  }

  private RecordedRequest request() throws InterruptedException {
    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    assertNotNull(r, "a poll of Prometheus' API");
    return r;
  }

  @Test
  void aNewTargetIsPolledForUntilScrapedTwiceThenPollingStops() throws Exception {
    server.enqueue(new MockResponse().setBody(targetsReply("a:1", "0001-01-01T00:00:00Z")));
    server.enqueue(new MockResponse().setBody(targetsReply("a:1", "2026-12-01T10:00:01Z")));
    server.enqueue(new MockResponse().setBody(targetsReply("a:1", "2026-12-01T10:00:03Z")));
    assertEquals(List.of("web/a:1"), written("web", "a:1").unscraped(), "pending at once");

    assertEquals("/prom/api/v1/targets", request().getPath());
    assertEquals("/prom/api/v1/targets", request().getPath());
    assertEquals(List.of("web/a:1"), observer.observed().unscraped(), "scraped once: pending");
    assertEquals("/prom/api/v1/targets", request().getPath());
    handedOnNothingPending();
    assertNull(
        server.takeRequest(NO_REQUEST_MILLIS, TimeUnit.MILLISECONDS), "nothing pending: no poll");
    assertEquals(0, failures.get());
  }

  @Test
  void aFailedReadLeavesTheTargetPendingAndIsCounted() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(503));
    server.enqueue(new MockResponse().setBody("{\"status\":\"success\",\"data\":{\"activeT"));
    server.enqueue(new MockResponse().setBody(targetsReply("a:1", "2026-12-01T10:00:01Z")));
    server.enqueue(new MockResponse().setBody(targetsReply("a:1", "2026-12-01T10:00:03Z")));
    written("web", "a:1");
    request();
    request();
    assertEquals(List.of("web/a:1"), observer.observed().unscraped());
    request();
    request();
    handedOnNothingPending();
    assertEquals(2, failures.get());
  }

  @Test
  void aGroupThatGainedARecordIsPolledForUntilEvaluatedTwiceSinceTheReload() throws Exception {
    String group =
        "{\"status\":\"success\",\"data\":{\"groups\":[{\"name\":\"g\",\"file\":\""
            + RULES.resolve("g.yml")
            + "\",\"lastEvaluation\":\"%s\"}]}}";
    server.enqueue(new MockResponse().setBody(String.format(group, "2026-12-01T09:59:59Z")));
    server.enqueue(new MockResponse().setBody(String.format(group, "2026-12-01T10:00:00.5Z")));
    server.enqueue(new MockResponse().setBody(String.format(group, "2026-12-01T10:00:01.5Z")));
    observer.rulesLoaded(Map.of("g", List.of(new RecordRule("a:sum", "sum(a)"))));
    assertEquals(List.of("g"), observer.observed().unevaluated());

    assertEquals("/prom/api/v1/rules?type=record", request().getPath());
    assertEquals(List.of("g"), observer.observed().unevaluated(), "evaluated before the reload");
    request();
    request();
    handedOnNothingPending();
    assertNull(server.takeRequest(NO_REQUEST_MILLIS, TimeUnit.MILLISECONDS));
  }

  @Test
  void nothingWrittenNothingPolled() throws Exception {
    observer.targetsWritten(Map.of());
    observer.rulesLoaded(Map.of());
    assertEquals(NodeStatus.Observed.NOTHING_PENDING, observer.observed());
    assertNull(server.takeRequest(NO_REQUEST_MILLIS, TimeUnit.MILLISECONDS));
  }
}
