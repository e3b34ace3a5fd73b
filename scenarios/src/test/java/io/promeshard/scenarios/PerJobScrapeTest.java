package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.PrometheusServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job managed entirely from Consul: the original system's blackbox probe job ({@code
 * metrics_path: /probe}, {@code params: {module: [http_2xx]}}, the address moved to {@code
 * __param_target} and {@code instance}, then replaced by the exporter's) is added as a job spec
 * with a {@code scrape} field, with no edit of any prometheus.yml. On three real Prometheus servers
 * (the newest release) it checks that each scrapes exactly its share through the exporter's URL,
 * that a {@code scrape_interval} edit reaches every server, that a bad relabel regex stops at the
 * coordinator, that a setting only Prometheus rejects is rolled back on every agent and reported,
 * and that deleting the job removes it everywhere. A plain job beside it keeps working throughout.
 */
class PerJobScrapeTest {
  private static final int SERVERS = 3;
  private static final int PROBED = 12;
  private static final int PLAIN_TARGETS = 9;
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String JOB = "blackbox-http-shard";
  private static final String PLAIN = "web";

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @Test
  void aProbeJobAddedEditedAndRemovedInConsulOnlyReachesEveryServer() throws Exception {
    Set<String> plain = new TreeSet<>(Jobs.addresses(0, PLAIN_TARGETS, FreePorts.one()));
    Set<String> probed = new TreeSet<>();
    for (int i = 1; i <= PROBED; i++) {
      probed.add("https://site-" + i + ".example.org/health");
    }
    try (ProbeExporter exporter = ProbeExporter.start();
        Fleet f =
            Fleet.startScrapingEvery(
                INTERVAL,
                FaultLogs.fresh("per-job-scrape"),
                SERVERS,
                // deleting the probe job removes more than half of the targets: not a held dispatch
                "{\"flap_hold\": \"2s\", \"max_removed_fraction\": 0.9}",
                Map.of(PLAIN, Jobs.spec(plain)))) {
      fleet = f;
      f.coordinators().start();
      f.coordinators().awaitLeader(WAIT);
      f.awaitSettled(PLAIN, plain, WAIT);

      // 1. added in Consul only: each server scrapes exactly its share, through the exporter
      f.kv().put(f.layout().job(JOB), probeJob(probed, exporter, "3s", null));
      Shares shares = awaitProbes(probed, exporter, "3s");
      Await.until(
          WAIT,
          "the exporter probed every target",
          () -> exporter.probes().keySet().equals(probed));
      f.awaitSettled(PLAIN, plain, WAIT);
      System.out.println("[per-job-scrape] shares: " + shares.placement().counts());

      // 2. an edit of scrape_interval reaches every server
      f.kv().put(f.layout().job(JOB), probeJob(probed, exporter, "4s", null));
      awaitProbes(probed, exporter, "4s");

      // 3. a bad relabel regex stops at the coordinator: nothing reaches a server
      SortedMap<String, Long> manifests = manifestIndexes();
      ObjectNode bad = (ObjectNode) Json.MAPPER.readTree(probeJob(probed, exporter, "5s", null));
      ((ObjectNode) bad.at("/scrape/relabel_configs/0")).put("regex", "(unclosed");
      f.kv().put(f.layout().job(JOB), bad.toString());
      String error =
          Await.value(
              WAIT,
              "the coordinator rejecting the job",
              () -> configErrors().get(f.layout().job(JOB)));
      assertTrue(error.contains("scrape.relabel_configs[0].regex"), error);
      System.out.println("[per-job-scrape] rejected at the coordinator: " + error);
      assertEquals(manifests, manifestIndexes(), "the rejected edit rewrote no manifest");
      // a later edit is published, and the probe job's settings in it are still the last good ones
      String nudge = Jobs.addresses(PLAIN_TARGETS, 1, FreePorts.one()).get(0);
      f.kv().put(f.layout().job("nudge"), Jobs.spec(Set.of(nudge)));
      Await.until(
          WAIT,
          "the next edit published",
          () -> {
            Shares next = f.shares("nudge");
            return next != null && next.placement().all().contains(nudge);
          });
      assertEquals(
          shares.placement().nonEmpty().byNode().keySet(),
          publishedIntervals().keySet(),
          "every node with probe targets has their settings");
      assertEquals(Set.of("4s"), new TreeSet<>(publishedIntervals().values()));
      f.kv().delete(f.layout().job("nudge"));
      assertProbes(probed, exporter, "4s", shares);

      // 4. a setting only Prometheus rejects (a timeout above the global interval) is rolled back
      f.kv().put(f.layout().job(JOB), probeJob(probed, exporter, null, "9s"));
      for (Fleet.Server s : f.servers()) {
        if (shares.placement().on(s.name()).isEmpty()) {
          continue;
        }
        String reported =
            Await.value(
                WAIT,
                s.name() + "'s agent reporting the rejected scrape config",
                () -> {
                  NodeStatus st = f.status(s.name());
                  return st != null && st.lastError().contains(JOB) ? st.lastError() : null;
                });
        System.out.println("[per-job-scrape] " + s.name() + " reports: " + reported);
        Path yml = s.dir().resolve(Fleet.SCRAPE_CONFIGS).resolve(JOB + ".yml");
        String onDisk = Files.readString(yml, StandardCharsets.UTF_8);
        assertTrue(onDisk.contains("4s") && !onDisk.contains("9s"), yml + ":\n" + onDisk);
      }
      assertProbes(probed, exporter, "4s", shares);

      // 5. deleting the job removes it from every server; the plain job stays
      f.kv().delete(f.layout().job(JOB));
      Await.until(
          WAIT,
          "no server scraping " + JOB,
          () -> f.servers().stream().allMatch(s -> scraped(s.prometheus()).isEmpty()));
      for (Fleet.Server s : f.servers()) {
        Path dir = s.dir().resolve(Fleet.SCRAPE_CONFIGS);
        Await.until(
            WAIT,
            s.name() + "'s files of " + JOB + " removed",
            () ->
                !Files.exists(dir.resolve(JOB + ".yml"))
                    && !Files.exists(dir.resolve(JOB + ".json")));
      }
      f.awaitSettled(PLAIN, plain, WAIT);
    }
  }

