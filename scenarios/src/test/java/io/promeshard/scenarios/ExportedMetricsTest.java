package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packaged Grafana dashboard and alerting rules against a running fleet (one Prometheus with
 * its agent, one coordinator, a job published and applied). Every metric name in the dashboard's
 * queries and variables and in the rules' expressions must be among the samples of the
 * coordinator's and the agent's /metrics (histograms by their _bucket, _sum and _count series): a
 * renamed or lazily created metric fails here, not on an operator's empty panel or silent alert.
 * And a second Prometheus that scrapes both and loads the rules evaluates every alert without
 * error, raises none while all is well, and raises PromeShardNoLeader once the coordinator stops.
 */
class ExportedMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration FLAP_HOLD = Duration.ofSeconds(2);
  private static final String JOB = "web";
  private static final String NODE = "prom-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path PACKAGING = Binaries.projectRoot().resolve("packaging/src/main");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

  @Test
  void everyMetricTheDashboardAndTheAlertingRulesUseIsExported() throws Exception {
    Map<String, Set<String>> used = new TreeMap<>();
    dashboardNames(used);
    alertNames(used);
    assertTrue(used.size() >= 40, "names found in the dashboard and rules: " + used.keySet());

    Path dir = FaultLogs.fresh("exported-metrics");
    try (Fleet fleet = startApplied(dir)) {
      try {
        ManagedProcess coordinator = fleet.coordinators().awaitLeader(WAIT);
        Set<String> exported = new TreeSet<>();
        exported.addAll(sampleNames(fleet.coordinators().metrics(coordinator)));
        exported.addAll(
            sampleNames(get("http://127.0.0.1:" + fleet.agentOpsPort(NODE) + "/metrics")));
        Map<String, Set<String>> missing = new TreeMap<>(used);
        missing.keySet().removeAll(exported);
        assertEquals(
            Map.of(),
            missing,
            "metrics used (and where) but not exported by the coordinator or the agent; exported: "
                + exported);
      } catch (RuntimeException | Error e) {
        System.out.println(fleet.logTails(40));
        throw e;
      }
    }
  }

  @Test
  void aPrometheusLoadingTheRulesRaisesNoAlertWhileAllIsWellAndNoLeaderOnceTheCoordinatorStops()
      throws Exception {
    Path rules = PACKAGING.resolve("prometheus/prome-shard-alerts.yml");
    int alerts = 0;
    for (JsonNode group : YAML.readTree(rules.toFile()).path("groups")) {
      alerts += group.path("rules").size();
    }
    Path dir = FaultLogs.fresh("packaged-alerts");
    try (Fleet fleet = startApplied(dir)) {
      ManagedProcess coordinator = fleet.coordinators().awaitLeader(WAIT);
      try (PrometheusServer watcher =
          PrometheusServer.start(
              PrometheusVersion.newest(),
              dir.resolve("watcher"),
              watcherConfig(
                  rules,
                  fleet.coordinators().opsAddress(coordinator),
                  "127.0.0.1:" + fleet.agentOpsPort(NODE)))) {
        try {
          watchFleet(watcher, alerts, coordinator);
        } catch (RuntimeException | Error e) {
          System.out.println(fleet.logTails(40) + "\n----- watcher\n" + watcher.logTail(40));
          throw e;
        }
      }
    }
  }

  private static void watchFleet(PrometheusServer watcher, int alerts, ManagedProcess coordinator)
      throws IOException {
    // scraped with honor_labels false, as the rules and the dashboard expect
    Await.until(
        WAIT,
        "the coordinator's source series with the job in exported_job",
        () ->
            !query(watcher, "prome_shard_source_failing{exported_job=\"" + JOB + "\"}").isEmpty());
    Await.until(
        WAIT,
        "every alerting rule evaluated without error",
        () -> {
          List<String> healthy = new ArrayList<>();
          for (JsonNode group : api(watcher, "/api/v1/rules?type=alert").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
              // "unknown" until its first evaluation, then "ok" or "err" with lastError
              assertNotEquals("err", rule.path("health").asText(), rule.toString());
              if (rule.path("health").asText().equals("ok")) {
                healthy.add(rule.path("name").asText());
              }
            }
          }
          return healthy.size() == alerts;
        });
    Await.until(
        WAIT,
        "no alert pending or firing while the fleet is well",
        () -> api(watcher, "/api/v1/alerts").path("alerts").isEmpty());

    coordinator.stop();
    Await.until(
        WAIT,
        "PromeShardNoLeader pending once the only coordinator stopped",
        () -> {
          for (JsonNode alert : api(watcher, "/api/v1/alerts").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals("PromeShardNoLeader")) {
              return true;
            }
          }
          return false;
        });
  }

  /**
   * A Prometheus that scrapes the coordinator and the agent every second and loads {@code rules}.
   */
  private static String watcherConfig(Path rules, String coordinator, String agent) {
    return String.join(
        "\n",
        "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}",
        "rule_files: ['" + rules + "']",
        "scrape_configs:",
        "  - job_name: prome-shard-coordinator",
        "    static_configs: [{targets: ['" + coordinator + "']}]",
        "  - job_name: prome-shard-agent",
        "    static_configs: [{targets: ['" + agent + "']}]",
        "");
  }

  /** A fleet of one server whose agent applied a job published by its one coordinator. */
  private static Fleet startApplied(Path dir) {
    Set<String> targets = new TreeSet<>(Jobs.addresses(0, 5, FreePorts.one()));
    Fleet fleet =
        Fleet.start(
            dir,
            1,
            Jobs.settings(FLAP_HOLD),
            Map.of(JOB, Jobs.spec(targets)),
            AgentLaunch.WITH_OPS);
    try {
      ManagedProcess coordinator = fleet.coordinators().start();
      assertEquals(coordinator, fleet.coordinators().awaitLeader(WAIT));
      fleet.awaitSettled(JOB, targets, WAIT);
      Await.until(
          WAIT,
          NODE + "'s agent reporting an applied share",
          () -> fleet.appliedGeneration(NODE) > 0);
      return fleet;
    } catch (RuntimeException | Error e) {
      System.out.println(fleet.logTails(40));
      fleet.close();
      throw e;
    }
  }

  /** The {@code data} of a Prometheus API answer. */
  private static JsonNode api(PrometheusServer prometheus, String pathAndQuery) {
    try {
      return JSON.readTree(prometheus.get(pathAndQuery)).path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(pathAndQuery + " of " + prometheus.url(), e);
    }
  }

  private static JsonNode query(PrometheusServer prometheus, String promql) {
    return api(
            prometheus, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .path("result");
  }

  /** Names in every panel query and every query variable of the dashboard, with where. */
  private static void dashboardNames(Map<String, Set<String>> used) throws IOException {
    JsonNode d = JSON.readTree(PACKAGING.resolve("grafana/prome-shard.json").toFile());
    for (JsonNode panel : d.path("panels")) {
      panelNames(panel, used);
      panel.path("panels").forEach(p -> panelNames(p, used));
    }
    for (JsonNode v : d.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        // Grafana's label_values(metric, label) is not PromQL: the metric is its first argument
        Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
        assertTrue(m.find(), "variable " + v.path("name") + ": not label_values(metric, label)");
        add(used, m.group(1), "dashboard variable " + v.path("name").asText());
      }
    }
  }

  private static void panelNames(JsonNode panel, Map<String, Set<String>> used) {
    for (JsonNode target : panel.path("targets")) {
      for (String name : PromqlNames.of(target.path("expr").asText())) {
        add(used, name, "dashboard panel '" + panel.path("title").asText() + "'");
      }
    }
  }

  private static void alertNames(Map<String, Set<String>> used) throws IOException {
    JsonNode rules = YAML.readTree(PACKAGING.resolve("prometheus/prome-shard-alerts.yml").toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        for (String name : PromqlNames.of(rule.path("expr").asText())) {
          add(used, name, "alert " + rule.path("alert").asText());
        }
      }
    }
  }

  private static void add(Map<String, Set<String>> used, String name, String where) {
    used.computeIfAbsent(name, n -> new TreeSet<>()).add(where);
  }

  /** The metric names of the samples in a text exposition. */
  private static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(
            l -> {
              int end = 0;
              while (end < l.length() && l.charAt(end) != '{' && l.charAt(end) != ' ') {
                end++;
              }
              names.add(l.substring(0, end));
            });
    return names;
  }

  private static String get(String url) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError(url + ": HTTP " + r.statusCode() + "\n" + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + url, e);
    }
  }
}
