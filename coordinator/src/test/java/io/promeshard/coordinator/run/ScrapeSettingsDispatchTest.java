package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's scrape settings from Consul to every manifest that holds the job, against a real Consul:
 * added with the job, edited alone (manifests rewritten, parts and placement untouched), and
 * rejected when Prometheus would reject them (nothing published changes).
 */
class ScrapeSettingsDispatchTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String KEY = "prome-shard/config/jobs/blackbox";
  private static final String SETTINGS =
      "{\"flap_hold\":\"1s\",\"debounce\":\"100ms\",\"resync_interval\":\"1h\"}";
  private static final int PROBES = 40;

  private ConsulFleet fleet;
  private Coordinator coordinator;

  @BeforeEach
  void setUp() {
    fleet = ConsulFleet.cleared(consul);
  }

  @AfterEach
  void tearDown() {
    if (coordinator != null) {
      coordinator.close();
    }
    fleet.close();
  }

  /** The blackbox probe job: each target a URL probed through the exporter at 127.0.0.1:9115. */
  private static String blackbox(String interval, String addressRegex) {
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < PROBES; i++) {
      targets.append(i == 0 ? "" : ",").append("\"https://site").append(i).append(".example\"");
    }
    return "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":["
        + targets
        + "]}]}],\"scrape\":"
        + scrape(interval, addressRegex)
        + "}";
  }

  private static String scrape(String interval, String addressRegex) {
    return "{\"scrape_interval\":\""
        + interval
        + "\",\"metrics_path\":\"/probe\",\"params\":{\"module\":[\"http_2xx\"]},"
        + "\"relabel_configs\":["
        + "{\"source_labels\":[\"__address__\"],\"regex\":\""
        + addressRegex
        + "\",\"target_label\":\"__param_target\"},"
        + "{\"source_labels\":[\"__param_target\"],\"target_label\":\"instance\"},"
        + "{\"target_label\":\"__address__\",\"replacement\":\"127.0.0.1:9115\"}]}";
  }

  private void start() throws IOException {
    coordinator =
        new Coordinator(
                ConsulFleet.coordinatorConfig(consul.url()), DispatchMode.PUBLISH, report -> {})
            .start();
  }

  /** Every node's manifest once all probes and web targets are published, by node. */
  private Map<String, NodeManifest> awaitManifests(String what, String interval) {
    return Await.value(
        WAIT,
        what,
        () -> {
          Map<String, NodeShare> shares = fleet.published();
          int probes =
              shares.values().stream()
                  .mapToInt(s -> s.targets().getOrDefault("blackbox", List.of()).size())
                  .sum();
          Map<String, NodeManifest> out = new TreeMap<>();
          for (String node : shares.keySet()) {
            NodeManifest m = fleet.manifest(node);
            boolean holds = shares.get(node).targets().containsKey("blackbox");
            if (holds
                && !m.scrape()
                    .get("blackbox")
                    .json()
                    .path("scrape_interval")
                    .asText()
                    .equals(interval)) {
              return null;
            }
            out.put(node, m);
          }
          return probes == PROBES && out.size() == 3 ? out : null;
        });
  }

  @Test
  void scrapeSettingsReachEveryManifestOfTheJobAndAnEditRewritesOnlyManifests() throws Exception {
    for (int i = 1; i <= 3; i++) {
      fleet.register("p" + i, 1, "z" + i);
    }
    fleet.putKv("prome-shard/config/settings", SETTINGS);
    fleet.putKv(
        "prome-shard/config/jobs/web",
        "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"10.0.0.1:9100\"]}]}]}");
    fleet.putKv(KEY, blackbox("30s", "(.*)"));
    start();

    Map<String, NodeManifest> first = awaitManifests("blackbox published", "30s");
    Map<String, NodeShare> shares = fleet.published();
    String expected = scrape("30s", "(.*)");
    first.forEach(
        (node, m) -> {
          if (shares.get(node).targets().containsKey("blackbox")) {
            // the compact layout's format includes scrape settings (plain: FORMAT_SCRAPE)
            assertEquals(NodeManifest.FORMAT_COMPACT, m.format(), node);
            assertEquals(expected, m.scrape().get("blackbox").toString(), node);
          } else {
            assertEquals(Map.of(), m.scrape(), node);
            assertEquals(NodeManifest.FORMAT_COMPACT, m.format(), node);
          }
          assertFalse(m.scrape().containsKey("web"), node);
        });

    fleet.putKv(KEY, blackbox("1m", "(.*)"));
    Map<String, NodeManifest> edited = awaitManifests("the new interval published", "1m");
    edited.forEach(
        (node, m) -> {
          assertEquals(first.get(node).parts(), m.parts(), node + ": parts rewritten");
          boolean holds = shares.get(node).targets().containsKey("blackbox");
          assertEquals(
              first.get(node).generation() + (holds ? 1 : 0), m.generation(), node + " generation");
        });
    assertEquals(shares, withoutScrape(fleet.published(), shares), "a scrape edit moved targets");

    Map<String, Long> indexes = publishedIndexes();
    fleet.putKv(KEY, blackbox("1m", "("));
    CoordinatorStatus status =
        Await.value(
            WAIT,
            "status/coordinator names the bad regex",
            () -> {
              CoordinatorStatus s = fleet.coordinatorStatus();
              return s != null && s.configErrors().containsKey(KEY) ? s : null;
            });
    assertEquals(
        KEY
            + ": scrape.relabel_configs[0].regex: invalid regular expression \"(\": missing"
            + " closing )",
        status.configErrors().get(KEY));
    assertEquals(indexes, publishedIndexes(), "a rejected edit changed published keys");
  }

  /** {@code now} with the scrape settings of {@code before}: to compare placement alone. */
  private static Map<String, NodeShare> withoutScrape(
      Map<String, NodeShare> now, Map<String, NodeShare> before) {
    Map<String, NodeShare> out = new TreeMap<>();
    now.forEach((node, s) -> out.put(node, s.withScrape(before.get(node).scrape())));
    return out;
  }

  /** Modify index of every key under {@code nodes/}: what reaches the agents. */
  private Map<String, Long> publishedIndexes() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (KvEntry e : fleet.kv.list("prome-shard/nodes/", 0, Duration.ZERO).value()) {
      out.put(e.key(), e.modifyIndex());
    }
    assertFalse(out.isEmpty());
    return out;
  }
}
