package io.promeshard.coordinator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.cli.CoordinatorMain;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The automatic import in a running coordinator, a leader and a standby against a real Consul and
 * the real promtool: only the leader imports, off the dispatch thread, and its last run shows in
 * {@code status/coordinator}, the status page and {@code prome-shard status}.
 */
class AutoImportLeaderTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SLOW = "sum by (job) (rate(http_requests_total[5m]))";

  private final KvLayout layout = KvLayout.defaults();
  private ConsulFleet fleet;

  @BeforeEach
  void setUp() {
    fleet = ConsulFleet.cleared(consul);
    fleet.register("p1", 1, "eu-1");
    fleet.register("p2", 1, "eu-2");
    fleet.putKv(
        layout.settings(),
        "{\"flap_hold\":\"1s\",\"debounce\":\"100ms\",\"records_auto_import\":true,"
            + "\"records_min_duration\":\"1s\",\"records_interval\":\"10s\","
            + "\"records_promtool\":\""
            + Binaries.promtool()
            + "\"}");
    fleet.putKv(
        layout.queryReport("p1"),
        new String(
            Json.encode(
                new QueryReport(
                    "p1",
                    "2026-12-01T00:00:00Z",
                    "/var/log/prometheus/query.log",
                    0,
                    List.of(
                        new QueryReport.Entry(SLOW, 2.5, 3),
                        new QueryReport.Entry("up", 0.01, 40),
                        new QueryReport.Entry("sum(", 4, 1)),
                    43,
                    0,
                    0)),
            StandardCharsets.UTF_8));
  }

  @AfterEach
  void closeFleet() {
    fleet.close();
  }

  /** A coordinator that publishes when it leads. */
  private static Coordinator coordinator() throws IOException {
    return new Coordinator(
            ConsulFleet.coordinatorConfig(consul.url()), DispatchMode.PUBLISH, report -> {})
        .start();
  }

  @Test
  void onlyTheLeaderImportsAndItsLastRunShowsInStatusThePageAndTheCli() throws Exception {
    try (Coordinator leader = coordinator()) {
      Await.until(WAIT, "a leader", () -> leader.dispatchState().term() != null);
      try (Coordinator standby = coordinator()) {
        leaderImportsAndShowsIt(leader, standby);
      }
    }
  }

  private void leaderImportsAndShowsIt(Coordinator leader, Coordinator standby) throws IOException {

    RecordsImportStatus last =
        Await.value(
            WAIT,
            "the leader's first automatic import in status/coordinator",
            () -> {
              CoordinatorStatus s = fleet.coordinatorStatus();
              return s == null ? null : s.recordsAutoImport();
            });
    assertEquals(RecordsImportStatus.OK, last.result(), last.line());
    assertEquals(1, last.added(), last.line());
    assertEquals(1, last.invalid(), last.line());
    assertTrue(last.addedNamed().get(0).startsWith("records/1 hke:heavy_expr:"), last.line());
    assertTrue(last.addedNamed().get(0).endsWith(" = " + SLOW), last.line());
    Await.until(
        WAIT,
        "the new record published on exactly one node",
        () ->
            fleet.published().values().stream()
                    .flatMap(share -> share.rules().values().stream())
                    .mapToInt(List::size)
                    .sum()
                == 1);

    assertTrue(metrics(leader).contains("prome_shard_records_auto_import_added_total 1.0"));
    String standbyMetrics = metrics(standby);
    assertTrue(
        standbyMetrics.contains("prome_shard_records_auto_import_runs_total{result=\"ok\"} 0.0"),
        standbyMetrics);

    String page = page(leader);
    assertTrue(page.contains("<h2>Automatic records import</h2>"), page);
    assertTrue(page.contains("1 added"), page);
    assertTrue(page.contains("invalid <code>hke:heavy_expr:"), page);

    String cli = cliStatus();
    assertTrue(cli.contains("records auto import: "), cli);
    assertTrue(cli.contains("  added records/1 hke:heavy_expr:"), cli);
    assertFalse(cli.contains("held back "), cli);
  }

  private static String metrics(Coordinator c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, c.metrics().registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String page(Coordinator c) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.opsPort() + "/")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code prome-shard-coordinator status}'s standard output. */
  private static String cliStatus() {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(0, CoordinatorMain.execute("status", "--consul", consul.url()));
    } finally {
      System.setOut(stdout);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
