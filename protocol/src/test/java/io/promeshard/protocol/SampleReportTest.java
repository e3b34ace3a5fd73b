package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SampleReportTest {
  private static final String KEY = "prome-shard/reports/prom-1/samples";
  private static final Instant AT = Instant.parse("2026-12-01T19:30:00Z");

  @Test
  void aReportReadsBackAsWrittenAndEncodesTheSameBytesEachTime() {
    SampleReport report =
        new SampleReport(
            "prom-1",
            42,
            AT,
            Duration.ofMinutes(2),
            Map.of("web/10.0.0.2:8080", 57L, "node/10.0.0.1:9100", 1200L, "probe/http://x/y", 0L),
            3,
            2);
    byte[] bytes = report.encode();
    assertEquals(0x1f, bytes[0] & 0xff, "gzip");
    assertEquals(report, SampleReport.decode(KEY, bytes));
    assertArrayEquals(bytes, report.encode(), "deterministic: unchanged reports compare equal");
    assertEquals(
        List.of("node/10.0.0.1:9100", "probe/http://x/y", "web/10.0.0.2:8080"),
        List.copyOf(report.samples().keySet()),
        "sorted by key");
    assertThrows(UnsupportedOperationException.class, () -> report.samples().put("a/b:1", 1L));
  }

  @Test
  void plainJsonIsReadTooAndUnknownFieldsAreIgnored() {
    String json =
        "{\"format\":1,\"generation\":7,\"interval\":\"10s\",\"measured_at\":\"2026-12-01T19:30:00Z\","
            + "\"node\":\"prom-1\",\"omitted\":0,\"samples\":{\"web/h:1\":5},\"unmeasured\":0,"
            + "\"newer\":{\"x\":[1]}}";
    SampleReport r = SampleReport.decode(KEY, json.getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("web/h:1", 5L), r.samples());
    assertEquals(Duration.ofSeconds(10), r.interval());
    assertEquals(7, r.generation());
  }

  @Test
  void countsAreRoundedToTwoSignificantDigitsWithinFivePercent() {
    assertEquals(0, SampleReport.quantize(0));
    assertEquals(99, SampleReport.quantize(99));
    assertEquals(100, SampleReport.quantize(104));
    assertEquals(110, SampleReport.quantize(105));
    assertEquals(1000, SampleReport.quantize(995));
    assertEquals(2300, SampleReport.quantize(2345));
    assertEquals(120_000, SampleReport.quantize(123_456));
    assertEquals(SampleReport.MAX_SAMPLES, SampleReport.quantize(Long.MAX_VALUE));
    Random random = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      long n = (long) Math.exp(random.nextDouble() * 25);
      long q = SampleReport.quantize(n);
      assertTrue(Math.abs(q - n) <= 0.05 * n, n + " -> " + q);
      assertEquals(q, SampleReport.quantize(q), "rounding twice changes nothing: " + n);
    }
    assertThrows(IllegalArgumentException.class, () -> SampleReport.quantize(-1));
  }

  @Test
  void twentyThousandTargetsFitWellUnderTheBound() {
    SampleReport report = fleet(20_000, 1);
    SampleReport.Encoded e = report.encodeWithin(SampleReport.MAX_BYTES);
    System.out.printf(
        "20,000 targets: %d bytes (%.1f per target)%n",
        e.bytes().length, e.bytes().length / 20_000.0);
    assertSame(report, e.report(), "nothing left out");
    assertTrue(e.bytes().length < SampleReport.MAX_BYTES / 2, e.bytes().length + " bytes");
    assertEquals(report, SampleReport.decode(KEY, e.bytes()));
  }

  @Test
  void overTheBoundTheLargestTargetsAreKeptAndTheRestCounted() {
    SampleReport report = fleet(20_000, 1);
    int bound = 32 * 1024;
    SampleReport.Encoded e = report.encodeWithin(bound);
    SampleReport kept = e.report();
    assertTrue(e.bytes().length <= bound, e.bytes().length + " bytes");
    assertTrue(kept.samples().size() > 1000, kept.samples().size() + " kept");
    assertEquals(20_000, kept.samples().size() + kept.omitted());
    assertEquals(kept, SampleReport.decode(KEY, e.bytes()));
    long smallestKept = kept.samples().values().stream().mapToLong(Long::longValue).min().orElse(0);
    report
        .samples()
        .forEach(
            (key, n) -> {
              if (!kept.samples().containsKey(key)) {
                assertTrue(
                    n <= smallestKept, key + ": " + n + " left out, " + smallestKept + " kept");
              }
            });
  }

  @Test
  void badValuesAreRejectedNamingKeyAndField() {
    String[][] cases = {
      {"", "empty value"},
      {"[1]", "expected a JSON object"},
      {"{\"format\":1", "Unexpected end-of-input"},
      {"{\"format\":2,\"samples\":{}}", "format 2 is newer than this build reads (1)"},
      {"{\"format\":\"1\"}", "format: expected a whole number >= 0, found \"1\""},
      {valid("\"samples\":[]"), "samples: expected an object"},
      {valid("\"samples\":{\"web/h:1\":1.5}"), "samples[\"web/h:1\"]: expected a whole number"},
      {valid("\"samples\":{\"web/h:1\":-1}"), "samples[\"web/h:1\"]: expected a whole number"},
      {valid("\"samples\":{\"web/h:1\":\"5\"}"), "samples[\"web/h:1\"]: expected a whole number"},
      {valid("\"samples\":{\"web/h:1\":1000000000001}"), "samples[\"web/h:1\"]: expected at most"},
      {valid("\"samples\":{\"web/h:1\":1,\"web/h:1\":2}"), "Duplicate field 'web/h:1'"},
      {valid("\"samples\":{\"web\":1}"), "expected a target key <job>/<address>, found \"web\""},
      {valid("\"samples\":{\"../x/h:1\":1}"), "found \"../x/h:1\""},
      {valid("\"samples\":{\"web/h 1\":1}"), "samples[\"web/h 1\"]: address"},
      {valid("\"samples\":{\"web/\":1}"), "samples[\"web/\"]: empty address"},
      {valid("\"samples\":{},\"node\":\"../x\""), "node: invalid name"},
      {valid("\"samples\":{},\"measured_at\":\"yesterday\""), "measured_at: expected an RFC 3339"},
      {valid("\"samples\":{},\"interval\":\"2\""), "interval"},
      {valid("\"samples\":{},\"generation\":-1"), "generation: expected a whole number >= 0"},
      {valid("\"samples\":{},\"omitted\":null"), "omitted: expected a whole number >= 0"},
    };
    for (String[] c : cases) {
      ProtocolException e =
          assertThrows(
              ProtocolException.class,
              () -> SampleReport.decode(KEY, c[0].getBytes(StandardCharsets.UTF_8)),
              c[0]);
      assertTrue(e.getMessage().startsWith(KEY + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(c[1]), "expected \"" + c[1] + "\" in: " + e.getMessage());
    }
    ProtocolException gzip =
        assertThrows(
            ProtocolException.class, () -> SampleReport.decode(KEY, new byte[] {0x1f, 0x00, 1}));
    assertTrue(gzip.getMessage().contains("not a valid gzip value"), gzip.getMessage());
  }

  @Test
  void aValueExpandingPastTheLimitIsRefused() {
    byte[] bomb = Gzip.compress(new byte[SampleReport.MAX_EXPANDED_BYTES + 1]);
    assertThrows(TooLargeException.class, () -> SampleReport.decode(KEY, bomb));
  }

  /**
   * A valid plain report with {@code fields} replacing its own (JSON keeps the last of each, but
   * these reports reject duplicates: so the defaults are left out where a field is given).
   */
  private static String valid(String fields) {
    Map<String, String> all = new TreeMap<>();
    all.put("format", "1");
    all.put("generation", "1");
    all.put("interval", "\"2m\"");
    all.put("measured_at", "\"2026-12-01T19:30:00Z\"");
    all.put("node", "\"prom-1\"");
    all.put("omitted", "0");
    all.put("unmeasured", "0");
    StringBuilder out = new StringBuilder("{").append(fields);
    all.forEach(
        (k, v) -> {
          if (!fields.contains("\"" + k + "\":")) {
            out.append(",\"").append(k).append("\":").append(v);
          }
        });
    return out.append('}').toString();
  }

  /**
   * {@code n} targets over five jobs at addresses like {@code 10.1.2.3:9100}, with heavy-tailed
   * sample counts, rounded as the agent rounds them.
   */
  private static SampleReport fleet(int n, long seed) {
    Random random = new Random(seed);
    List<String> jobs = List.of("node", "kube-state-metrics", "app-orders", "app-web", "mysqld");
    Map<String, Long> samples = new TreeMap<>();
    List<String> keys = new ArrayList<>();
    while (keys.size() < n) {
      String address =
          "10." + random.nextInt(16) + "." + random.nextInt(256) + "." + random.nextInt(256);
      String job = jobs.get(random.nextInt(jobs.size()));
      String key = SampleReport.key(job, address + ":" + (9100 + random.nextInt(4)));
      if (!samples.containsKey(key)) {
        keys.add(key);
        double pareto = 300 / Math.pow(1 - random.nextDouble(), 1 / 1.2);
        samples.put(key, SampleReport.quantize((long) Math.min(pareto, 500_000)));
      }
    }
    return new SampleReport("prom-1", 9, AT, Duration.ofMinutes(2), samples, 0, 0);
  }
}