  /**
   * The probe job as an operator types it: a static source of URLs and the scrape settings of the
   * original blackbox job; {@code interval} or {@code timeout} null leaves that key out.
   */
  private static String probeJob(
      Set<String> urls, ProbeExporter exporter, String interval, String timeout) {
    ObjectNode job = Json.MAPPER.createObjectNode();
    ObjectNode source = job.putArray("sources").addObject();
    source.put("type", "static");
    ArrayNode targets = source.putArray("groups").addObject().putArray("targets");
    urls.forEach(targets::add);
    ObjectNode scrape = job.putObject("scrape");
    if (interval != null) {
      scrape.put("scrape_interval", interval);
    }
    if (timeout != null) {
      scrape.put("scrape_timeout", timeout);
    }
    scrape.put("metrics_path", "/probe");
    scrape.putObject("params").putArray("module").add(ProbeExporter.MODULE);
    ArrayNode relabel = scrape.putArray("relabel_configs");
    ObjectNode toParam = relabel.addObject();
    toParam.putArray("source_labels").add("__address__");
    toParam.put("target_label", "__param_target");
    ObjectNode toInstance = relabel.addObject();
    toInstance.putArray("source_labels").add("__param_target");
    toInstance.put("target_label", "instance");
    ObjectNode toExporter = relabel.addObject();
    toExporter.put("target_label", "__address__");
    toExporter.put("replacement", exporter.address());
    return job.toString();
  }

