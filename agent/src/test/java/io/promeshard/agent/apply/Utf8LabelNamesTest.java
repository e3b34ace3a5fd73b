package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.agent.render.RenderResult;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 3 takes UTF-8 label names from file_sd (its default validation scheme is utf8), so a
 * fleet on Prometheus 3 (coordinator setting {@code label_names: utf8}) can be given names such as
 * {@code service.name}: the agent renders and installs them as it does any share.
 */
class Utf8LabelNamesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void utf8LabelNamesFromFileSdReachPrometheus3Targets(@TempDir Path root) throws IOException {
    Path fileSd = Files.createDirectories(root.resolve("file_sd"));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("caf\u00e9", "cr\u00e8me");
    labels.put("legacy_name", "plain");
    labels.put("service.name", "checkout");
    // as the agent installs a published share: rendered by the bundled template (which parses its
    // output back), then written atomically
    RenderResult rendered =
        new Renderer(Templates.bundled())
            .renderTargets("utf8", List.of(new TargetGroup(List.of("127.0.0.1:9"), labels)));
    AtomicFiles.write(fileSd.resolve("utf8.json"), rendered.bytes());

    String yml =
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1h",
            "  metric_name_validation_scheme: utf8",
            "scrape_configs:",
            "  - job_name: fsd",
            "    file_sd_configs:",
            "      - files: ['" + fileSd + "/*.json']",
            "        refresh_interval: 1s",
            "");
    try (PrometheusServer prom =
        PrometheusServer.start(PrometheusVersion.V3_5, root.resolve("prometheus"), yml)) {
      JsonNode seen =
          Await.value(
              Duration.ofSeconds(30),
              "the file_sd target in /api/v1/targets of " + prom,
              () -> {
                for (JsonNode t :
                    json(prom.get("/api/v1/targets?state=active")).at("/data/activeTargets")) {
                  if ("fsd".equals(t.at("/labels/job").asText())) {
                    return t.get("labels");
                  }
                }
                return null;
              });
      assertEquals("checkout", seen.path("service.name").asText(), seen.toString());
      assertEquals("cr\u00e8me", seen.path("caf\u00e9").asText(), seen.toString());
      assertEquals("plain", seen.path("legacy_name").asText(), seen.toString());
    }
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }
}
