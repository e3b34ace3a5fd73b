package io.promeshard.protocol.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsAndHealth() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter dispatches =
        Counter.builder().name("test_dispatches_total").help("dispatches").register(registry);
    dispatches.inc(3);
    AtomicReference<Health> health = new AtomicReference<>(Health.ok("leader"));
    try (OpsServer server = OpsServer.start("127.0.0.1:0", registry, health::get)) {
      HttpResponse<String> metrics = get(server.port(), "/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("test_dispatches_total 3.0"), metrics.body());
      HttpResponse<String> ok = get(server.port(), "/healthz");
      assertEquals(200, ok.statusCode());
      assertEquals("ok: leader\n", ok.body());
      health.set(Health.failing("consul unreachable for 40s"));
      HttpResponse<String> bad = get(server.port(), "/healthz");
      assertEquals(503, bad.statusCode());
      assertEquals("unhealthy: consul unreachable for 40s\n", bad.body());
    }
  }

  @Test
  void aPageGetsItsDecodedQueryAndAFailingPageAnswers500() throws Exception {
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    OpsServer.Page page =
        q -> {
          seen.set(q);
          if (q.containsKey("fail")) {
            throw new IllegalStateException("consul said no");
          }
          return OpsServer.Reply.html(200, "<p>" + q.get("job") + "</p>");
        };
    try (OpsServer server =
        OpsServer.start(
            "127.0.0.1:0", new PrometheusRegistry(), () -> Health.ok(""), Map.of("/", page))) {
      HttpResponse<String> ok = get(server.port(), "/?job=web%2Fx&address=a+b&job=second&flag");
      assertEquals(200, ok.statusCode());
      assertEquals("<p>web/x</p>", ok.body());
      assertEquals("text/html; charset=utf-8", ok.headers().firstValue("Content-Type").orElse(""));
      assertEquals(Map.of("job", "web/x", "address", "a b", "flag", ""), seen.get());
      HttpResponse<String> failed = get(server.port(), "/?fail");
      assertEquals(500, failed.statusCode());
      assertEquals("/ failed: consul said no\n", failed.body());
      try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        raw.getOutputStream()
            .write("GET /?job=%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), "a bad escape: " + answer);
      }
      assertEquals(200, get(server.port(), "/healthz").statusCode(), "the fixed routes stay");
    }
  }

  @Test
  void aStalledHalfRequestNeitherBlocksHealthzNorStaysOpenPastTheTimeout() throws Exception {
    AtomicReference<Health> health = new AtomicReference<>(Health.ok("leader"));
    try (OpsServer server = OpsServer.start("127.0.0.1:0", new PrometheusRegistry(), health::get)) {
      assertEquals(200, get(server.port(), "/healthz").statusCode()); // warm the client up
      long opened = System.nanoTime();
      try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        healthzAnswersBesideAStalledHalfRequest(server, stalled, opened);
      }
    }
  }

  private static void healthzAnswersBesideAStalledHalfRequest(
      OpsServer server, Socket stalled, long opened) throws Exception {
    stalled
        .getOutputStream()
        .write("GET /healthz HTTP/1.1\r\nHost: 127".getBytes(StandardCharsets.US_ASCII));
    stalled.getOutputStream().flush();

    HttpResponse<String> ok = get(server.port(), "/healthz");
    long answered = System.nanoTime();
    assertEquals(200, ok.statusCode());
    assertEquals("ok: leader\n", ok.body());
    // answered while the stalled connection was still open: not after its timeout
    stalled.setSoTimeout(1);
    assertThrows(SocketTimeoutException.class, () -> stalled.getInputStream().read());

    stalled.setSoTimeout((int) OpsServer.REQUEST_TIMEOUT.multipliedBy(4).toMillis());
    assertEquals(-1, stalled.getInputStream().read(), "the server closes the stalled connection");
    long closed = System.nanoTime();
    System.out.printf(
        "[ops] /healthz answered %d ms after a stalled half request; the stalled connection was"
            + " closed after %d ms (timeout %s)%n",
        (answered - opened) / 1_000_000, (closed - opened) / 1_000_000, OpsServer.REQUEST_TIMEOUT);
    assertTrue(
        closed - opened >= OpsServer.REQUEST_TIMEOUT.minusMillis(500).toNanos(),
        "closed by its deadline, not before");
    assertEquals(200, get(server.port(), "/healthz").statusCode());
  }

  @Test
  void unknownPathsMethodsAndGarbageGetClearAnswers() throws Exception {
    try (OpsServer server =
        OpsServer.start("127.0.0.1:0", new PrometheusRegistry(), () -> Health.ok(""))) {
      assertEquals(404, get(server.port(), "/nope").statusCode());
      assertEquals("ok\n", get(server.port(), "/healthz?verbose=1").body());
      HttpResponse<String> post =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                      .POST(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        raw.getOutputStream().write("HELLO\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
      }
    }
  }

  @Test
  void badListenAddressNamesTheKey() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OpsServer.parse("localhost"));
    assertEquals("listen: expected host:port, found localhost", e.getMessage());
  }
}
