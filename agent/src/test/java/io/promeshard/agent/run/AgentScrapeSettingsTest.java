package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.agent.apply.Blackbox;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import io.promeshard.testkit.ScrapeTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A running agent given jobs with their own scrape settings through Consul, against real
 * Prometheus: on 2.53 and 3.5 the job is scraped as its settings say, its targets are confirmed
 * scraped in the status (handovers wait for that), an edit applies, and the status names the
 * version; on 2.42 the status and a metric name the job that cannot be scraped, and file_sd jobs
 * keep working.
 */
class AgentScrapeSettingsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> PROBED = List.of("10.9.8.7:80", "probe.example:443");

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path root;
  private PrometheusServer prom;
  private Agent agent;
  private ScrapeTargets exporter;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (prom != null) {
      prom.stop();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void aJobConfiguredInConsulIsScrapedAsItsSettingsSayAndAnEditApplies(PrometheusVersion version)
      throws Exception {
    SharePublisher kv = start(version, true, "scrape-" + version.name());
    String node = "scrape-" + version.name();
    kv.publish(node, share("1s"), 1);

    NodeStatus s = untilApplied(kv, node, 1, true);
    assertTrue(s.prometheus().version().startsWith(version.label() + "."), s.toString());
    assertEquals(List.of(), s.prometheus().limits());
    assertEquals("", s.lastError());
    Map<String, JsonNode> probes = awaitProbes("1s");
    for (String address : PROBED) {
      assertEquals(
          "http://"
              + exporter.addresses().get(0)
              + "/probe?module=http_2xx&target="
              + URLEncoder.encode(address, StandardCharsets.UTF_8),
          probes.get(address).get("scrapeUrl").asText());
    }
    assertTrue(
        s.files().stream()
            .anyMatch(
                f ->
                    f.kind().equals("scrape_configs")
                        && f.path().equals(scrapeDir().resolve("blackbox.yml").toString())),
        s.files().toString());

    kv.publish(node, share("2s"), 2);
    untilApplied(kv, node, 2, false);
    awaitProbes("2s");
    byte[] installed = Files.readAllBytes(scrapeDir().resolve("blackbox.yml"));

    // a timeout above the interval: only Prometheus refuses it
    kv.publish(node, share("2s", "5s"), 3);
    NodeStatus rejected =
        Await.value(
            WAIT,
            node + ": generation 3 reported rejected",
            () ->
                kv.status(node)
                    .filter(
                        st -> st.lastError().startsWith("scrape config of job blackbox rejected"))
                    .orElse(null));
    assertEquals(2, rejected.appliedGeneration(), rejected.toString());
    assertTrue(
        rejected.lastError().contains("previous files restored and reloaded"),
        rejected.lastError());
    assertArrayEquals(installed, Files.readAllBytes(scrapeDir().resolve("blackbox.yml")));
    awaitProbes("2s");
  }

  @Test
  void aNewJobWithRejectedSettingsIsNeverScrapedPlainlyAndOtherJobsMoveOnWithoutReloads()
      throws Exception {
    String node = "scrape-rejected";
    SharePublisher kv = start(PrometheusVersion.newest(), true, node);
    String web = exporter.addresses().get(0);
    kv.publish(node, webOnly(List.of(web)), 1);
    untilApplied(kv, node, 1, false);

    NodeShare bad = withProbe(webOnly(List.of(web)), "5s");
    kv.publish(node, bad, 2);
    Await.until(
        WAIT,
        "generation 2 reported rejected",
        () ->
            kv.status(node)
                .map(st -> st.lastError().startsWith("scrape config of job probe rejected"))
                .orElse(false));
    double reloads = reloads();

    String added = "127.0.0.1:1";
    kv.publish(node, withProbe(webOnly(List.of(web, added)), "5s"), 3);
    Await.until(
        WAIT,
        "the web job's new target written while probe's settings stay rejected",
        () -> read(fileSd().resolve("web.json")).contains(added));

    assertEquals(List.of("web.json"), visible(fileSd()), "probe never lands in file_sd_dir");
    assertEquals(List.of(), visible(scrapeDir()));
    assertEquals(reloads, reloads(), "a target change costs no reload of the rejected config");
    NodeStatus s = kv.status(node).orElseThrow();
    assertEquals(1, s.appliedGeneration());
    assertTrue(s.lastError().startsWith("scrape config of job probe rejected"), s.lastError());
    assertTrue(
        targets("fsd").keySet().stream().noneMatch(PROBED::contains), "never scraped plainly");
  }

  private NodeShare webOnly(List<String> addresses) {
    return new NodeShare(Map.of("web", List.of(new TargetGroup(addresses, Map.of()))), Map.of());
  }

  /**
   * {@code share} plus job probe with a timeout above its 1s interval, which Prometheus refuses.
   */
  private NodeShare withProbe(NodeShare share, String timeout) {
    Map<String, List<TargetGroup>> targets = new TreeMap<>(share.targets());
    targets.put("probe", List.of(new TargetGroup(PROBED, Map.of())));
    return new NodeShare(
        targets,
        Map.of(),
        Map.of(),
        Map.of("probe", Blackbox.settings(exporter.addresses().get(0), "1s", timeout)));
  }

  private double reloads() {
    String metrics = get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body();
    double sum = 0;
    for (String result : List.of("ok", "failed", "unreachable")) {
      sum += sample(metrics, "prome_shard_agent_reloads_total{result=\"" + result + "\"}");
    }
    return sum;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> visible(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  @Test
  void onPrometheus242TheStatusNamesTheJobsNotScrapedAndFileSdKeepsWorking() throws Exception {
    String node = "scrape-old";
    SharePublisher kv = start(PrometheusVersion.V2_42, false, node);
    kv.publish(node, share("1s"), 1);

    NodeStatus s = untilApplied(kv, node, 1, true);
    String found = s.prometheus().version();
    assertTrue(found.startsWith("2.42."), s.toString());
    assertEquals(
        List.of(
            "per-job scrape settings need Prometheus 2.43 or later (found "
                + found
                + "): job blackbox not scraped"),
        s.prometheus().limits());
    assertEquals("", s.lastError(), "everything else applied");
    assertFalse(Files.exists(scrapeDir().resolve("blackbox.yml")));
    assertFalse(Files.exists(scrapeDir().resolve("blackbox.json")));
    assertFalse(Files.exists(fileSd().resolve("blackbox.json")), "never scraped without settings");
    Await.until(
        WAIT,
        "the file_sd job web scraped by Prometheus 2.42",
        () ->
            targets("fsd").values().stream().anyMatch(t -> t.get("health").asText().equals("up")));
    String metrics = get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body();
    assertEquals(1.0, sample(metrics, "prome_shard_agent_jobs_unsupported"));
  }

  /** Job blackbox (probed through the exporter every {@code interval}) and a plain job web. */
  private NodeShare share(String interval) {
    return share(interval, "1s");
  }

  private NodeShare share(String interval, String timeout) {
    ScrapeSettings blackbox = Blackbox.settings(exporter.addresses().get(0), interval, timeout);
    return new NodeShare(
        Map.of(
            "blackbox",
            List.of(new TargetGroup(PROBED, Map.of())),
            "web",
            List.of(TargetGroup.of(exporter.addresses().get(0), Map.of()))),
        Map.of(),
        Map.of(),
        Map.of("blackbox", blackbox));
  }

  /**
   * Reads {@code status/<node>} until {@code generation} is applied (and, when {@code settled},
   * nothing is pending: every target, the probed ones included, confirmed scraped).
   */
  private static NodeStatus untilApplied(
      SharePublisher kv, String node, long generation, boolean settled) {
    return Await.value(
        WAIT,
        node + ": generation " + generation + " applied" + (settled ? ", nothing pending" : ""),
        () -> {
          NodeStatus s = kv.status(node).orElse(null);
          boolean done =
              s != null
                  && s.appliedGeneration() >= generation
                  && s.prometheus() != null
                  && (!settled || NodeStatus.Observed.NOTHING_PENDING.equals(s.observed()));
          return done ? s : null;
        });
  }

  private Map<String, JsonNode> awaitProbes(String interval) {
    return Await.value(
        WAIT,
        "the probed targets scraped every " + interval,
        () -> {
          Map<String, JsonNode> t = targets("blackbox");
          boolean all =
              t.keySet().equals(new java.util.TreeSet<>(PROBED))
                  && t.values().stream()
                      .allMatch(n -> interval.equals(n.get("scrapeInterval").asText()));
          return all ? t : null;
        });
  }

  /** Prometheus' active targets of {@code job}, by instance. */
  private Map<String, JsonNode> targets(String job) {
    Map<String, JsonNode> out = new TreeMap<>();
    try {
      for (JsonNode t :
          Json.MAPPER
              .readTree(prom.get("/api/v1/targets?state=active"))
              .at("/data/activeTargets")) {
        if (job.equals(t.at("/labels/job").asText())) {
          out.put(t.at("/labels/instance").asText(), t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private SharePublisher start(PrometheusVersion version, boolean scrapeConfigFiles, String node)
      throws IOException {
    exporter = ScrapeTargets.start(1);
    for (Path dir : List.of(fileSd(), rules(), scrapeDir())) {
      Files.createDirectories(dir);
    }
    prom =
        PrometheusServer.start(
            version,
            root.resolve("prometheus"),
            String.join(
                "\n",
                Stream.of(
                        "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                        "rule_files: ['" + rules() + "/*.yml']",
                        scrapeConfigFiles
                            ? "scrape_config_files: ['" + scrapeDir() + "/*.yml']"
                            : "",
                        "scrape_configs:",
                        "  - job_name: fsd",
                        "    file_sd_configs: [{files: ['"
                            + fileSd()
                            + "/*.json'], refresh_interval: 1s}]",
                        "")
                    .toList()));
    agent =
        new Agent(
            AgentFixture.config(
                AgentFixture.yaml(
                    consul.url(),
                    node,
                    fileSd(),
                    rules(),
                    prom.url(),
                    "register: false",
                    "scrape_config_dir: '" + scrapeDir() + "'")),
            AgentFixture.fastTuning(),
            Agent.StopMode.DEREGISTER);
    agent.start();
    return new SharePublisher(consul.url());
  }

  private Path fileSd() {
    return root.resolve("file_sd");
  }

  private Path rules() {
    return root.resolve("rules");
  }

  private Path scrapeDir() {
    return root.resolve("scrape_configs");
  }
}
