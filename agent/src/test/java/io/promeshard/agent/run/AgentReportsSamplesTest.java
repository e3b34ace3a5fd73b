package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.agent.config.SampleSettings;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.SampleReport;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import io.promeshard.testkit.ScrapeTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent measures in its Prometheus (a real one, scraping exporters of 13, 157 and 2,345 series
 * every second) the samples each target of its files yields and reports them under {@code
 * reports/<node>/samples}: under each target's {@code job/address} key, rounded to two significant
 * digits; a change of series shows up in a later report; two targets that relabeling gives the same
 * label set, and a target relabeling drops, are left out.
 */
class AgentReportsSamplesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration INTERVAL = Duration.ofSeconds(2);

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path root;
  private PrometheusServer prom;
  private SharePublisher kv;
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (prom != null) {
      prom.stop();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = PrometheusVersion.class,
      names = {"V3_5", "V2_42"})
  void eachTargetsSamplesAreReportedUnderItsKeyAndFollowItsSeries(PrometheusVersion version)
      throws Exception {
    int[] series = {13, 157, 2345, 40, 40, 30};
    try (ScrapeTargets targets = ScrapeTargets.withSeries(series)) {
      List<String> a = targets.addresses();
      start(version, "samples-" + version.label().replace('.', '-'));
      List<TargetGroup> web = new ArrayList<>();
      a.subList(0, 3).forEach(t -> web.add(TargetGroup.of(t, Map.of())));
      web.add(TargetGroup.of(a.get(5), Map.of("drop", "yes")));
      List<TargetGroup> twins =
          List.of(
              TargetGroup.of(a.get(3), Map.of("twin", "yes")),
              TargetGroup.of(a.get(4), Map.of("twin", "yes")));
      kv.publish(node(), new NodeShare(Map.of("web", web, "twins", twins), Map.of()), 1);

      Map<String, Long> expected = new TreeMap<>();
      for (int i = 0; i < 3; i++) {
        expected.put("web/" + a.get(i), SampleReport.quantize(series[i]));
      }
      assertEquals(160L, expected.get("web/" + a.get(1)), "rounded to two significant digits");
      assertEquals(2300L, expected.get("web/" + a.get(2)));
      SampleReport first = awaitReport("every target measured", r -> r.samples().equals(expected));
      assertEquals(1, first.generation());
      assertEquals(INTERVAL, first.interval());
      assertEquals(0, first.omitted());
      assertEquals(2, first.unmeasured(), "the twins: one series, two targets");

      targets.setSeries(a.get(1), 1000);
      expected.put("web/" + a.get(1), 1000L);
      SampleReport second = awaitReport("the new series count", r -> r.samples().equals(expected));
      assertTrue(second.measuredAt().isAfter(first.measuredAt()), second.measuredAt().toString());

      // the twins are up, and still a measurement after that leaves them out
      Await.until(WAIT, "both twins up", () -> up(a.get(3)) && up(a.get(4)));
      double measured = measurements();
      Await.until(WAIT, "one more measurement", () -> measurements() > measured);
      String metrics = metrics();
      assertEquals(2.0, sample(metrics, "prome_shard_agent_samples_unmeasured_targets"));
      assertEquals(3.0, sample(metrics, "prome_shard_agent_samples_reported_targets"));
      assertTrue(
          sample(metrics, "prome_shard_agent_sample_reports_total{result=\"written\"}") >= 2,
          metrics);
      assertEquals(
          0.0,
          sample(metrics, "prome_shard_agent_sample_reports_total{result=\"measure_failed\"}"));
    }
  }

  private String metrics() {
    return get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body();
  }

  /** Measurements done: reports written and measurements that found nothing to write. */
  private double measurements() {
    String m = metrics();
    return sample(m, "prome_shard_agent_sample_reports_total{result=\"written\"}")
        + sample(m, "prome_shard_agent_sample_reports_total{result=\"unchanged\"}");
  }

  /** Whether Prometheus reports the target at {@code address} up. */
  private boolean up(String address) {
    for (JsonNode t : json(prom.get("/api/v1/targets?state=active")).at("/data/activeTargets")) {
      if (t.at("/discoveredLabels/__address__").asText().equals(address)) {
        return t.path("health").asText().equals("up");
      }
    }
    return false;
  }

  private static JsonNode json(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads {@code reports/<node>/samples} until a report passes {@code done}; every report read must
   * name only targets that exist: none of the twins, not the dropped one.
   */
  private SampleReport awaitReport(String what, Predicate<SampleReport> done) {
    AtomicReference<SampleReport> last = new AtomicReference<>();
    Await.until(
        WAIT,
        node() + ": a sample report with " + what + " (last: " + last + ")",
        () -> {
          SampleReport r =
              kv.get(kv.layout().sampleReport(node()))
                  .map(e -> SampleReport.decode(e.key(), e.value()))
                  .orElse(null);
          if (r == null) {
            return false;
          }
          last.set(r);
          assertEquals(node(), r.node());
          r.samples().keySet().forEach(k -> assertTrue(k.startsWith("web/"), k + " in " + r));
          assertTrue(r.samples().size() <= 3, r.toString());
          return done.test(r);
        });
    return last.get();
  }

  private void start(PrometheusVersion version, String node) throws IOException {
    this.node = node;
    kv = new SharePublisher(consul.url());
    Path fileSd = root.resolve("file_sd");
    Path rules = root.resolve("rules");
    Files.createDirectories(fileSd);
    Files.createDirectories(rules);
    prom =
        PrometheusServer.start(
            version,
            root.resolve("prometheus"),
            String.join(
                "\n",
                "global: {scrape_interval: 1s, scrape_timeout: 1s}",
                "scrape_configs:",
                "  - job_name: fsd",
                "    file_sd_configs: [{files: ['" + fileSd + "/*.json'], refresh_interval: 1s}]",
                "    relabel_configs:",
                "      - {source_labels: [drop], regex: 'yes', action: drop}",
                "      - {source_labels: [twin], regex: 'yes', target_label: instance,"
                    + " replacement: twins}",
                ""));
    agent =
        new Agent(
            AgentFixture.config(
                    AgentFixture.yaml(
                        consul.url(), node, fileSd, rules, prom.url(), "register: false"))
                .withSamples(new SampleSettings(true, INTERVAL)),
            AgentFixture.fastTuning(),
            Agent.StopMode.DEREGISTER);
    agent.start();
  }

  private String node;

  private String node() {
    return node;
  }
}
