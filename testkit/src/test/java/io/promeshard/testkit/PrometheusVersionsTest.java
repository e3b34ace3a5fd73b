package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrometheusVersionsTest {
  @ParameterizedTest
  @EnumSource(PrometheusVersion.class)
  void eachRequestedReleaseIsTheOneThatRuns(PrometheusVersion version, @TempDir Path dir) {
    String yml =
        """
        global:
          scrape_interval: 1h
        """;
    try (PrometheusServer prom = PrometheusServer.start(version, dir, yml)) {
      String buildInfo = prom.get("/api/v1/status/buildinfo");
      assertTrue(
          buildInfo.contains("\"version\":\"" + version.label() + "."),
          version + " reports " + buildInfo);
      assertTrue(
          Binaries.promtool(version).getFileName().toString().equals("promtool"),
          "promtool of " + version);
    }
  }
}
