package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 2.42 has no {@code scrape_config_files}: once the agent knows the version, jobs with
 * scrape settings get no file (those written while the version was unknown are removed), the plan
 * says why, and everything else is applied as before.
 */
class OldPrometheusScrapeSettingsTest {
  @TempDir Path root;

  @Test
  void jobsWithScrapeSettingsAreLeftOutAndFileSdKeepsWorking() throws Exception {
    Path fileSd = Files.createDirectories(root.resolve("file_sd"));
    Path rules = Files.createDirectories(root.resolve("rules"));
    Path scrape = root.resolve("scrape_configs");
    try (PrometheusServer prom =
            PrometheusServer.start(
                PrometheusVersion.V2_42,
                root.resolve("prometheus"),
                String.join(
                    "\n",
                    "global: {scrape_interval: 1h, evaluation_interval: 1h}",
                    "rule_files: ['" + rules + "/*.yml']",
                    "scrape_configs:",
                    "  - job_name: fsd",
                    "    file_sd_configs: [{files: ['"
                        + fileSd
                        + "/*.json'], refresh_interval: 1s}]",
                    ""));
        Reloader reloader =
            new Reloader(prom.url() + "/-/reload", Duration.ofSeconds(2), Duration.ofSeconds(30));
        PrometheusBuild build = new PrometheusBuild(prom.url(), Duration.ofSeconds(5))) {
      OutputConfig out = OutputConfig.of(fileSd, rules, null).withScrapeConfigDir(scrape);
      NodeShare share =
          new NodeShare(
              Map.of(
                  "probe",
                  List.of(TargetGroup.of("10.0.0.1:80", Map.of())),
                  "web",
                  List.of(TargetGroup.of("127.0.0.1:1", Map.of()))),
              Map.of(),
              Map.of(),
              Map.of(
                  "probe",
                  ScrapeSettings.of(Json.MAPPER.readTree("{\"metrics_path\": \"/probe\"}"))));
      // the version unknown (no build): the files are written and the reload decides
      ApplyResult unknown =
          new Applier(new Renderer(Templates.bundled()), out).apply(share, reloader);
      assertTrue(unknown.ok(), unknown.error());
      assertEquals(List.of("probe.json", "probe.yml"), ApplierTest.visible(scrape));

      Applier applier = new Applier(new Renderer(Templates.bundled()), out, build);
      OutputPlan plan = applier.plan(share);
      String version = build.version();
      assertTrue(version.startsWith("2.42."), version);
      String limit =
          "per-job scrape settings need Prometheus 2.43 or later (found "
              + version
              + "): job probe not scraped";
      assertEquals(List.of("probe"), plan.support().unsupportedJobs());
      assertEquals(new NodeStatus.PrometheusInfo(version, List.of(limit)), plan.support().info());
      assertEquals(
          List.of(
              "remove " + scrape.resolve("probe.json"),
              "remove " + scrape.resolve("probe.yml"),
              limit),
          plan.describe());

      ApplyResult r = applier.apply(plan, reloader);

      assertTrue(r.ok(), r.error());
      assertEquals(List.of(), ApplierTest.visible(scrape), "what it wrote earlier is removed");
      assertEquals(List.of("web.json"), ApplierTest.visible(fileSd));
      Await.until(
          Duration.ofSeconds(30),
          "the file_sd job web in Prometheus 2.42's targets",
          () -> prom.get("/api/v1/targets?state=active").contains("\"instance\":\"127.0.0.1:1\""));

      NodeShare plain = new NodeShare(share.targets(), Map.of());
      assertEquals(
          new NodeStatus.PrometheusInfo(version, List.of()),
          applier.plan(plain).support().info(),
          "the version is reported without limits when nothing is left out");
    }
  }
}
