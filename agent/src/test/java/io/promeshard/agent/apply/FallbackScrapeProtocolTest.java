package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code fallback_scrape_protocol}, a Prometheus 3 setting, as a job's own scrape setting:
 * Prometheus 3.5 refuses to parse an answer without a Content-Type unless the job names a fallback,
 * and takes it with one; Prometheus 2.53 does not know the key, so the agent rolls the file back
 * and reports the job.
 */
class FallbackScrapeProtocolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOB = "untyped";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path tmp;
  private static HttpServer untyped;

  /** An exporter that answers /metrics with no Content-Type header at all. */
  @BeforeAll
  static void startExporter() throws IOException {
    untyped = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    byte[] body = "untyped_up 1\n".getBytes(StandardCharsets.US_ASCII);
    untyped.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    untyped.start();
  }

  @AfterAll
  static void stopExporter() {
    if (untyped != null) {
      untyped.stop(0);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void aFallbackProtocolIsUsedByPrometheus3AndRolledBackOnPrometheus2(PrometheusVersion version)
      throws Exception {
    Path root = tmp.resolve(version.label());
    for (String dir : List.of("file_sd", "rules", "scrape_configs")) {
      Files.createDirectories(root.resolve(dir));
    }
    OutputConfig output =
        OutputConfig.of(root.resolve("file_sd"), root.resolve("rules"), null)
            .withScrapeConfigDir(root.resolve("scrape_configs"));
    try (PrometheusServer prom =
            PrometheusServer.start(
                version,
                root.resolve("prometheus"),
                String.join(
                    "\n",
                    "global: {scrape_interval: 1h, evaluation_interval: 1h}",
                    "scrape_config_files: ['" + root.resolve("scrape_configs") + "/*.yml']",
                    ""));
        Reloader reloader =
            new Reloader(prom.url() + "/-/reload", Duration.ofSeconds(2), Duration.ofSeconds(30))) {
      Applier applier = new Applier(new Renderer(Templates.bundled()), output, null);

      ApplyResult plain = applier.apply(share("{\"scrape_interval\": \"1s\"}"), reloader);
      assertTrue(plain.ok(), plain.error());
      JsonNode before =
          awaitScraped(prom, version == PrometheusVersion.V3_5 ? "down" : "up", "without it");
      if (version == PrometheusVersion.V3_5) {
        assertTrue(
            before.path("lastError").asText().contains("Content-Type"),
            before.path("lastError").asText());
      }
      Path yml = root.resolve("scrape_configs").resolve(JOB + ".yml");
      byte[] installed = Files.readAllBytes(yml);

      ApplyResult withFallback =
          applier.apply(
              share(
                  "{\"scrape_interval\": \"1s\","
                      + " \"fallback_scrape_protocol\": \"PrometheusText0.0.4\"}"),
              reloader);

      if (version == PrometheusVersion.V3_5) {
        assertTrue(withFallback.ok(), withFallback.error());
        awaitScraped(prom, "up", "with the fallback");
      } else {
        assertFalse(withFallback.ok());
        assertTrue(
            withFallback.error().startsWith("scrape config of job " + JOB + " rejected"),
            withFallback.error());
        assertTrue(withFallback.rolledBack());
        assertArrayEquals(installed, Files.readAllBytes(yml), "the previous file is back");
        awaitScraped(prom, "up", "by the previous config");
      }
    }
  }

  private static NodeShare share(String settings) throws IOException {
    String address = "127.0.0.1:" + untyped.getAddress().getPort();
    return new NodeShare(
        Map.of(JOB, List.of(TargetGroup.of(address, Map.of()))),
        Map.of(),
        Map.of(),
        Map.of(JOB, ScrapeSettings.of(JSON.readTree(settings))));
  }

  /** Waits until the job's one target was last scraped with {@code health}; returns it. */
  private static JsonNode awaitScraped(PrometheusServer prom, String health, String when) {
    return Await.value(
        WAIT,
        "the target of " + JOB + " " + health + " " + when,
        () -> {
          try {
            for (JsonNode t :
                JSON.readTree(prom.get("/api/v1/targets?state=active")).at("/data/activeTargets")) {
              if (JOB.equals(t.at("/labels/job").asText())
                  && health.equals(t.path("health").asText())) {
                return t;
              }
            }
            return null;
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
  }
}
