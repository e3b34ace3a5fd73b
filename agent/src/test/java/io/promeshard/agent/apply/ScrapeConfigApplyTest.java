package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import io.promeshard.testkit.ScrapeTargets;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-job scrape configs against real Prometheus releases that read {@code scrape_config_files}
 * (2.53 and 3.5): what Prometheus scrapes is what the job's settings say, a change applies, a
 * setting Prometheus refuses is rolled back, and target files move and leave in an order that never
 * leaves a loaded job without its targets.
 */
class ScrapeConfigApplyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PROBED = List.of("10.1.2.3:80", "probe-me.example:8080");
  private static final Map<PrometheusVersion, Server> SERVERS =
      new EnumMap<>(PrometheusVersion.class);
  private static ScrapeTargets exporter;
  @TempDir static Path tmp;

  /** One Prometheus and its output directories. */
  record Server(PrometheusVersion version, Path root, PrometheusServer prom) {
    Path fileSd() {
      return root.resolve("file_sd");
    }

    Path rules() {
      return root.resolve("rules");
    }

    Path scrape() {
      return root.resolve("scrape_configs");
    }
  }

  @BeforeAll
  static void startExporter() {
    exporter = ScrapeTargets.start(1);
  }

  @AfterAll
  static void stopAll() {
    SERVERS.values().forEach(s -> s.prom().stop());
    if (exporter != null) {
      exporter.close();
    }
  }

  /** The blackbox example: probe each target through the exporter. */
  static ScrapeSettings blackbox(String interval, String timeout) {
    return Blackbox.settings(exporter.addresses().get(0), interval, timeout);
  }

  static NodeShare share(Map<String, ScrapeSettings> scrape) {
    return new NodeShare(
        Map.of(
            "blackbox",
            List.of(new TargetGroup(PROBED, Map.of("env", "prod"))),
            "web",
            List.of(TargetGroup.of(exporter.addresses().get(0), Map.of()))),
        Map.of(),
        Map.of(),
        scrape);
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void aBlackboxJobIsScrapedThroughTheExporterWithItsOwnSettings(PrometheusVersion version)
      throws Exception {
    Server s = server(version);
    try (Reloader reloader = reloader(s);
        PrometheusBuild build = new PrometheusBuild(s.prom().url(), Duration.ofSeconds(5))) {
      assertTrue(build.version().startsWith(version.label() + "."), build.version());

      ApplyResult r =
          applier(s, build).apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader);

      assertTrue(r.ok(), r.error());
      assertTrue(r.reload().ok(), r.reload().message());
      assertEquals(List.of("blackbox.json", "blackbox.yml"), ApplierTest.visible(s.scrape()));
      assertEquals(
          List.of("web.json"), ApplierTest.visible(s.fileSd()), "file_sd_dir/*.json never sees it");
      String exporterAddress = exporter.addresses().get(0);
      Map<String, JsonNode> probes = awaitTargets(s, "blackbox", PROBED.size());
      for (String address : PROBED) {
        JsonNode t = probes.get(address);
        assertEquals(
            "http://"
                + exporterAddress
                + "/probe?module=http_2xx&target="
                + URLEncoder.encode(address, StandardCharsets.UTF_8),
            t.get("scrapeUrl").asText());
        assertEquals("prod", t.at("/labels/env").asText());
        assertEquals("blackbox", t.at("/labels/job").asText());
        assertEquals("15s", t.get("scrapeInterval").asText());
        assertEquals(
            s.scrape().resolve("blackbox.json").toString(),
            t.at("/discoveredLabels/__meta_filepath").asText());
      }
      assertEquals(1, awaitTargets(s, "fsd", 1).size(), "the plain job keeps working beside it");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void editingTheScrapeIntervalChangesWhatPrometheusDoes(PrometheusVersion version)
      throws Exception {
    Server s = server(version);
    try (Reloader reloader = reloader(s)) {
      assertTrue(
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader).ok());
      awaitInterval(s, "15s");

      ApplyResult r =
          applier(s, null).apply(share(Map.of("blackbox", blackbox("7s", "5s"))), reloader);

      assertTrue(r.ok(), r.error());
      assertEquals(1, r.ruleChanges().size(), "only the scrape config changed: " + r.ruleChanges());
      assertTrue(r.targetChanges().isEmpty(), "the targets did not change");
      awaitInterval(s, "7s");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void aSettingOnlyPrometheusRejectsIsRolledBackAndTheOldConfigStaysLoaded(
      PrometheusVersion version) throws Exception {
    Server s = server(version);
    try (Reloader reloader = reloader(s)) {
      assertTrue(
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader).ok());
      Map<String, byte[]> before = contents(s);

      // a timeout above the interval: valid JSON, known keys, refused only by Prometheus
      ApplyResult r =
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "30s"))), reloader);

      assertFalse(r.ok());
      assertTrue(r.rolledBack());
      assertTrue(
          r.error()
              .startsWith(
                  "scrape config of job blackbox rejected: reload failed: POST "
                      + s.prom().url()
                      + "/-/reload returned HTTP 500"),
          r.error());
      assertTrue(r.error().endsWith("; previous files restored and reloaded"), r.error());
      assertEquals(ApplyResult.Failure.REJECTED, r.failure());
      Map<String, byte[]> after = contents(s);
      assertEquals(before.keySet(), after.keySet());
      before.forEach((file, bytes) -> assertArrayEquals(bytes, after.get(file), file));
      assertTrue(
          s.prom().get("/metrics").contains("\nprometheus_config_last_reload_successful 1\n"));
      awaitInterval(s, "15s");
      assertEquals(
          "10s", awaitTargets(s, "blackbox", 2).get(PROBED.get(0)).get("scrapeTimeout").asText());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void promtoolAsCheckCommandRejectsABadScrapeConfigBeforeInstall(PrometheusVersion version)
      throws Exception {
    Server s = server(version);
    Path promtool = Binaries.promtool(version);
    CheckCommand rulesCheck =
        CheckCommand.parse(promtool + " check rules {}", Duration.ofSeconds(30));
    Applier checked =
        new Applier(
            new Renderer(Templates.bundled()),
            output(s).withRuleCheck(rulesCheck).withPromtool(promtool));
    try (Reloader reloader = reloader(s)) {
      ApplyResult good = checked.apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader);
      assertTrue(good.ok(), good.error());
      Map<String, byte[]> before = contents(s);

      ApplyResult bad = checked.apply(share(Map.of("blackbox", blackbox("15s", "30s"))), reloader);

      assertFalse(bad.ok());
      assertTrue(
          bad.error()
              .startsWith(
                  "scrape config of job blackbox ("
                      + s.scrape().resolve("blackbox.yml")
                      + ") rejected: check command exited 1: "
                      + promtool
                      + " check config "),
          bad.error());
      assertTrue(bad.error().contains("scrape timeout greater than scrape interval"), bad.error());
      assertNull(bad.reload(), "nothing was installed, so nothing is reloaded");
      assertFalse(bad.rolledBack());
      Map<String, byte[]> after = contents(s);
      before.forEach((file, bytes) -> assertArrayEquals(bytes, after.get(file), file));
      assertEquals(before.keySet(), after.keySet());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void addingWritesTargetsFirstAndRemovingTakesTheTargetsLast(PrometheusVersion version)
      throws Exception {
    Server s = server(version);
    Path yml = s.scrape().resolve("blackbox.yml");
    Path json = s.scrape().resolve("blackbox.json");
    try (ReloadProbe probe = ReloadProbe.start(s.prom(), yml, json);
        Reloader reloader = probe.reloader()) {
      assertTrue(
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader).ok());
      assertEquals(
          List.of("yml+json"), probe.seen(), "both files were there when Prometheus loaded");
      awaitTargets(s, "blackbox", 2);

      NodeShare without =
          new NodeShare(Map.of("web", share(Map.of()).targets().get("web")), Map.of());
      ApplyResult removed = applier(s, null).apply(without, reloader);

      assertTrue(removed.ok(), removed.error());
      assertEquals(
          List.of("yml+json", "json"),
          probe.seen(),
          "the scrape config left with the reload, its targets after it");
      assertFalse(Files.exists(json));
      assertEquals(List.of(), ApplierTest.visible(s.scrape()));
      assertEquals(List.of("web.json"), ApplierTest.visible(s.fileSd()));
      Await.until(
          Duration.ofSeconds(30), "the blackbox job gone", () -> targets(s, "blackbox").isEmpty());
      assertEquals(
          List.of(".prome-shard-managed.scrape_configs", ".prome-shard-managed.targets"),
          ApplierTest.all(s.scrape()).stream().filter(n -> n.startsWith(".")).toList());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void aJobLosingItsScrapeSettingsMovesBackToFileSd(PrometheusVersion version) throws Exception {
    Server s = server(version);
    try (Reloader reloader = reloader(s)) {
      assertTrue(
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader).ok());
      awaitTargets(s, "blackbox", 2);

      ApplyResult r = applier(s, null).apply(share(Map.of()), reloader);

      assertTrue(r.ok(), r.error());
      assertEquals(List.of("blackbox.json", "web.json"), ApplierTest.visible(s.fileSd()));
      assertEquals(List.of(), ApplierTest.visible(s.scrape()));
      Await.until(
          Duration.ofSeconds(30),
          "the probed addresses scraped as plain file_sd targets, the blackbox job gone",
          () -> targets(s, "fsd").keySet().containsAll(PROBED) && targets(s, "blackbox").isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"V2_53", "V3_5"})
  void aJobGainingRejectedSettingsKeepsItsFileSdTargets(PrometheusVersion version)
      throws Exception {
    Server s = server(version);
    try (Reloader reloader = reloader(s)) {
      assertTrue(applier(s, null).apply(share(Map.of()), reloader).ok());
      byte[] plain = Files.readAllBytes(s.fileSd().resolve("blackbox.json"));

      ApplyResult r =
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "30s"))), reloader);

      assertFalse(r.ok());
      assertArrayEquals(
          plain,
          Files.readAllBytes(s.fileSd().resolve("blackbox.json")),
          "not removed: the move did not go through");
      assertFalse(Files.exists(s.scrape().resolve("blackbox.yml")));
      Await.until(
          Duration.ofSeconds(30),
          "the probed addresses still scraped as file_sd targets",
          () -> targets(s, "fsd").keySet().containsAll(PROBED));

      ApplyResult fixed =
          applier(s, null).apply(share(Map.of("blackbox", blackbox("15s", "10s"))), reloader);
      assertTrue(fixed.ok(), fixed.error());
      assertEquals(List.of("web.json"), ApplierTest.visible(s.fileSd()));
      awaitTargets(s, "blackbox", 2);
    }
  }

  private static synchronized Server server(PrometheusVersion version) throws IOException {
    Server s = SERVERS.get(version);
    if (s == null) {
      Path root = tmp.resolve(version.label());
      for (String dir : List.of("file_sd", "rules", "scrape_configs")) {
        Files.createDirectories(root.resolve(dir));
      }
      PrometheusServer prom =
          PrometheusServer.start(
              version,
              root.resolve("prometheus"),
              String.join(
                  "\n",
                  "global: {scrape_interval: 1h, evaluation_interval: 1h}",
                  "rule_files: ['" + root.resolve("rules") + "/*.yml']",
                  "scrape_config_files: ['" + root.resolve("scrape_configs") + "/*.yml']",
                  "scrape_configs:",
                  "  - job_name: fsd",
                  "    file_sd_configs:",
                  "      - files: ['" + root.resolve("file_sd") + "/*.json']",
                  "        refresh_interval: 1s",
                  ""));
      s = new Server(version, root, prom);
      SERVERS.put(version, s);
    }
    clean(s);
    return s;
  }

  /** Empties the output directories and loads that, so every test starts from nothing. */
  private static void clean(Server s) throws IOException {
    for (Path dir : List.of(s.fileSd(), s.rules(), s.scrape())) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    }
    s.prom().post("/-/reload");
  }

  static OutputConfig output(Server s) {
    return OutputConfig.of(s.fileSd(), s.rules(), null).withScrapeConfigDir(s.scrape());
  }

  private static Applier applier(Server s, PrometheusBuild build) {
    return new Applier(new Renderer(Templates.bundled()), output(s), build);
  }

  private static Reloader reloader(Server s) {
    return new Reloader(
        s.prom().url() + "/-/reload", Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  /** Every file of the three directories (hidden ones too), name relative to the root → bytes. */
  private static Map<String, byte[]> contents(Server s) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (Path dir : List.of(s.fileSd(), s.rules(), s.scrape())) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          out.put(s.root().relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  /** The active targets of {@code job}, by their instance label. */
  static Map<String, JsonNode> targets(Server s, String job) {
    Map<String, JsonNode> out = new TreeMap<>();
    try {
      for (JsonNode t :
          JSON.readTree(s.prom().get("/api/v1/targets?state=active")).at("/data/activeTargets")) {
        if (job.equals(t.at("/labels/job").asText())) {
          out.put(t.at("/labels/instance").asText(), t);
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  static Map<String, JsonNode> awaitTargets(Server s, String job, int count) {
    return Await.value(
        Duration.ofSeconds(30),
        count + " targets of job " + job + " in /api/v1/targets of " + s.version(),
        () -> {
          Map<String, JsonNode> t = targets(s, job);
          return t.size() == count ? t : null;
        });
  }

  private static void awaitInterval(Server s, String interval) {
    Await.until(
        Duration.ofSeconds(30),
        "blackbox targets scraped every " + interval,
        () -> {
          Map<String, JsonNode> t = targets(s, "blackbox");
          return t.size() == PROBED.size()
              && t.values().stream()
                  .allMatch(n -> interval.equals(n.get("scrapeInterval").asText()));
        });
  }
}
