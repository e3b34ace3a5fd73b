package io.promeshard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.Await;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import io.promeshard.testkit.ScrapeTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The API reader against each real Prometheus release: the fields it relies on are there. */
class PrometheusApiTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path root;

  @ParameterizedTest(name = "{0}")
  @EnumSource(PrometheusVersion.class)
  void scrapesDropsAndEvaluationsOfTheAgentsFilesAreRead(PrometheusVersion version)
      throws IOException {
    Path sd = Files.createDirectories(root.resolve("file_sd"));
    Path rules = Files.createDirectories(root.resolve("rules"));
    Path link = Files.createSymbolicLink(root.resolve("sd-link"), sd);
    try (ScrapeTargets targets = ScrapeTargets.start(2);
        PrometheusServer prom =
            PrometheusServer.start(
                version,
                root.resolve("prometheus"),
                String.join(
                    "\n",
                    "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                    "rule_files: ['" + rules + "/*.yml']",
                    "scrape_configs:",
                    "  - job_name: fsd",
                    "    file_sd_configs: [{files: ['" + link + "/*.json'], refresh_interval: 1s}]",
                    "    relabel_configs:",
                    "      - {source_labels: [drop], regex: 'yes', action: drop}",
                    ""));
        PrometheusApi api = new PrometheusApi(prom.url(), Duration.ofSeconds(5))) {
      String kept = targets.addresses().get(0);
      String dropped = targets.addresses().get(1);
      Instant at = Instant.now();
      write(
          sd.resolve("web.json"),
          "[{\"targets\":[\""
              + kept
              + "\"],\"labels\":{}},{\"targets\":[\""
              + dropped
              + "\"],\"labels\":{\"drop\":\"yes\"}}]");
      write(
          rules.resolve("g.yml"),
          "groups:\n- name: g\n  rules:\n  - record: x:up\n    expr: sum(up)\n");
      prom.post("/-/reload");

      Map<String, Instant> web =
          Await.value(
              WAIT,
              version + " to scrape " + kept + " and drop " + dropped,
              () -> {
                Map<String, Instant> t = targets(api, sd).getOrDefault("web", Map.of());
                Instant k = t.get(kept);
                return k != null && !k.isBefore(at) && t.containsKey(dropped) ? t : null;
              });
      assertEquals(FirstScrapes.DROPPED, web.get(dropped));
      assertTrue(targets.scrapes(kept) > 0);
      assertEquals(0, targets.scrapes(dropped));
      // one sample per scrape (synthetic_up 1); the dropped target is not even listed
      assertEquals(
          new TargetSamples(Map.of("web/" + kept, 1L), 0),
          Await.value(
              WAIT,
              version + " to have a sample count for " + kept,
              () -> {
                TargetSamples s = samples(api, sd);
                return s.samples().isEmpty() ? null : s;
              }));
      Await.until(
          WAIT,
          version + " to evaluate group g",
          () -> {
            Instant last = rules(api, rules).get("g");
            return last != null && !last.isBefore(at);
          });
    }
  }

  @Test
  void tenThousandTargetsAreReadInOnePoll() throws IOException {
    int n = 10_000;
    Path sd = Files.createDirectories(root.resolve("file_sd"));
    StringBuilder file = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      // nothing listens there, and the hour-long interval keeps Prometheus from trying much
      file.append(i == 0 ? "" : ",")
          .append("{\"targets\":[\"127.0.0.3:")
          .append(10_000 + i)
          .append("\"],\"labels\":{\"env\":\"test\"}}");
    }
    write(sd.resolve("big.json"), file.append("]").toString());
    try (PrometheusServer prom =
            PrometheusServer.start(
                PrometheusVersion.newest(),
                root.resolve("prometheus"),
                String.join(
                    "\n",
                    "global: {scrape_interval: 1h, scrape_timeout: 10s}",
                    "scrape_configs:",
                    "  - job_name: fsd",
                    "    file_sd_configs: [{files: ['" + sd + "/*.json']}]",
                    ""));
        PrometheusApi api = new PrometheusApi(prom.url(), Duration.ofSeconds(5))) {
      Await.until(
          WAIT,
          n + " targets listed",
          () -> targets(api, sd).getOrDefault("big", Map.of()).size() == n);
      long started = System.nanoTime();
      Map<String, Instant> big = targets(api, sd).get("big");
      System.out.printf(
          "%d targets read from %s in %d ms%n",
          big.size(),
          PrometheusVersion.newest(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertEquals(n, big.size());
      started = System.nanoTime();
      TargetSamples samples = samples(api, sd);
      System.out.printf(
          "%d targets' samples measured in %d ms%n",
          n, Duration.ofNanos(System.nanoTime() - started).toMillis());
      assertEquals(new TargetSamples(Map.of(), n), samples, "none scraped yet: none measured");
    }
  }

  @Test
  void aPrometheusThatDoesNotAnswerIsAnIoExceptionNamingTheUrl() {
    String url = "http://127.0.0.1:" + FreePorts.one();
    try (PrometheusApi api = new PrometheusApi(url, Duration.ofSeconds(2))) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> api.targets(new OwnFiles(root, ".json"), (job, address) -> true));
      assertTrue(e.getMessage().startsWith("GET " + url + "/api/v1/targets: "), e.getMessage());
    }
  }

  private static Map<String, Map<String, Instant>> targets(PrometheusApi api, Path sd) {
    try {
      return api.targets(new OwnFiles(sd, ".json"), (job, address) -> true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TargetSamples samples(PrometheusApi api, Path sd) {
    try {
      return api.targetSamples(List.of(sd));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Instant> rules(PrometheusApi api, Path rules) {
    try {
      return api.rules(new OwnFiles(rules, ".yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
