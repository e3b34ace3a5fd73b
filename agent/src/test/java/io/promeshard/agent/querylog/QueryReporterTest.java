package io.promeshard.agent.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.config.QueryLogSettings;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The reporter against a real Consul, stepped by hand on a clock the test moves. */
class QueryReporterTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;

  /** A clock that moves only when told. */
  private static final class StepClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static String line(String expr, double seconds) {
    return "{\"params\":{\"query\":\""
        + expr
        + "\"},\"stats\":{\"timings\":{\"evalTotalTime\":"
        + seconds
        + "}},\"ts\":\"2026-12-01T10:00:00Z\"}\n";
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String metrics(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void slowQueriesOfEachIntervalAreReportedOnceAndNothingNewWritesNothing() throws Exception {
    consul.clearKv();
    Path log = dir.resolve("query.log");
    append(log, line("before the agent ran", 9));
    QueryLogSettings settings =
        new QueryLogSettings(log, Duration.ofMillis(500), Duration.ofSeconds(30), 100);
    KvLayout layout = KvLayout.defaults();
    StepClock clock = new StepClock();
    PrometheusRegistry registry = new PrometheusRegistry();
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()));
        QueryReporter reporter =
            new QueryReporter(settings, new KvClient(http), layout, "p1", registry, clock)) {
      KvClient kv = new KvClient(http);
      reporter.step(); // the first read starts at the end, and nothing is due yet
      append(log, line("sum(rate(http_requests_total[5m]))", 1.2));
      append(log, line("sum(rate(http_requests_total[5m]))", 2.5));
      append(log, line("up", 0.01));
      append(log, "{\"broken\n");
      reporter.step();
      assertTrue(kv.get(layout.queryReport("p1")).isEmpty(), "not before report_interval");

      clock.advance(Duration.ofSeconds(30));
      reporter.step();
      KvEntry e = kv.get(layout.queryReport("p1")).orElseThrow();
      QueryReport r = Json.decodeWire(e.key(), e.value(), QueryReport.class);
      assertEquals(
          java.util.List.of(new QueryReport.Entry("sum(rate(http_requests_total[5m]))", 2.5, 2)),
          r.queries());
      assertEquals(4, r.lines());
      assertEquals(1, r.malformed());
      assertEquals(log.toString(), r.file());
      assertEquals("2026-12-01T10:00:30Z", r.writtenAt());

      clock.advance(Duration.ofSeconds(30));
      reporter.step();
      assertEquals(
          e.modifyIndex(),
          kv.get(layout.queryReport("p1")).orElseThrow().modifyIndex(),
          "nothing new, nothing written");
      String m = metrics(registry);
      assertTrue(m.contains("prome_shard_agent_query_log_lines_total{result=\"kept\"} 2.0"), m);
      assertTrue(
          m.contains("prome_shard_agent_query_log_lines_total{result=\"malformed\"} 1.0"), m);
      assertTrue(m.contains("prome_shard_agent_query_reports_total{result=\"ok\"} 1.0"), m);
      assertTrue(m.contains("prome_shard_agent_query_log_readable 1.0"), m);
    }
  }

  @Test
  void aReportConsulDoesNotTakeIsKeptAndCounted() throws Exception {
    Path log = dir.resolve("query.log");
    append(log, "");
    QueryLogSettings settings =
        new QueryLogSettings(log, Duration.ZERO, Duration.ofSeconds(10), 100);
    StepClock clock = new StepClock();
    PrometheusRegistry registry = new PrometheusRegistry();
    String nowhere = "http://127.0.0.1:" + FreePorts.one();
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(nowhere));
        QueryReporter reporter =
            new QueryReporter(
                settings, new KvClient(http), KvLayout.defaults(), "p1", registry, clock)) {
      reporter.step();
      append(log, line("count(up)", 0.2));
      clock.advance(Duration.ofSeconds(10));
      reporter.step();
      clock.advance(Duration.ofSeconds(10));
      reporter.step();
      String m = metrics(registry);
      assertTrue(m.contains("prome_shard_agent_query_reports_total{result=\"failed\"} 2.0"), m);
      assertTrue(m.contains("prome_shard_agent_query_reports_total{result=\"ok\"} 0.0"), m);
    }
  }
}
