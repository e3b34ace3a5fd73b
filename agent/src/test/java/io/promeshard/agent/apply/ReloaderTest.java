package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.FreePorts;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reload faults a real Prometheus cannot be made to produce on demand (a hung endpoint, a gauge
 * that contradicts the status code). The real reload paths are in {@link PrometheusApplyTest}.
 */
class ReloaderTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  private Reloader reloader(Duration read) {
    return new Reloader(server.url("/prom/-/reload").toString(), Duration.ofSeconds(2), read);
  }

  @Test
  void successNeedsA2xxAndTheReloadGaugeAtOne() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(200));
    server.enqueue(
        new MockResponse()
            .setBody(
                """
        # TYPE prometheus_config_last_reload_successful gauge
        prometheus_config_last_reload_successful 1
        """));
    try (Reloader r = reloader(Duration.ofSeconds(5))) {
      ReloadResult result = r.reload();
      assertTrue(result.ok(), result.message());
    }
    RecordedRequest post = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("POST /prom/-/reload", post.getMethod() + " " + post.getPath());
    assertEquals(
        "GET /prom/metrics",
        server.takeRequest(5, TimeUnit.SECONDS).getRequestLine().replace(" HTTP/1.1", ""));
  }

  @Test
  void anErrorStatusFailsWithTheResponseBody() {
    server.enqueue(
        new MockResponse().setResponseCode(500).setBody("failed to reload config: bad rule\n"));
    try (Reloader r = reloader(Duration.ofSeconds(5))) {
      ReloadResult result = r.reload();
      assertFalse(result.ok());
      assertFalse(result.unreachable(), "Prometheus answered: a verdict on the config");
      assertEquals(
          "POST "
              + server.url("/prom/-/reload")
              + " returned HTTP 500: failed to reload config: bad rule",
          result.message());
    }
  }

  @Test
  void aPrometheusNotReadyYetIsUnreachableNotARejection() {
    server.enqueue(new MockResponse().setResponseCode(503).setBody("Service Unavailable\n"));
    try (Reloader r = reloader(Duration.ofSeconds(5))) {
      ReloadResult result = r.reload();
      assertFalse(result.ok());
      assertTrue(result.unreachable(), result.toString());
      assertTrue(
          result.describe().startsWith("Prometheus did not answer: POST "), result.describe());
    }
  }

  @Test
  void a2xxWhoseGaugeSaysFailureIsAFailure() {
    server.enqueue(new MockResponse().setResponseCode(200));
    server.enqueue(new MockResponse().setBody("prometheus_config_last_reload_successful 0\n"));
    try (Reloader r = reloader(Duration.ofSeconds(5))) {
      ReloadResult result = r.reload();
      assertFalse(result.ok());
      assertFalse(result.unreachable());
      assertEquals(
          "reload accepted but prometheus_config_last_reload_successful is 0.0", result.message());
    }
  }

  @Test
  void aMissingGaugeIsAFailure() {
    server.enqueue(new MockResponse().setResponseCode(200));
    server.enqueue(new MockResponse().setBody("up 1\n"));
    try (Reloader r = reloader(Duration.ofSeconds(5))) {
      ReloadResult result = r.reload();
      assertFalse(result.ok());
      assertTrue(
          result.message().endsWith("has no prometheus_config_last_reload_successful"),
          result.message());
    }
  }

  @Test
  void aHangingReloadTimesOutInsteadOfBlocking() throws Exception {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    try (Reloader r = reloader(Duration.ofMillis(300))) {
      ReloadResult result = r.reload();
      assertFalse(result.ok());
      assertTrue(result.unreachable(), "a timeout says nothing about the rules");
      assertTrue(
          result
              .message()
              .startsWith(
                  "POST "
                      + server.url("/prom/-/reload")
                      + ": timed out (connect timeout 2000 ms, read timeout 300 ms): "),
          result.message());
    }
    assertEquals("POST", server.takeRequest(5, TimeUnit.SECONDS).getMethod());
  }

  @Test
  void nothingListeningIsAFailureNotAnException() {
    try (Reloader r =
        new Reloader(
            "http://127.0.0.1:" + FreePorts.one() + "/-/reload",
            Duration.ofSeconds(1),
            Duration.ofSeconds(1))) {
      ReloadResult result = r.reload();
      assertFalse(result.ok());
      assertTrue(result.unreachable(), "connection refused says nothing about the rules");
      assertTrue(result.message().contains("ConnectException"), result.message());
    }
  }

  @Test
  void theGaugeIsReadFromTheTextFormat() {
    assertEquals(1.0, Reloader.gauge("a 2\nprometheus_config_last_reload_successful 1\n"));
    assertEquals(
        0.0, Reloader.gauge("prometheus_config_last_reload_successful{x=\"y\"} 0 1700000000\n"));
    assertEquals(
        1.0,
        Reloader.gauge(
            """
        prometheus_config_last_reload_successful_timestamp_seconds 5
        prometheus_config_last_reload_successful 1
        """));
    assertNull(Reloader.gauge("# HELP prometheus_config_last_reload_successful x\n"));
  }

  @Test
  void badReloadUrlsNameTheSetting() {
    IllegalArgumentException ftp =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Reloader("ftp://x/-/reload", Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertEquals("reload_url: expected http(s) URL, found ftp://x/-/reload", ftp.getMessage());
    IllegalArgumentException path =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Reloader(
                    "http://127.0.0.1:9090/reload", Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertEquals(
        "reload_url: expected a path ending in /-/reload, found http://127.0.0.1:9090/reload",
        path.getMessage());
  }
}
