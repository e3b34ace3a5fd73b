package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
