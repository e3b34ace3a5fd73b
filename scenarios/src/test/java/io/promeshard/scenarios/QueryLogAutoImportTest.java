package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ManagedProcess;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Heavy queries found across the fleet, not by hand: two real Prometheus servers write query logs,
 * their agents follow them and report every query (threshold 0), and the coordinator imports the
 * reports every 10 s ({@code records_auto_import}) with the real promtool, an archive and a real
 * Redis. Queries sent to the servers' HTTP API become records, each loaded by exactly one server;
 * Redis holds the registry; a malformed log line is counted by its agent, and an expression
 * promtool refuses is reported and never registered; after the log is rotated (renamed, Prometheus
 * reloaded so it opens a new file) a query still becomes a record.
 */
class QueryLogAutoImportTest {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);
  private static final String INVALID = "sum(rate(x[5m])";
  private static final Map<String, List<String>> QUERIES =
      Map.of(
          "prom-1", List.of("sum(up)", "count(prometheus_build_info)"),
          "prom-2", List.of("sum(up)", "max(prometheus_http_requests_total)"));
  private static final String AFTER_ROTATION = "min(up)";
  private static final String PASSWORD = "auto-import-pw";

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @Test
  void queriesSentToTheServersBecomeRecordsShardedOnceAndExportedToRedis() throws IOException {
    Path dir = FaultLogs.fresh("query-log-auto-import");
    Files.createDirectories(dir);
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"), PASSWORD)) {
      Path password = dir.resolve("redis.pw");
      Files.writeString(password, PASSWORD + "\n", StandardCharsets.UTF_8);
      Path archive = dir.resolve("archive");
      String settings =
          "{\"flap_hold\":\"1s\",\"debounce\":\"200ms\",\"record_interval\":\"2s\","
              + "\"records_auto_import\":true,\"records_min_duration\":\"0s\","
              + "\"records_interval\":\"10s\",\"records_redis\":\"redis://127.0.0.1:"
              + redis.port()
              + "\",\"records_redis_password_file\":\""
              + password
              + "\",\"records_promtool\":\""
              + Binaries.promtool()
              + "\",\"records_archive_dir\":\""
              + archive
              + "\"}";
      try (Fleet f =
          Fleet.startWithQueryLogs(
              dir.resolve("fleet"), 2, settings, Map.of(), Duration.ZERO, REPORT_INTERVAL)) {
        fleet = f;
        ManagedProcess coordinator = startCoordinator();

        Set<String> expected = new TreeSet<>();
        QUERIES.forEach(
            (node, exprs) ->
                exprs.forEach(
                    e -> {
                      query(f.server(node).prometheus(), e);
                      expected.add(e);
                    }));
        append(f.queryLog("prom-1"), "this is not a query-log line");
        append(f.queryLog("prom-2"), logLine(INVALID, 1.5));
        awaitRegistered(expected);

        rotate("prom-1");
        query(f.server("prom-1").prometheus(), AFTER_ROTATION);
        expected.add(AFTER_ROTATION);
        awaitRegistered(expected);

        Map<String, String> registry = registry();
        assertEquals(expected, new TreeSet<>(registry.values()), "the registry holds " + registry);
        assertFalse(registry.containsValue(INVALID));
        awaitEachLoadedOnce(registry.keySet());
        assertEquals(registry, redisPairs(redis));
        assertTrue(
            agentMetric("prom-1", "prome_shard_agent_query_log_lines_total", "malformed") >= 1,
            "the malformed line counted by prom-1's agent");
        assertTrue(
            fleet
                    .coordinators()
                    .metric(
                        coordinator,
                        "prome_shard_records_auto_import_rejected_total{reason=\"invalid\"}")
                >= 1,
            "the invalid expression counted as rejected");
        JsonNode last = status().path("records_auto_import");
        assertEquals("ok", last.path("result").asText(), last.toString());
        assertTrue(
            last.path("invalid").asInt() + last.path("refused_before").asInt() >= 1,
            "prom-2's report still names the refused expression: " + last);
        try (var files = Files.list(archive)) {
          assertTrue(
              files.anyMatch(
                  p -> p.getFileName().toString().startsWith("record_" + expected.size() + "_")),
              "an archive of the " + expected.size() + " records in " + archive);
        }
      }
    }
  }

  private ManagedProcess startCoordinator() {
    fleet.coordinators().start();
    return fleet.coordinators().awaitLeader(WAIT);
  }

  /** One instant query through the server's HTTP API, which its query log records. */
  private static void query(PrometheusServer prometheus, String expr) {
    PrometheusApi.data(
        prometheus, "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
  }

  /** A line as Prometheus writes it to its query log. */
  private static String logLine(String expr, double seconds) {
    return "{\"params\":{\"end\":\"2026-12-01T00:00:00.000Z\",\"query\":"
        + new String(Json.encode(expr), StandardCharsets.UTF_8)
        + ",\"start\":\"2026-12-01T00:00:00.000Z\",\"step\":0},\"stats\":{\"timings\":"
        + "{\"evalTotalTime\":"
        + seconds
        + ",\"resultSortTime\":0,\"queryPreparationTime\":0,\"innerEvalTime\":0,"
        + "\"execQueueTime\":0,\"execTotalTime\":0}},\"ts\":\"2026-12-01T00:00:00.000Z\"}";
  }

  private static void append(Path file, String line) {
    try {
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("appending to " + file, e);
    }
  }

  /** As logrotate does: rename the log, then have Prometheus open a new one (a reload). */
  private void rotate(String node) throws IOException {
    Path log = fleet.queryLog(node);
    Files.move(log, log.resolveSibling("query.log.1"));
    fleet.server(node).prometheus().post("/-/reload");
    Await.until(WAIT, "Prometheus of " + node + " opening a new " + log, () -> Files.exists(log));
  }

  /** record name → expression, from {@code records/}. */
  private Map<String, String> registry() {
    Map<String, String> out = new TreeMap<>();
    fleet
        .kv()
        .tree(fleet.layout().recordsDir())
        .forEach(
            (key, value) -> {
              JsonNode rule = readTree(value);
              out.put(rule.path("record").asText(), rule.path("expr").asText());
            });
    return out;
  }

  private void awaitRegistered(Set<String> exprs) {
    Await.until(
        WAIT, "records for " + exprs, () -> new HashSet<>(registry().values()).containsAll(exprs));
  }

  /** Every record loaded by exactly one of the servers, and nothing else loaded. */
  private void awaitEachLoadedOnce(Set<String> records) {
    Await.until(
        WAIT,
        "each of " + records + " loaded by exactly one server",
        () -> {
          Map<String, Integer> loaded = new TreeMap<>();
          for (Fleet.Server s : fleet.servers()) {
            LoadedRules.records(s.prometheus()).forEach(r -> loaded.merge(r, 1, Integer::sum));
          }
          return loaded.keySet().equals(records) && loaded.values().stream().allMatch(n -> n == 1);
        });
  }

  private static Map<String, String> redisPairs(RedisServer redis) {
    try (Jedis j = new Jedis(URI.create("redis://127.0.0.1:" + redis.port()))) {
      j.auth(PASSWORD);
      Map<String, String> out = new TreeMap<>();
      for (String name : j.smembers("prome-shard:records")) {
        out.put(name, j.get(name));
      }
      return out;
    }
  }

  private JsonNode status() {
    return fleet
        .kv()
        .entry(fleet.layout().coordinatorStatus())
        .map(e -> readTree(Base64.getDecoder().decode(e.path("Value").asText(""))))
        .orElseThrow(() -> new AssertionError("no status/coordinator"));
  }

  private double agentMetric(String node, String name, String labelValue) {
    String body;
    try {
      body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + fleet.agentOpsPort(node) + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET /metrics of the agent of " + node, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(name) + "\\{result=\"" + labelValue + "\"\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static JsonNode readTree(byte[] value) {
    try {
      return Json.MAPPER.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON", e);
    }
  }
}
