package io.promeshard.protocol.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  void badListenAddressNamesTheKey() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OpsServer.parse("localhost"));
    assertEquals("listen: expected host:port, found localhost", e.getMessage());
  }
}
