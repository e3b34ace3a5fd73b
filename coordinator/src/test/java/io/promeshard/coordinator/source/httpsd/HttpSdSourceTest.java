package io.promeshard.coordinator.source.httpsd;

import static io.promeshard.coordinator.source.RecordingListener.addresses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.HttpSdSourceSpec;
import io.promeshard.coordinator.source.DefaultSourceFactory;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.coordinator.source.RecordingListener;
import io.promeshard.coordinator.source.SourceHealth;
import io.promeshard.coordinator.source.SourceManager;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP SD against a fake server: a real SD server cannot be made to answer 500 or garbage on cue.
 */
class HttpSdSourceTest {
  private static final String GOOD =
      "[{\"targets\":[\"10.0.0.1:9100\",\"10.0.0.2:9100\"],\"labels\":{\"env\":\"prod\"}},"
          + "{\"targets\":[],\"labels\":{\"env\":\"empty\"}},{\"targets\":[\"10.0.0.3:9100\"],\"extra\":1}]";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final MockWebServer server = new MockWebServer();
  private final AtomicReference<MockResponse> answer = new AtomicReference<>(json(GOOD));
  private final OkHttpClient client = new OkHttpClient();
  private final RecordingListener listener = new RecordingListener();
  private HttpSdSource source;
  private SourceManager manager;

