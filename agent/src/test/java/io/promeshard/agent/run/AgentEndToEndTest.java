package io.promeshard.agent.run;

import static io.promeshard.agent.run.AgentFixture.get;
import static io.promeshard.agent.run.AgentFixture.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent in-process against a real Consul and a real Prometheus of each supported release
 * reading what it writes.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(PrometheusVersion.class)
class AgentEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> AWKWARD =
      List.of(
          "say \"hi\"",
          "C:\\path\\to\\",
          "line1\nline2",
          "tab\there",
          "h\u00e9llo w\u00f6rld \u4e2d\u6587 \ud83c\udf89",
          "{{",
          "}}",
          "{{not a tag}}",
          "</script><script>alert(1)</script>",
          "'single' & \"double\" \\\" mixed");
  private static final RecordRule UP = new RecordRule("job:up:sum", "sum by (job) (up)");
  private static final RecordRule BROKEN = new RecordRule("job:broken:sum", "sum by (job) (up");

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir static Path root;
  private static PrometheusServer prom;
  private static SharePublisher kv;
  private final List<Agent> agents = new ArrayList<>();
  @Parameter PrometheusVersion release;

  @BeforeParameterizedClassInvocation
  static void startPrometheus(PrometheusVersion release) throws IOException {
    Files.createDirectories(fileSd());
    Files.createDirectories(rules());
    prom =
        PrometheusServer.start(
            release,
            root.resolve("prometheus-" + release.label()),
            String.join(
                "\n",
                "global:",
                "  scrape_interval: 1h",
                "  evaluation_interval: 1h",
                "rule_files:",
                "  - " + rules() + "/*.yml",
                "scrape_configs:",
                "  - job_name: fsd",
                "    file_sd_configs:",
                "      - files: ['" + fileSd() + "/*.json']",
                "        refresh_interval: 1s",
                ""));
    kv = new SharePublisher(consul.url());
  }

  @AfterParameterizedClassInvocation
  static void stopPrometheus() {
    if (prom != null) {
      prom.stop();
    }
  }

  @BeforeEach
  void emptyKvAndOutput() throws IOException {
    consul.clearKv();
    for (Path dir : List.of(fileSd(), rules())) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
    }
    prom.post("/-/reload");
  }

  @AfterEach
  void stopAgents() {
    agents.forEach(Agent::close);
  }

  @Test
  void awkwardLabelValuesArriveInPrometheusExactlyAsWrittenAndStatusDescribesTheFiles()
      throws Exception {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      groups.add(
          TargetGroup.of(
              "127.0.0.1:" + (20000 + i),
              Map.of("case", Integer.toString(i), "v", AWKWARD.get(i))));
    }
    Agent agent = start("e2e-labels");
    kv.publish(
        "e2e-labels", new NodeShare(Map.of("awkward", groups), Map.of("heavy", List.of(UP))), 3);

    Map<String, String> seen =
        Await.value(
            WAIT,
            "all awkward targets in /api/v1/targets",
            () -> {
              Map<String, String> byCase = new TreeMap<>();
              for (JsonNode t :
                  json(prom.get("/api/v1/targets?state=active")).at("/data/activeTargets")) {
                JsonNode labels = t.get("labels");
                if ("fsd".equals(labels.path("job").asText()) && labels.has("case")) {
                  byCase.put(labels.get("case").asText(), labels.path("v").asText());
                }
              }
              return byCase.size() == AWKWARD.size() ? byCase : null;
            });
    for (int i = 0; i < AWKWARD.size(); i++) {
      assertEquals(AWKWARD.get(i), seen.get(Integer.toString(i)), "label v of case " + i);
    }
    Await.until(
        WAIT,
        "rule group heavy loaded",
        () -> loadedRules().equals(Map.of("heavy", List.of("job:up:sum"))));

    NodeStatus status =
        Await.value(
            WAIT,
            "status/e2e-labels at generation 3",
            () -> kv.status("e2e-labels").filter(s -> s.appliedGeneration() == 3).orElse(null));
    assertEquals("e2e-labels", status.node());
    assertEquals(1, status.epoch());
    assertEquals("", status.lastError());
    assertFalse(status.updatedAt().isEmpty());
    assertTrue(status.reload().ok(), status.reload().message());
    Path job = fileSd().resolve("awkward.json");
    Path group = rules().resolve("heavy.yml");
    assertEquals(
        List.of(
            new NodeStatus.FileStatus(
                job.toString(),
                "targets",
                AWKWARD.size(),
                Checksums.sha256Hex(Files.readAllBytes(job))),
            new NodeStatus.FileStatus(
                group.toString(), "rules", 1, Checksums.sha256Hex(Files.readAllBytes(group)))),
        status.files());

    String metrics = get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body();
    assertEquals(3.0, sample(metrics, "prome_shard_agent_applied_generation"));
    assertEquals(1.0, sample(metrics, "prome_shard_agent_consul_up"));
    assertEquals(1.0, sample(metrics, "prome_shard_agent_reloads_total{result=\"ok\"}"));
    assertEquals(1.0, sample(metrics, "prome_shard_agent_files_written_total{kind=\"targets\"}"));
    assertTrue(
        sample(metrics, "prome_shard_agent_apply_duration_seconds_count") >= 1,
        "every apply step timed:\n" + metrics);
    AgentFixture.Reply health = get("http://127.0.0.1:" + agent.opsPort() + "/healthz");
    assertEquals(200, health.status());
    assertEquals("ok: generation 3 applied\n", health.body());
  }

  @Test
  void partsWrittenWithoutTheirManifestAreNeverAppliedUntilTheManifestFollows() throws Exception {
    Agent agent = start("e2e-commit");
    kv.publish("e2e-commit", share("web", "127.0.0.1:1001"), 1);
    Path web = fileSd().resolve("web.json");
    Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
    byte[] first = Files.readAllBytes(web);

    Map<String, String> parts = kv.writeParts("e2e-commit", share("web", "127.0.0.1:2002"));
    Await.until(
        WAIT,
        "the agent to see the incomplete snapshot",
        () ->
            sample(
                    get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body(),
                    "prome_shard_agent_snapshots_total{result=\"incomplete\"}")
                >= 1);
    assertArrayEquals(
        first, Files.readAllBytes(web), "parts without their manifest change nothing");
    assertEquals(1, agent.status().appliedGeneration());

    kv.writeManifest("e2e-commit", new io.promeshard.protocol.NodeManifest(2, 1, parts, ""));
    Await.until(WAIT, "generation 2 applied", () -> agent.status().appliedGeneration() == 2);
    assertTrue(Files.readString(web).contains("127.0.0.1:2002"), Files.readString(web));
  }

  @Test
  void aManifestOlderThanOneAppliedIsAppliedAndCounted() throws Exception {
    Agent agent = start("e2e-older");
    kv.writeManifest(
        "e2e-older",
        new io.promeshard.protocol.NodeManifest(
            7, 3, kv.writeParts("e2e-older", share("web", "127.0.0.1:3003")), ""));
    Await.until(WAIT, "generation 7 applied", () -> agent.status().appliedGeneration() == 7);
    // the KV store went back (a snapshot restored): generation 2 of epoch 1
    kv.writeManifest(
        "e2e-older",
        new io.promeshard.protocol.NodeManifest(
            2, 1, kv.writeParts("e2e-older", share("web", "127.0.0.1:4004")), ""));
    Await.until(WAIT, "generation 2 applied", () -> agent.status().appliedGeneration() == 2);
    Path web = fileSd().resolve("web.json");
    assertTrue(Files.readString(web).contains("127.0.0.1:4004"), Files.readString(web));
    assertEquals(
        1.0,
        sample(
            get("http://127.0.0.1:" + agent.opsPort() + "/metrics").body(),
            "prome_shard_agent_manifest_regressions_total"));
  }

  @Test
  void withPromtoolARuleEvenPromtoolFindsBadIsLeftOutTheRestLoadsAndItIsReportedByName()
      throws Exception {
    Agent agent =
        start(
            "e2e-sift-promtool",
            "check_command: [\"" + Binaries.promtool(release) + "\", check, rules]");
    NodeStatus status =
        aBadRuleIsLeftOutAndReportedUntilTheShareDropsIt(agent, "e2e-sift-promtool");
    assertTrue(
        status.rejectedRules().get(0).error().contains("unclosed left parenthesis"),
        status.rejectedRules().get(0).error());
  }

  @Test
  void withoutPromtoolTheBadRuleIsFoundByReloadingPartsTheRestLoadsAndItIsReported()
      throws Exception {
    Agent agent = start("e2e-sift-reload");
    NodeStatus status = aBadRuleIsLeftOutAndReportedUntilTheShareDropsIt(agent, "e2e-sift-reload");
    assertTrue(
        status.rejectedRules().get(0).error().contains("rejected by the Prometheus reload"),
        status.rejectedRules().get(0).error());
  }

  /** The scenario both ways of finding the bad rule share; returns the status that reported it. */
  private NodeStatus aBadRuleIsLeftOutAndReportedUntilTheShareDropsIt(Agent agent, String node)
      throws Exception {
    kv.publish(node, new NodeShare(Map.of(), Map.of("heavy", List.of(UP))), 1);
    Await.until(
        WAIT, "heavy loaded", () -> loadedRules().equals(Map.of("heavy", List.of("job:up:sum"))));

    RecordRule count = new RecordRule("job:count:sum", "count(up)");
    kv.publish(
        node,
        new NodeShare(
            Map.of("web", List.of(TargetGroup.of("127.0.0.1:3003", Map.of()))),
            Map.of("heavy", List.of(UP, BROKEN, count))),
        2);

    NodeStatus status =
        Await.value(
            WAIT,
            "status reporting the rejected rule",
            () ->
                kv.status(node)
                    .filter(s -> s.appliedGeneration() == 2 && !s.rejectedRules().isEmpty())
                    .orElse(null));
    assertEquals(1, status.rejectedRules().size(), status.rejectedRules().toString());
    assertEquals("heavy", status.rejectedRules().get(0).group());
    assertEquals("job:broken:sum", status.rejectedRules().get(0).record());
    assertTrue(
        status
            .lastError()
            .contains("1 rules rejected by Prometheus and left out: heavy/job:broken:sum"),
        status.lastError());
    assertTrue(status.reload().ok(), status.reload().message());
    assertEquals(Map.of("heavy", List.of("job:up:sum", "job:count:sum")), loadedRules());
    assertFalse(Files.readString(rules().resolve("heavy.yml")).contains("job:broken:sum"));
    assertTrue(prom.get("/metrics").contains("\nprometheus_config_last_reload_successful 1\n"));
    assertTrue(
        Files.readString(fileSd().resolve("web.json")).contains("127.0.0.1:3003"),
        "the targets of generation 2 are applied too");
    AgentFixture.Reply health = get("http://127.0.0.1:" + agent.opsPort() + "/healthz");
    assertTrue(health.body().contains("left out: heavy/job:broken:sum"), health.body());

    kv.publish(
        node,
        new NodeShare(
            Map.of(),
            Map.of(
                "heavy",
                List.of(UP, count),
                "light",
                List.of(new RecordRule("job:light:count", "count(up)")))),
        3);
    NodeStatus cleared =
        Await.value(
            WAIT,
            "generation 3 applied and the report cleared",
            () ->
                kv.status(node)
                    .filter(s -> s.appliedGeneration() == 3 && s.rejectedRules().isEmpty())
                    .orElse(null));
    assertEquals("", cleared.lastError());
    assertEquals(
        Map.of(
            "heavy", List.of("job:up:sum", "job:count:sum"), "light", List.of("job:light:count")),
        loadedRules());
    assertFalse(
        Files.exists(fileSd().resolve("web.json")), "a job that left the share loses its file");
    return status;
  }

  @Test
  void aBurstOfRuleChangesCostsOneReloadWhileTargetsFollowAtOnce() throws Exception {
    Agent agent = start("e2e-burst", "debounce: 3s");
    kv.publish("e2e-burst", new NodeShare(Map.of(), Map.of("heavy", List.of(UP))), 1);
    Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
    String metricsUrl = "http://127.0.0.1:" + agent.opsPort() + "/metrics";
    double reloads =
        sample(get(metricsUrl).body(), "prome_shard_agent_reloads_total{result=\"ok\"}");

    for (int g = 2; g <= 6; g++) {
      kv.publish(
          "e2e-burst",
          new NodeShare(
              Map.of("web", List.of(TargetGroup.of("127.0.0.1:" + (4000 + g), Map.of()))),
              Map.of("heavy", List.of(UP, new RecordRule("job:g" + g + ":sum", "sum(up)")))),
          g);
    }
    Await.until(
        WAIT,
        "targets of generation 6 written before the rules",
        () -> read(fileSd().resolve("web.json")).contains("127.0.0.1:4006"));
    Await.until(WAIT, "generation 6 applied", () -> agent.status().appliedGeneration() == 6);
    assertEquals(Map.of("heavy", List.of("job:up:sum", "job:g6:sum")), loadedRules());
    assertEquals(
        reloads + 1,
        sample(get(metricsUrl).body(), "prome_shard_agent_reloads_total{result=\"ok\"}"),
        "one reload for five rule changes in a burst");
  }

  @Test
  void aRuleIntervalChangeAloneReachesPrometheusAndSurvivesLaterTargetChanges() throws Exception {
    Agent agent = start("e2e-interval", "debounce: 200ms");
    Map<String, List<RecordRule>> heavy = Map.of("heavy", List.of(UP));
    kv.publish(
        "e2e-interval", new NodeShare(Map.of(), heavy, Map.of("heavy", Duration.ofSeconds(45))), 1);
    Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
    assertTrue(read(rules().resolve("heavy.yml")).contains("interval: \"45s\""));

    kv.publish(
        "e2e-interval", new NodeShare(Map.of(), heavy, Map.of("heavy", Duration.ofMinutes(1))), 2);
    Await.until(WAIT, "generation 2 applied", () -> agent.status().appliedGeneration() == 2);
    assertTrue(read(rules().resolve("heavy.yml")).contains("interval: \"1m\""));
    Await.until(
        WAIT,
        "Prometheus evaluates the group every 60 s",
        () -> get(prom.url() + "/api/v1/rules").body().contains("\"interval\":60"));

    kv.publish(
        "e2e-interval",
        new NodeShare(
            Map.of("web", List.of(TargetGroup.of("127.0.0.1:4100", Map.of()))),
            heavy,
            Map.of("heavy", Duration.ofMinutes(1))),
        3);
    Await.until(WAIT, "generation 3 applied", () -> agent.status().appliedGeneration() == 3);
    assertTrue(read(fileSd().resolve("web.json")).contains("127.0.0.1:4100"));
    assertTrue(
        read(rules().resolve("heavy.yml")).contains("interval: \"1m\""),
        "a target change kept the interval");
  }

  @Test
  void reloadOnDecidesWhetherTargetOrRuleChangesReload() throws Exception {
    Agent always = start("e2e-always", "reload_on: always");
    String metrics = "http://127.0.0.1:" + always.opsPort() + "/metrics";
    kv.publish("e2e-always", share("web", "127.0.0.1:9001"), 1);
    Await.until(WAIT, "generation 1 applied", () -> always.status().appliedGeneration() == 1);
    assertEquals(
        1.0, sample(get(metrics).body(), "prome_shard_agent_reloads_total{result=\"ok\"}"));
    kv.publish("e2e-always", share("web", "127.0.0.1:9002"), 2);
    Await.until(WAIT, "generation 2 applied", () -> always.status().appliedGeneration() == 2);
    assertEquals(
        2.0,
        sample(get(metrics).body(), "prome_shard_agent_reloads_total{result=\"ok\"}"),
        "a target change reloads too, after the debounce");
    always.close();

    Agent never = start("e2e-never", "reload_on: never");
    kv.publish("e2e-never", new NodeShare(Map.of(), Map.of("heavy", List.of(UP))), 1);
    Await.until(WAIT, "generation 1 applied", () -> never.status().appliedGeneration() == 1);
    assertTrue(Files.exists(rules().resolve("heavy.yml")));
    String text = get("http://127.0.0.1:" + never.opsPort() + "/metrics").body();
    assertEquals(0.0, sample(text, "prome_shard_agent_reloads_total{result=\"ok\"}"));
    assertEquals(0.0, sample(text, "prome_shard_agent_reloads_total{result=\"failed\"}"));
    assertEquals(Map.of(), loadedRules(), "written but Prometheus was not told");
  }

  @Test
  void traversingNamesInKvAreRejectedAndNothingIsWrittenOutsideTheDirectories() throws Exception {
    Agent agent = start("e2e-names");
    kv.publish("e2e-names", share("web", "127.0.0.1:5005"), 1);
    Await.until(WAIT, "generation 1 applied", () -> agent.status().appliedGeneration() == 1);
    String dir = kv.layout().nodeDir("e2e-names");
    byte[] value =
        "[{\"targets\":[\"127.0.0.1:6006\"],\"labels\":{}}]".getBytes(StandardCharsets.UTF_8);

    kv.putRaw(dir + "targets/../x", value);
    assertTrue(
        kv.kv().list(dir, 0, Duration.ZERO).value().stream()
            .anyMatch(e -> e.key().equals(dir + "targets/../x")),
        "Consul keeps the key as written");
    kv.putRaw(
        dir + "manifest",
        ("{\"generation\":2,\"epoch\":1,\"parts\":{\"targets/../x\":\""
                + Checksums.sha256Hex(value)
                + "\"},\"written_at\":\"\"}")
            .getBytes(StandardCharsets.UTF_8));
    NodeStatus status =
        Await.value(
            WAIT,
            "status reporting the malformed manifest",
            () -> kv.status("e2e-names").filter(s -> !s.lastError().isEmpty()).orElse(null));
    assertTrue(
        status.lastError().startsWith("prome-shard/nodes/e2e-names/manifest: "),
        status.lastError());
    assertEquals(1, status.appliedGeneration());

    kv.putRaw(dir + "rules/../../x", value);
    kv.publish("e2e-names", share("web", "127.0.0.1:7007"), 3);
    Await.until(WAIT, "generation 3 applied", () -> agent.status().appliedGeneration() == 3);
    assertEquals(
        new TreeSet<>(List.of("out/file_sd/.prome-shard-managed.targets", "out/file_sd/web.json")),
        filesUnder(root.resolve("out")));
    try (Stream<Path> all = Files.walk(root)) {
      assertEquals(List.of(), all.filter(p -> p.getFileName().toString().startsWith("x")).toList());
    }
  }

  private Agent start(String node, String... extra) throws IOException {
    List<String> lines = new ArrayList<>(List.of("register: false"));
    lines.addAll(List.of(extra));
    return start(node, Agent.StopMode.DEREGISTER, lines.toArray(String[]::new));
  }

  private Agent start(String node, Agent.StopMode mode, String... extra) throws IOException {
    Agent agent =
        new Agent(
            AgentFixture.config(
                AgentFixture.yaml(consul.url(), node, fileSd(), rules(), prom.url(), extra)),
            AgentFixture.fastTuning(),
            mode);
    agents.add(agent);
    return agent.start();
  }

  private static JsonNode consulGet(String path) {
    return json(get(consul.url() + path).body());
  }

  private static List<String> passingNodes() {
    List<String> ids = new ArrayList<>();
    consulGet("/v1/health/service/prome-shard-node?passing=true")
        .forEach(e -> ids.add(e.at("/Service/ID").asText()));
    return ids;
  }

  @Test
  void theLocalPrometheusIsRegisteredWithIdMetaAndReadyCheckKeptRegisteredAndRemovedOnShutdown()
      throws Exception {
    Agent agent = start("e2e-reg", Agent.StopMode.DEREGISTER, "weight: 3", "zone: z1");
    JsonNode service =
        Await.value(
            WAIT,
            "service e2e-reg in the consul agent",
            () -> consulGet("/v1/agent/services").get("e2e-reg"));
    assertEquals("prome-shard-node", service.get("Service").asText());
    assertEquals(prom.port(), service.get("Port").asInt());
    assertEquals(
        "",
        service.get("Address").asText(),
        "a loopback Prometheus is reached at the Consul node's address");
    assertEquals(
        Map.of("weight", "3", "zone", "z1"), JSON.convertValue(service.get("Meta"), Map.class));
    JsonNode check =
        Await.value(
            WAIT,
            "the ready check to pass",
            () -> {
              for (JsonNode c : consulGet("/v1/agent/checks")) {
                if ("e2e-reg".equals(c.path("ServiceID").asText())
                    && "passing".equals(c.path("Status").asText())) {
                  return c;
                }
              }
              return null;
            });
    assertTrue(check.get("Output").asText().contains(prom.url() + "/-/ready"), check.toString());
    Await.until(WAIT, "e2e-reg among the passing nodes", () -> passingNodes().contains("e2e-reg"));

    assertEquals(
        200, AgentFixture.put(consul.url() + "/v1/agent/service/deregister/e2e-reg").status());
    Await.until(
        WAIT,
        "the agent to register the forgotten service again",
        () -> consulGet("/v1/agent/services").has("e2e-reg"));
    assertTrue(agent.isAlive());

    agent.close();
    assertFalse(consulGet("/v1/agent/services").has("e2e-reg"), "deregistered on shutdown");
  }

  @Test
  void drainPutsTheServiceInMaintenanceAndTheNextStartEndsIt() throws Exception {
    Agent draining = start("e2e-drain", Agent.StopMode.DRAIN);
    Await.until(WAIT, "e2e-drain passing", () -> passingNodes().contains("e2e-drain"));
    kv.publish("e2e-drain", share("web", "127.0.0.1:8008"), 1);
    Await.until(WAIT, "generation 1 applied", () -> draining.status().appliedGeneration() == 1);

    draining.close();
    assertTrue(consulGet("/v1/agent/services").has("e2e-drain"), "still registered");
    JsonNode maintenance = consulGet("/v1/agent/checks").get("_service_maintenance:e2e-drain");
    assertEquals("critical", maintenance.get("Status").asText(), maintenance.toString());
    assertFalse(passingNodes().contains("e2e-drain"), "the coordinator sees it drained at once");
    assertTrue(Files.exists(fileSd().resolve("web.json")), "files are kept");

    Agent again = start("e2e-drain", Agent.StopMode.DEREGISTER);
    Await.until(
        WAIT,
        "maintenance ended by the next start",
        () -> !consulGet("/v1/agent/checks").has("_service_maintenance:e2e-drain"));
    Await.until(WAIT, "e2e-drain passing again", () -> passingNodes().contains("e2e-drain"));
    again.close();
    assertFalse(consulGet("/v1/agent/services").has("e2e-drain"));
  }

  private static NodeShare share(String job, String address) {
    return new NodeShare(
        Map.of(job, List.of(TargetGroup.of(address, Map.of("job_label", job)))), Map.of());
  }

  private static Map<String, List<String>> loadedRules() {
    Map<String, List<String>> out = new TreeMap<>();
    for (JsonNode g : json(prom.get("/api/v1/rules")).at("/data/groups")) {
      List<String> names = new ArrayList<>();
      g.get("rules").forEach(r -> names.add(r.get("name").asText()));
      out.put(g.get("name").asText(), names);
    }
    return out;
  }

  private static NavigableSet<String> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      NavigableSet<String> out = new TreeSet<>();
      s.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString()));
      return out;
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  static Path fileSd() {
    return root.resolve("out").resolve("file_sd");
  }

  static Path rules() {
    return root.resolve("out").resolve("rules");
  }
}
