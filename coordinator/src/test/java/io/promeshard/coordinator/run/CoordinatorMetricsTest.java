package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.dispatch.LoadOutcome;
import io.promeshard.coordinator.load.LoadModel;
import io.promeshard.coordinator.membership.HealthSnapshot;
import io.promeshard.coordinator.membership.MembershipStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The membership gauges an operator alerts on, read from the watcher's view at each scrape. */
class CoordinatorMetricsTest {
  private static String scrape(CoordinatorMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void nodeNameConflictsAndIgnoredRegistrationsFollowTheLatestRead() throws IOException {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    AtomicReference<MembershipStatus> view = new AtomicReference<>();
    metrics.followMembership(view::get);
    String before = scrape(metrics);
    assertTrue(before.contains("prome_shard_node_name_conflicts 0.0"), before);

    HealthSnapshot raw =
        new HealthSnapshot(
            Map.of(),
            Set.of(),
            Set.of("prom-1"),
            List.of(),
            Map.of("prom-1", "node name prom-1 is claimed by 2 live registrations: ..."),
            3);
    view.set(
        new MembershipStatus(
            "prome-shard-node", Duration.ZERO, Map.of(), raw, List.of(), Instant.EPOCH, null));
    String after = scrape(metrics);
    assertTrue(after.contains("prome_shard_node_name_conflicts 1.0"), after);
    assertTrue(after.contains("prome_shard_node_registrations_ignored 3.0"), after);
  }

  @Test
  void placementByLoadExportsSeriesBoundsMovesDeferredAndUnplaced() throws IOException {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    metrics.leadership(true, 1);
    metrics.load(
        new LoadOutcome(
            true,
            LoadModel.empty(),
            7,
            3,
            List.of("node/a:1", "node/b:1"),
            Map.of("prom-1", 1200.0, "prom-2", 900.0),
            Map.of("prom-1", 1300.0, "prom-2", 1000.0),
            10,
            43));
    metrics.load(
        new LoadOutcome(
            true,
            LoadModel.empty(),
            2,
            0,
            List.of(),
            Map.of("prom-1", 1250.0),
            Map.of("prom-1", 1300.0),
            10,
            41));
    String out = scrape(metrics);
    assertTrue(out.contains("prome_shard_node_estimated_series{node=\"prom-1\"} 1250.0"), out);
    assertTrue(out.contains("prome_shard_node_series_bound{node=\"prom-1\"} 1300.0"), out);
    assertFalse(out.contains("prome_shard_node_estimated_series{node=\"prom-2\"}"), out);
    assertTrue(out.contains("prome_shard_load_moves_total 9.0"), out);
    assertTrue(out.contains("prome_shard_load_deferred_changes 0.0"), out);
    assertTrue(out.contains("prome_shard_unplaced_targets 0.0"), out);
    metrics.leadership(false, 0);
    assertFalse(scrape(metrics).contains("prome_shard_node_series_bound{"));
  }

  @Test
  void aCoordinatorThatLosesTheLockStopsExportingItsLastTermsNodeLoads() throws IOException {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    metrics.leadership(true, 3);
    metrics.nodes(Map.of("prom-1", 10), Map.of("prom-1", 12.5), Map.of("prom-1", 2));
    String leading = scrape(metrics);
    assertTrue(leading.contains("prome_shard_node_targets{node=\"prom-1\"} 10.0"), leading);

    metrics.leadership(false, 0);
    String standby = scrape(metrics);
    assertTrue(standby.contains("prome_shard_leader 0.0"), standby);
    assertFalse(standby.contains("prome_shard_node_targets{"), standby);
    assertFalse(standby.contains("prome_shard_node_cost{"), standby);
    assertFalse(standby.contains("prome_shard_node_rules{"), standby);
  }

  @Test
  void generationGaugesListTheNodesOfTheLatestView() throws IOException {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    AtomicReference<NodeGenerations> view = new AtomicReference<>(NodeGenerations.NONE);
    metrics.followGenerations(view::get);
    assertFalse(scrape(metrics).contains("prome_shard_node_published_generation{"));

    view.set(
        new NodeGenerations(
            Map.of("prom-1", 7L, "prom-2", 7L), Map.of("prom-1", 7L, "prom-2", 5L)));
    String text = scrape(metrics);
    assertTrue(text.contains("prome_shard_node_published_generation{node=\"prom-2\"} 7.0"), text);
    assertTrue(text.contains("prome_shard_node_applied_generation{node=\"prom-2\"} 5.0"), text);
  }

  @Test
  void everyDispatchPhaseIsExportedBeforeTheFirstDispatch() throws IOException {
    String text = scrape(new CoordinatorMetrics());
    for (String phase : List.of("decide", "shares", "guard", "plan", "write")) {
      assertTrue(
          text.contains(
              "prome_shard_dispatch_phase_duration_seconds_count{phase=\"" + phase + "\"} 0"),
          phase + " missing:\n" + text);
    }
  }
}