  @BeforeEach
  void startServer() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer.get();
          }
        });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws IOException {
    if (source != null) {
      source.close();
    }
    if (manager != null) {
      manager.close();
    }
    server.shutdown();
  }

  private static MockResponse json(String body) {
    return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
  }

  private HttpSdSourceSpec spec() {
    return new HttpSdSourceSpec(server.url("/sd/targets").toString(), Duration.ofSeconds(1));
  }

  private HttpSdSourceSpec spec(Long maxBytes, Integer maxTargets, Duration timeout) {
    return new HttpSdSourceSpec(
        server.url("/sd/targets").toString(), Duration.ofSeconds(1), maxBytes, maxTargets, timeout);
  }

  private void startSource() {
    startSource(spec());
  }

  private void startSource(HttpSdSourceSpec spec) {
    source = new HttpSdSource("web/0 (http_sd)", spec, client);
    source.start(listener);
  }

  /** {@code n} targets, one group each, {@code [{"targets":["10.x.y.z:9100"]},...]}. */
  private static String targets(int n) {
    StringBuilder sb = new StringBuilder(n * 32).append('[');
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"targets\":[\"10.")
          .append(i >> 16 & 255)
          .append('.')
          .append(i >> 8 & 255)
          .append('.')
          .append(i & 255)
          .append(":9100\"]}");
    }
    return sb.append(']').toString();
  }

  @Test
  void goodAnswerBecomesTargetsAndRequestCarriesRefreshHeader() throws Exception {
    startSource();
    RecordingListener.Event e = listener.next();
    assertEquals(
        List.of(
            new TargetGroup(List.of("10.0.0.1:9100", "10.0.0.2:9100"), Map.of("env", "prod")),
            new TargetGroup(List.of("10.0.0.3:9100"), Map.of())),
        e.groups());

    RecordedRequest request = server.takeRequest(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals("GET", request.getMethod());
    assertEquals("/sd/targets", request.getPath());
    assertEquals("1", request.getHeader("X-Prometheus-Refresh-Interval-Seconds"));
    assertTrue(
        request.getHeader("User-Agent").startsWith("prome-shard/"),
        request.getHeader("User-Agent"));
  }

  @Test
  void serverErrorIsReportedWithStatusAndUrl() throws Exception {
    answer.set(new MockResponse().setResponseCode(500).setBody("database is down"));
    startSource();
    String message = listener.next().error().getMessage();
    assertTrue(
        message.contains("HTTP 500")
            && message.contains("database is down")
            && message.contains("/sd/targets"),
        message);
  }

  @Test
  void malformedBodyIsReportedAsAnErrorWhileABadLabelIsLeftToAdmissionPerTarget() throws Exception {
    answer.set(json("{\"targets\":"));
    startSource();
    String message = listener.next().error().getMessage();
    assertTrue(message.contains("/sd/targets"), message);

    // one target with a label Prometheus would reject does not fail the whole answer: the
    // coordinator leaves that target out on its own (see Admission)
    answer.set(json("[{\"targets\":[\"a:1\"],\"labels\":{\"bad-name\":\"x\"}}]"));
    RecordingListener.Event next = listener.next();
    while (next.isError()) {
      next = listener.next();
    }
    assertEquals("x", next.groups().get(0).labels().get("bad-name"));
  }

  @Test
  void duplicateKeyInTheAnswerIsAnErrorNamingIt() throws Exception {
    answer.set(json("[{\"targets\":[\"a:1\"],\"labels\":{\"env\":\"a\",\"env\":\"b\"}}]"));
    startSource();
    String message = listener.next().error().getMessage();
    assertTrue(message.contains("/sd/targets") && message.contains("'env'"), message);
  }

  @Test
  void bodyOverMaxBytesIsAnErrorNamingTheLimit() throws Exception {
    // no Content-Length: the limit is found while reading
    answer.set(json("").setChunkedBody(targets(200_000), 8192));
    startSource(spec(65_536L, null, null));
    String message = listener.next().error().getMessage();
    assertTrue(
        message.contains("/sd/targets") && message.endsWith("response over max_bytes 65536"),
        message);
    source.close();

    // a declared length past the limit fails before any byte is read
    answer.set(json(targets(200_000)));
    startSource(spec(65_536L, null, null));
    message = listener.next().error().getMessage();
    assertTrue(message.contains("response over max_bytes 65536 (Content-Length "), message);
  }

  @Test
  void millionTargetsOverMaxTargetsIsAnErrorNamingTheLimit() throws Exception {
    answer.set(json(targets(1_000_000)));
    startSource(spec(64L * 1024 * 1024, 1000, Duration.ofSeconds(20)));
    String message = listener.next().error().getMessage();
    assertTrue(message.contains("http_sd ") && message.contains("over max_targets 1000"), message);
  }

  @Test
  void slowBodyIsCutAtTheTimeout() throws Exception {
    // 64 KiB at 1 KiB per 100 ms would take six seconds
    answer.set(json(targets(2_000)).throttleBody(1024, 100, TimeUnit.MILLISECONDS));
    long started = System.nanoTime();
    startSource(spec(null, null, Duration.ofSeconds(1)));
    String message = listener.next().error().getMessage();
    assertTrue(message.contains("no complete response within timeout 1s"), message);
    assertTrue(
        System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5),
        "took " + (System.nanoTime() - started) / 1_000_000 + " ms");
  }

  @Test
  void answerPastALimitKeepsTheLastGoodTargets() throws Exception {
    AtomicReference<Map<String, JobTargets>> notified = new AtomicReference<>();
    manager = new SourceManager(new DefaultSourceFactory(client, null), notified::set);
    manager.start();
    manager.setJobs(Map.of("web", List.of(spec(null, 5, null))));
    List<String> good = List.of("10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100");
    Await.until(
        WAIT,
        "first targets",
        () -> notified.get() != null && addresses(notified.get().get("web").groups()).equals(good));

    answer.set(json(targets(6)));
    SourceHealth failing =
        Await.value(
            WAIT,
            "limit recorded",
            () -> health(h -> h.lastError() != null && h.lastError().contains("max_targets 5")));
    assertTrue(failing.failing(), failing.toString());
    assertEquals(good, addresses(manager.snapshot().get("web").groups()));
    assertTrue(manager.snapshot().get("web").complete());
  }

  @Test
  void failingEndpointKeepsLastGoodTargetsAndRecordsTheError() throws Exception {
    AtomicReference<Map<String, JobTargets>> notified = new AtomicReference<>();
    manager = new SourceManager(new DefaultSourceFactory(client, null), notified::set);
    manager.start();
    manager.setJobs(Map.of("web", List.of(spec())));
    List<String> good = List.of("10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100");
    Await.until(
        WAIT,
        "first targets",
        () -> notified.get() != null && addresses(notified.get().get("web").groups()).equals(good));

    answer.set(new MockResponse().setResponseCode(500));
    SourceHealth failing =
        Await.value(WAIT, "HTTP 500 recorded", () -> health(h -> h.errorCount() >= 1));
    assertTrue(failing.failing() && failing.lastError().contains("HTTP 500"), failing.toString());
    assertEquals(good, addresses(manager.snapshot().get("web").groups()));
    assertEquals(3, failing.targets());

    answer.set(json("[{\"targets\":"));
    long before = failing.errorCount();
    SourceHealth malformed =
        Await.value(
            WAIT,
            "malformed body recorded",
            () -> health(h -> h.errorCount() > before && !h.lastError().contains("HTTP 500")));
    assertTrue(malformed.failing(), malformed.toString());
    assertEquals(good, addresses(manager.snapshot().get("web").groups()));
    assertEquals(good, addresses(notified.get().get("web").groups()));

    answer.set(json("[{\"targets\":[\"10.0.0.9:9100\"]}]"));
    Await.until(
        WAIT,
        "recovered targets",
        () -> addresses(notified.get().get("web").groups()).equals(List.of("10.0.0.9:9100")));
    assertFalse(manager.health().get("web").get(0).failing());
  }

  private SourceHealth health(Predicate<SourceHealth> condition) {
    SourceHealth h = manager.health().get("web").get(0);
    return condition.test(h) ? h : null;
  }
}
