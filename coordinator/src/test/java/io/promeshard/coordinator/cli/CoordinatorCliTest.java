package io.promeshard.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.testkit.ConsulExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's commands as an operator runs them, against a real Consul. */
class CoordinatorCliTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;

  private static final String SETTINGS = "{\"flap_hold\":\"1s\",\"debounce\":\"50ms\"}";
  private static final String WEB =
      "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":"
          + "[\"127.0.0.1:9001\",\"127.0.0.1:9002\",\"127.0.0.1:9003\",\"127.0.0.1:9004\"]}]}]}";

  /** Exit code and what the command printed. */
  record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = CoordinatorMain.execute(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  /** A coordinator config file for this Consul: no listener, no lock delay, short sessions. */
  private Path coordinatorYml() throws Exception {
    return write(
        "coordinator.yml",
        "consul:\n  address: "
            + consul.url()
            + "\nlisten: \"\"\nlock_delay: 0s\nsession_ttl: 10s\n");
  }

  @BeforeEach
  void clean() {
    consul.clearKv();
  }

  private void register(String node) throws Exception {
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()))) {
      String body =
          "{\"ID\":\""
              + node
              + "\",\"Name\":\"prome-shard-node\",\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}";
      Request r =
          new Request.Builder()
              .url(http.url("agent/service/register").build())
              .put(RequestBody.create(body, MediaType.get("application/json")))
              .build();
      try (Response resp = http.client().newCall(r).execute()) {
        assertTrue(resp.isSuccessful(), resp.toString());
      }
    }
  }

  @Test
  void unknownFlagAndMissingCommandAreUsageErrors() {
    assertEquals(2, run("run", "--bogus").exit());
    assertEquals(2, run().exit());
    Run version = run("--version");
    assertEquals(0, version.exit());
    assertTrue(version.out().startsWith("prome-shard-coordinator "), version.out());
  }

  @Test
  void configValidateNamesTheFileAndTheFieldAndExitsTwo() throws Exception {
    write("conf/settings.json", SETTINGS);
    write("conf/jobs/web.json", WEB);
    Run ok =
        run(
            "config",
            "validate",
            "--config",
            "/nonexistent/default-is-fine.yml",
            dir.resolve("conf").toString());
    assertEquals(2, ok.exit(), "an explicit --config that does not exist is an error: " + ok.err());
    ok = run("config", "validate", dir.resolve("conf").toString());
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("prome-shard/config/jobs/web"), ok.out());
    Path bad = write("bad/web.json", WEB.replace("\"groups\"", "\"grups\""));
    Run failed = run("config", "validate", bad.toString());
    assertEquals(2, failed.exit());
    assertTrue(failed.err().contains(bad + ": ") && failed.err().contains("groups"), failed.err());
    Path badFile =
        write("coordinator.yml", "consul:\n  address: http://127.0.0.1:1\nlisten_addr: x\n");
    Run badConfig = run("config", "validate", "--config", badFile.toString());
    assertEquals(2, badConfig.exit());
    assertTrue(badConfig.err().contains("listen_addr"), badConfig.err());
  }

  @Test
  void configPutThenGetRoundTripsAndABadFileWritesNothing() throws Exception {
    write("conf/settings.json", SETTINGS);
    write("conf/jobs/web.json", WEB);
    write("conf/jobs/db.json", "{\"sources\":[]}");
    Run rejected = run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString());
    assertEquals(2, rejected.exit());
    assertTrue(rejected.err().contains("db.json"), rejected.err());
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()))) {
      assertTrue(
          new KvClient(http).get("prome-shard/config/jobs/web").isEmpty(), "nothing written");
    }
    Files.delete(dir.resolve("conf/jobs/db.json"));
    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    Run get = run("config", "get", "--consul", consul.url(), "web");
    assertEquals(0, get.exit());
    assertEquals(WEB, get.out().strip());
    assertEquals(1, run("config", "get", "--consul", consul.url(), "nosuchjob").exit());
  }

  /**
   * Puts the settings and the web job, registers p1 and p2, and publishes once; returns the
   * coordinator config file.
   */
  private Path webPublishedOnP1AndP2() throws Exception {
    write("conf/settings.json", SETTINGS);
    write("conf/jobs/web.json", WEB);
    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    register("p1");
    register("p2");
    Path cfg = coordinatorYml();
    Run once = run("run", "--config", cfg.toString(), "--once", "--timeout", "60s");
    assertEquals(0, once.exit(), once.err());
    return cfg;
  }

  @Test
  void runOnceThenStatusPlanAndExplainDescribeTheFleet() throws Exception {
    Path cfg = webPublishedOnP1AndP2();

    Run status = run("status", "--config", cfg.toString());
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("p1") && status.out().contains("p2"), status.out());
    assertTrue(status.out().contains("no agent status"), status.out());

    Run plan = run("plan", "--config", cfg.toString());
    assertEquals(0, plan.exit(), plan.err());
    assertTrue(plan.out().contains("(nothing to change)"), plan.out());

    Run explain = run("explain", "--config", cfg.toString(), "web", "127.0.0.1:9003");
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(explain.out().contains("p1") || explain.out().contains("p2"), explain.out());
    Run unknown = run("explain", "--config", cfg.toString(), "web", "127.0.0.1:1");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("no target 127.0.0.1:1"), unknown.err());
  }

  @Test
  void planExplainAndStatusPrintOneJsonDocumentForScripts() throws Exception {
    Path cfg = webPublishedOnP1AndP2();

    Run plan = run("plan", "--config", cfg.toString(), "--output", "json");
    assertEquals(0, plan.exit(), plan.err());
    JsonNode p = Json.MAPPER.readTree(plan.out());
    assertEquals(4, p.get("targets").asInt(), plan.out());
    assertTrue(p.get("nothing_to_change").asBoolean(), plan.out());
    assertEquals(0, p.get("keys_to_write").asInt(), plan.out());
    int members = p.get("nodes").size(); // p1, p2 and any node an earlier test registered
    assertTrue(members >= 2, plan.out());
    int after = 0;
    for (JsonNode n : p.get("nodes")) {
      assertEquals(n.get("targets_before").asInt(), n.get("targets_after").asInt(), plan.out());
      after += n.get("targets_after").asInt();
    }
    assertEquals(4, after, plan.out());

    Run explain = run("explain", "--config", cfg.toString(), "-o", "json", "web", "127.0.0.1:9003");
    assertEquals(0, explain.exit(), explain.err());
    JsonNode e = Json.MAPPER.readTree(explain.out()).get("explanation");
    assertEquals("web/127.0.0.1:9003", e.get("key").asText(), explain.out());
    assertEquals(1, e.get("owners").size(), explain.out());
    assertEquals(members, e.get("candidates").size(), explain.out());
    String owner = e.get("owners").get(0).asText();

    Run status = run("status", "--config", cfg.toString(), "--output", "json");
    assertEquals(0, status.exit(), status.err());
    JsonNode st = Json.MAPPER.readTree(status.out());
    assertEquals(members, st.get("nodes").size(), status.out());
    int held = 0;
    for (JsonNode n : st.get("nodes")) {
      assertTrue(n.get("published").asLong() > 0, status.out());
      assertTrue(n.get("applied").isNull(), "no agent reported: " + status.out());
      held += n.get("targets").asInt();
      if (n.get("node").asText().equals(owner)) {
        assertTrue(n.get("targets").asInt() > 0, status.out());
      }
    }
    assertEquals(4, held, status.out());
    assertFalse(st.get("coordinator").get("holder").asText().isEmpty(), status.out());

    Run bad = run("status", "--config", cfg.toString(), "--output", "yaml");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("yaml") && bad.err().contains("json"), bad.err());
  }

  @Test
  void planShowsTargetsKeptOnTheirOldServersWhileAJoiningServerTakesThemOver() throws Exception {
    write("conf/settings.json", SETTINGS);
    write("conf/jobs/web.json", WEB);
    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    register("p1");
    Path cfg = coordinatorYml();
    assertEquals(0, run("run", "--config", cfg.toString(), "--once", "--timeout", "60s").exit());
    register("p2");
    register("p3");
    Run plan = run("plan", "--config", cfg.toString());
    assertEquals(0, plan.exit(), plan.err());
    assertTrue(plan.out().contains(" records in handover (kept on their old owners"), plan.out());
    String moving =
        plan.out()
            .lines()
            .filter(l -> l.contains("[p1] -> [p"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no handover named: " + plan.out()))
            .strip();
    String address = moving.substring("web/".length(), moving.indexOf(' '));
    Run explain = run("explain", "--config", cfg.toString(), "web", address);
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(explain.out().contains(": kept on [p1] until [p"), explain.out());
  }

  @Test
  void runOnceNamesTargetsLeftOutAndExitsOneAfterPublishingTheRest() throws Exception {
    write("conf/settings.json", SETTINGS);
    write(
        "conf/jobs/web.json",
        "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"127.0.0.1:9003\","
            + "\"bad host:1\"]}]}]}");
    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    register("p1");
    Path cfg = coordinatorYml();
    Run once = run("run", "--config", cfg.toString(), "--once", "--timeout", "60s");
    assertEquals(1, once.exit(), once.err());
    assertTrue(
        once.err()
            .contains(
                "published, but 1 targets cannot be published and were left out:\n"
                    + "  web web/0 (static) \"bad host:1\": address: whitespace U+0020 at"
                    + " index 3"),
        once.err());
    Run status = run("status", "--config", cfg.toString());
    assertTrue(status.out().contains("p1"), status.out());
  }

  @Test
  void runOnceWithoutHealthyNodesSaysTheDispatchIsHeldAndExitsOne() throws Exception {
    write("conf/settings.json", "{\"node_service\":\"nobody-registered\"}");
    write("conf/jobs/web.json", WEB);
    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    Path cfg =
        write(
            "coordinator.yml",
            "consul:\n  address: " + consul.url() + "\nlisten: \"\"\nlock_delay: 0s\n");
    Run once = run("run", "--config", cfg.toString(), "--once", "--timeout", "30s");
    assertEquals(1, once.exit());
    assertTrue(
        once.err()
            .contains(
                "dispatch held, nothing written: no healthy members of service nobody-registered"),
        once.err());
  }

  private static final String PROBE_SCRAPE =
      "{\"scrape_interval\":\"30s\",\"metrics_path\":\"/probe\","
          + "\"params\":{\"module\":[\"http_2xx\"]},\"relabel_configs\":["
          + "{\"source_labels\":[\"__address__\"],\"target_label\":\"__param_target\"},"
          + "{\"target_label\":\"__address__\",\"replacement\":\"127.0.0.1:9115\"}]}";

  private static String probeJob(String scrape) {
    return "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":"
        + "[\"https://a.example\",\"https://b.example\"]}]}],\"scrape\":"
        + scrape
        + "}";
  }

  @Test
  void scrapeSettingsAreCheckedFromFilesExplainedAndTheirChangePlanned() throws Exception {
    write("conf/settings.json", SETTINGS);
    write("conf/jobs/probe.json", probeJob(PROBE_SCRAPE));
    Run ok = run("config", "validate", dir.resolve("conf").toString());
    assertEquals(0, ok.exit(), ok.err());
    Path bad =
        write(
            "bad/probe.json",
            probeJob(
                PROBE_SCRAPE.replace(
                    "\"__param_target\"}", "\"__param_target\",\"regex\":\"(\"}")));
    Run failed = run("config", "validate", bad.toString());
    assertEquals(2, failed.exit());
    assertTrue(
        failed
            .err()
            .contains(
                bad
                    + ": scrape.relabel_configs[0].regex: invalid regular expression \"(\":"
                    + " missing closing )"),
        failed.err());
    String utf8 = probeJob("{\"relabel_configs\":[{\"target_label\":\"service.name\"}]}");
    Path alone = write("utf8/jobs/probe.json", utf8);
    assertEquals(2, run("config", "validate", alone.toString()).exit(), "legacy by default");
    write("utf8/settings.json", "{\"label_names\":\"utf8\"}");
    Run withSettings = run("config", "validate", dir.resolve("utf8").toString());
    assertEquals(0, withSettings.exit(), withSettings.err());

    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    register("p1");
    Path cfg = coordinatorYml();
    Run once = run("run", "--config", cfg.toString(), "--once", "--timeout", "60s");
    assertEquals(0, once.exit(), once.err());
    Run explain = run("explain", "--config", cfg.toString(), "probe", "https://a.example");
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(
        explain.out().contains("scrape settings of job probe: " + PROBE_SCRAPE + "\n"),
        explain.out());

    write("conf/jobs/probe.json", probeJob(PROBE_SCRAPE.replace("30s", "1m")));
    assertEquals(
        0, run("config", "put", "--consul", consul.url(), dir.resolve("conf").toString()).exit());
    Run plan = run("plan", "--config", cfg.toString());
    assertEquals(0, plan.exit(), plan.err());
    assertTrue(
        plan.out()
            .contains(
                "scrape settings: probe changed (the manifests of the nodes holding them are"
                    + " rewritten)"),
        plan.out());
    assertTrue(plan.out().contains("+0       -0"), plan.out());
  }

  @Test
  void statusShowsEachAgentsPrometheusVersionAndWhatItCannotDo() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()))) {
      KvClient kv = new KvClient(http);
      kv.put(
          "prome-shard/status/p1",
          "{\"node\":\"p1\",\"applied_generation\":0,\"epoch\":0,\"prometheus\":{\"version\":\"3.5.0\"}}"
              .getBytes(StandardCharsets.UTF_8));
      kv.put(
          "prome-shard/status/p2",
          ("{\"node\":\"p2\",\"applied_generation\":0,\"epoch\":0,\"prometheus\":"
                  + "{\"version\":\"2.42.0\",\"limits\":[\"per-job scrape settings need"
                  + " Prometheus 2.43 or later (jobs: probe)\"]}}")
              .getBytes(StandardCharsets.UTF_8));
      kv.put(
          "prome-shard/status/p3",
          "{\"node\":\"p3\",\"applied_generation\":0,\"epoch\":0}"
              .getBytes(StandardCharsets.UTF_8));
    }
    Run status = run("status", "--consul", consul.url());
    assertEquals(0, status.exit(), status.err());
    assertTrue(
        status
            .out()
            .contains(
                "p1: Prometheus 3.5.0\n"
                    + "p2: Prometheus 2.42.0\n"
                    + "  limit: per-job scrape settings need Prometheus 2.43 or later (jobs:"
                    + " probe)\n"),
        status.out());
    assertFalse(status.out().contains("p3: Prometheus"), status.out());
  }
}
