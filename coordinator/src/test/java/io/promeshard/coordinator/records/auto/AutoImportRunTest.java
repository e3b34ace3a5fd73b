package io.promeshard.coordinator.records.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.RecordsAutoImport;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.coordinator.records.RecordNaming;
import io.promeshard.coordinator.records.Registry;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.RedisServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * One automatic import at a time against a real Consul, the real promtool and a real Redis, with
 * reports written as agents write them: what becomes a record, what is refused and remembered, and
 * what a limit holds back until there is room.
 */
class AutoImportRunTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final String PASSWORD_ENV = "TEST_REDIS_PASSWORD";
  private static final String SLOW = "sum by (job) (rate(http_requests_total[5m]))";
  private static final String SLOWER = "histogram_quantile(0.99, sum(rate(x_bucket[5m])) by (le))";
  private static final String FAST = "up";
  private static final String INVALID = "sum(rate(x[5m])";
  private static RedisServer redis;

  private final KvLayout layout = KvLayout.defaults();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private ConsulHttp http;
  private KvClient kv;
  private AutoImportRun run;

  @BeforeAll
  static void startRedis() {
    redis =
        RedisServer.start(
            ConsulExtension.logDir(AutoImportRunTest.class).resolve("redis"), "pw-auto");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void setUp() {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
    run =
        new AutoImportRun(
            kv,
            new TxnWriter(http),
            layout,
            new AutoImportMetrics(registry),
            Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC),
            Map.of(PASSWORD_ENV, "pw-auto"));
    try (Jedis j = jedis()) {
      j.flushAll();
    }
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  private static Jedis jedis() {
    Jedis j = new Jedis(URI.create("redis://127.0.0.1:" + redis.port()));
    j.auth("pw-auto");
    return j;
  }

  private static RecordsAutoImport settings(int maxNew, int maxTotal, Path archive) {
    return new RecordsAutoImport(
        true,
        Duration.ofMillis(500),
        Duration.ofSeconds(10),
        maxNew,
        maxTotal,
        archive,
        URI.create("redis://127.0.0.1:" + redis.port()),
        null,
        PASSWORD_ENV,
        "prome-shard:records",
        Binaries.promtool());
  }

  private void report(String node, QueryReport.Entry... entries) throws IOException {
    kv.put(
        layout.queryReport(node),
        Json.encode(
            new QueryReport(node, "2026-12-01T00:00:00Z", "/q.log", 0, List.of(entries), 9, 1, 0)));
  }

  private static QueryReport.Entry q(String expr, double seconds) {
    return new QueryReport.Entry(expr, seconds, 1);
  }

  private Map<String, String> registered() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (RecordRule r : new Registry(kv, new TxnWriter(http), layout).read().inIndexOrder()) {
      out.put(r.record(), r.expr());
    }
    return out;
  }

  private static Map<String, String> redisPairs() {
    try (Jedis j = jedis()) {
      Map<String, String> out = new TreeMap<>();
      for (String name : j.smembers("prome-shard:records")) {
        out.put(name, j.get(name));
      }
      return out;
    }
  }

  private static String name(String expr) {
    return RecordNaming.defaults().name(expr);
  }

  private String metrics() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void reportedQueriesBecomeRecordsOnceAndAnInvalidOneIsRefusedAndRememberedForTheTerm()
      throws IOException {
    Path archive = ConsulExtension.logDir(AutoImportRunTest.class).resolve("archive");
    report("prom-1", q(SLOWER, 4), q(SLOW, 2), q(FAST, 0.01), q(INVALID, 3));
    report("prom-2", q(SLOW, 2.5));
    TermMemory memory = new TermMemory(1);

    RecordsImportStatus first = run.run(settings(20, 1000, archive), memory, Fence.NONE);

    assertEquals(RecordsImportStatus.OK, first.result(), first.line());
    assertEquals(Map.of("prom-1", 3, "prom-2", 1), first.candidates());
    assertEquals(Map.of("prom-1", 1L, "prom-2", 1L), first.malformed());
    assertEquals(3, first.distinct());
    assertEquals(2, first.added());
    assertEquals(1, first.invalid());
    assertTrue(first.invalidNamed().get(0).startsWith(name(INVALID) + " " + INVALID + ": "));
    assertEquals(Map.of(name(SLOWER), SLOWER, name(SLOW), SLOW), registered());
    assertEquals(registered(), redisPairs());
    assertTrue(Files.exists(archive.resolve("record_2_2026-12-01.yml")));

    // the same reports again: nothing new, nothing checked again
    RecordsImportStatus second = run.run(settings(20, 1000, archive), memory, Fence.NONE);
    assertEquals(0, second.added());
    assertEquals(2, second.alreadyRegistered());
    assertEquals(1, second.refusedBefore());
    assertEquals(0, second.invalid());
    assertEquals(2, registered().size());

    String m = metrics();
    assertTrue(m.contains("prome_shard_records_auto_import_added_total 2.0"), m);
    assertTrue(
        m.contains("prome_shard_records_auto_import_rejected_total{reason=\"invalid\"} 1.0"), m);
    // an unchanged report is counted once
    assertTrue(
        m.contains("prome_shard_records_auto_import_candidates_total{node=\"prom-1\"} 3.0"), m);
    assertTrue(m.contains("prome_shard_records_auto_import_runs_total{result=\"ok\"} 2.0"), m);
  }

  @Test
  void whatALimitHoldsBackIsReportedAndImportedWhenThereIsRoom() throws IOException {
    report("prom-1", q("sum(a)", 5), q("sum(b)", 4), q("sum(c)", 3));
    TermMemory memory = new TermMemory(1);

    RecordsImportStatus first = run.run(settings(2, 1000, null), memory, Fence.NONE);
    assertEquals(2, first.added());
    assertEquals(1, first.held());
    assertEquals("records_max_new_per_interval", first.heldBy());
    assertEquals(List.of("sum(c)"), first.heldNamed());
    assertEquals(Set.of(name("sum(a)"), name("sum(b)")), registered().keySet());

    // the agent's next report no longer names it: the held query is carried over
    report("prom-1", q("sum(d)", 1));
    RecordsImportStatus second = run.run(settings(2, 1000, null), memory, Fence.NONE);
    assertEquals(2, second.added(), second.line());
    assertEquals(0, second.held());
    assertEquals(
        Set.of(name("sum(a)"), name("sum(b)"), name("sum(c)"), name("sum(d)")),
        registered().keySet());
    assertEquals(registered(), redisPairs());
    String m = metrics();
    assertTrue(
        m.contains("prome_shard_records_auto_import_rejected_total{reason=\"over_limit\"} 1.0"), m);
    assertTrue(m.contains("prome_shard_records_auto_import_held 0.0"), m);
  }

  @Test
  void aFullRegistryTakesNothingNewAndSaysWhy() throws IOException {
    report("prom-1", q("sum(a)", 5), q("sum(b)", 4));
    TermMemory memory = new TermMemory(1);
    RecordsImportStatus first = run.run(settings(20, 1, null), memory, Fence.NONE);
    assertEquals(1, first.added());
    assertEquals(1, first.held());
    assertEquals("records_max_total", first.heldBy());
    RecordsImportStatus second = run.run(settings(20, 1, null), memory, Fence.NONE);
    assertEquals(0, second.added());
    assertEquals(1, second.held());
    assertEquals(1, registered().size());
  }

  @Test
  void aRunWithoutPromtoolFailsRegistersNothingAndTheNextRunTriesAgain() throws IOException {
    report("prom-1", q("sum(a)", 5));
    RecordsAutoImport s = settings(20, 1000, null);
    RecordsAutoImport noPromtool =
        new RecordsAutoImport(
            true,
            s.minDuration(),
            s.interval(),
            20,
            1000,
            null,
            null,
            null,
            PASSWORD_ENV,
            s.redisSet(),
            Path.of("/nonexistent/promtool"));
    TermMemory memory = new TermMemory(1);
    RecordsImportStatus r = run.run(noPromtool, memory, Fence.NONE);
    assertEquals(RecordsImportStatus.FAILED, r.result());
    assertEquals("records_promtool: not an executable file: /nonexistent/promtool", r.error());
    assertEquals(Map.of(), registered());

    // the next report no longer names it: what the failed run could not register is carried
    kv.delete(layout.queryReport("prom-1"));
    RecordsImportStatus again = run.run(s, memory, Fence.NONE);
    assertEquals(RecordsImportStatus.OK, again.result(), again.line());
    assertEquals(Set.of(name("sum(a)")), registered().keySet());
  }
}
