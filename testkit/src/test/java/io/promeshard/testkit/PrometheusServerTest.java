package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusServerTest {
  @Test
  void prometheusServesItsApiAndStartsAgainOnTheSamePort(@TempDir Path dir) {
    String yml =
        """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: self
            static_configs:
              - targets: ['127.0.0.1:1']
        """;
    try (PrometheusServer prom = PrometheusServer.start(dir, yml)) {
      Await.until(
          Duration.ofSeconds(10),
          "target self listed",
          () -> prom.get("/api/v1/targets").contains("\"job\":\"self\""));
      int port = prom.port();
      prom.kill();
      assertFalse(prom.isRunning());
      prom.start();
      assertEquals(port, prom.port());
      assertTrue(prom.get("/api/v1/status/config").contains("job_name: self"));
      prom.post("/-/reload");
    }
  }
}
