package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A coordinator placing by load against a real Consul: servers' Meta {@code max_series} reach the
 * sharding, and what fits nowhere is reported in status, the page and metrics instead of being put
 * on a server. No samples are reported here, so every target costs its job weight (1).
 */
class LoadAwarePlacementTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int TARGETS = 120;

  @Test
  void serversAreHeldToTheirMaxSeriesAndWhatFitsNowhereIsReported() throws Exception {
    try (ConsulFleet fleet = ConsulFleet.cleared(consul)) {
      fleet.register("p1", 1, "", "30");
      fleet.register("p2", 1, "", "30");
      fleet.register("p3", 1, "", "lots");
      fleet.putKv(
          "prome-shard/config/settings",
          "{\"flap_hold\":\"1s\",\"debounce\":\"100ms\",\"load_aware\":true}");
      StringBuilder job =
          new StringBuilder("{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[");
      for (int i = 0; i < TARGETS; i++) {
        job.append(i == 0 ? "" : ",").append("\"10.0.0.").append(i).append(":9100\"");
      }
      fleet.putKv("prome-shard/config/jobs/web", job.append("]}]}]}").toString());
      // p3's bad max_series is named and ignored: p3 has no limit, so everything fits
      try (Coordinator c =
          new Coordinator(
                  ConsulFleet.coordinatorConfig(consul.url()), DispatchMode.PUBLISH, r -> {})
              .start()) {
        CoordinatorStatus s = awaitLoad(fleet, 0);
        assertEquals(30L, s.load().boundByNode().get("p1"));
        assertTrue(s.load().seriesByNode().get("p1") <= 30, s.load().toString());
        assertEquals(TARGETS, s.load().seriesByNode().values().stream().mapToLong(v -> v).sum());

        fleet.register("p3", 1, "", "30"); // 90 series of room for 120 targets of 1
        CoordinatorStatus tight = awaitLoad(fleet, TARGETS - 90);
        tight.load().seriesByNode().forEach((n, v) -> assertTrue(v <= 30, n + ": " + v));
        String page = get(c, "/");
        assertTrue(page.contains("30 targets fit on no server under its max_series"), page);
        String metrics = scrape(c);
        assertTrue(metrics.contains("prome_shard_unplaced_targets 30.0"), metrics);
        assertTrue(metrics.contains("prome_shard_node_series_bound{node=\"p1\"} 30.0"), metrics);
      }
    }
  }

  private static CoordinatorStatus awaitLoad(ConsulFleet fleet, int unplaced) {
    try {
      Await.until(
          WAIT,
          "a dispatch placed by load with " + unplaced + " unplaced targets",
          () -> {
            CoordinatorStatus s = fleet.coordinatorStatus();
            return s != null
                && s.load() != null
                && s.load().unplaced() == unplaced
                && s.load().seriesByNode().size() == 3;
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + fleet.coordinatorStatus(), e);
    }
    return fleet.coordinatorStatus();
  }

  private static String scrape(Coordinator c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, c.metrics().registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String get(Coordinator c, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.opsPort() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }
}