  /**
   * Waits until every server scrapes exactly its published share of the probe job, each target up
   * through the exporter's URL every {@code interval}; returns the shares.
   */
  private Shares awaitProbes(Set<String> urls, ProbeExporter exporter, String interval) {
    return Await.value(
        WAIT,
        "every server probing its share of " + JOB + " every " + interval,
        () -> {
          Shares shares = fleet.shares(JOB);
          if (shares == null || !shares.placement().exactlyOnce(urls)) {
            return null;
          }
          for (Fleet.Server s : fleet.servers()) {
            if (!probes(s.prometheus(), true)
                .equals(expectedProbes(shares.placement().on(s.name()), exporter, interval))) {
              return null;
            }
          }
          return shares;
        });
  }

  /** Asserts that every server still probes its share as {@code shares} says. */
  private void assertProbes(
      Set<String> urls, ProbeExporter exporter, String interval, Shares shares) {
    assertTrue(shares.placement().exactlyOnce(urls));
    for (Fleet.Server s : fleet.servers()) {
      assertEquals(
          expectedProbes(shares.placement().on(s.name()), exporter, interval),
          probes(s.prometheus(), false),
          s.name());
    }
  }

  private static Map<String, String> expectedProbes(
      Set<String> urls, ProbeExporter exporter, String interval) {
    Map<String, String> out = new TreeMap<>();
    for (String url : urls) {
      out.put(
          url,
          "http://"
              + exporter.address()
              + "/probe?module="
              + ProbeExporter.MODULE
              + "&target="
              + java.net.URLEncoder.encode(url, StandardCharsets.UTF_8)
              + " every "
              + interval);
    }
    return out;
  }

  /**
   * The probe job's active targets on {@code prometheus}: original address → "scrapeUrl every
   * scrapeInterval"; with {@code upOnly}, only targets whose last scrape succeeded.
   */
  private static Map<String, String> probes(PrometheusServer prometheus, boolean upOnly) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode t : scraped(prometheus).values()) {
      if (upOnly && !t.path("health").asText().equals("up")) {
        continue;
      }
      out.put(
          t.path("labels").path("instance").asText(),
          t.path("scrapeUrl").asText() + " every " + t.path("scrapeInterval").asText());
    }
    return out;
  }

  /** The probe job's active targets on {@code prometheus} by discovered address. */
  private static Map<String, JsonNode> scraped(PrometheusServer prometheus) {
    Map<String, JsonNode> out = new TreeMap<>();
    JsonNode data = PrometheusApi.data(prometheus, "/api/v1/targets?state=active");
    for (JsonNode t : data.path("activeTargets")) {
      if (JOB.equals(t.path("scrapePool").asText())) {
        out.put(t.path("discoveredLabels").path("__address__").asText(), t);
      }
    }
    return out;
  }

  /** config_errors of status/coordinator: key → error. */
  private Map<String, String> configErrors() {
    Map<String, String> out = new TreeMap<>();
    fleet
        .kv()
        .entry(fleet.layout().coordinatorStatus())
        .ifPresent(
            e -> {
              try {
                JsonNode status =
                    Json.MAPPER.readTree(Base64.getDecoder().decode(e.path("Value").asText("")));
                status
                    .path("config_errors")
                    .fields()
                    .forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
              } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
              }
            });
    return out;
  }

  /** The probe job's scrape_interval in each published manifest that has its settings. */
  private Map<String, String> publishedIntervals() {
    Map<String, String> out = new TreeMap<>();
    fleet
        .kv()
        .tree(fleet.layout().nodesDir())
        .forEach(
            (key, value) -> {
              if (key.endsWith("/" + NodeManifest.KEY)) {
                ScrapeSettings settings =
                    Json.decodeWire(key, value, NodeManifest.class).scrape().get(JOB);
                if (settings != null) {
                  out.put(
                      fleet.layout().nodeOf(key), settings.json().path("scrape_interval").asText());
                }
              }
            });
    return out;
  }

  private SortedMap<String, Long> manifestIndexes() {
    SortedMap<String, Long> out = new TreeMap<>();
    fleet
        .kv()
        .modifyIndexes(fleet.layout().nodesDir())
        .forEach(
            (key, index) -> {
              if (key.endsWith("/manifest")) {
                out.put(key, index);
              }
            });
    return out;
  }
}
