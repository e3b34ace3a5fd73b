package io.promeshard.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many samples each of a node's targets yields per scrape after metric relabeling ({@code
 * scrape_samples_post_metric_relabeling} in its Prometheus), as its agent measured them; under
 * {@code reports/<node>/samples}, so the coordinator can cost a target by the series it brings
 * instead of its job's static {@code weight}. A target the report does not name keeps its last
 * known (or configured) cost.
 *
 * <h2>Format</h2>
 *
 * <p>The value is gzip-compressed JSON ({@link Gzip}, deterministic), keys sorted:
 *
 * <pre>{@code
 * {"format":1,"generation":42,"interval":"2m","measured_at":"2026-12-01T19:30:00Z",
 *  "node":"prom-1","omitted":0,
 *  "samples":{"node/10.0.0.1:9100":1200,"web/10.0.0.2:8080":57},"unmeasured":2}
 * }</pre>
 *
 * <ul>
 *   <li>{@code samples}: target key ({@code <job>/<address>}, the key shares are hashed by) →
 *       samples per scrape, a whole number {@code >= 0}. The agent rounds each to two significant
 *       digits ({@link #quantize}: within 5 %, and 10 to 99 exactly); readers take the numbers as
 *       they are.
 *   <li>{@code omitted}: targets measured but left out so the value stays within {@link
 *       #MAX_BYTES}: the smallest ones go first ({@link #encodeWithin}).
 *   <li>{@code unmeasured}: targets of the node's own files that Prometheus lists but whose samples
 *       cannot be told apart (two targets relabeled to the same label set, a target not up, no
 *       series yet); they are not in {@code samples}.
 *   <li>{@code generation}: the share generation the agent had applied when it measured; {@code
 *       measured_at} (RFC 3339, UTC) when; {@code interval}: how often it measures. The agent
 *       rewrites the value only when a target's rounded count changed (or targets came or went), so
 *       the generation of an unchanged report may be older than the node's.
 *   <li>{@code format}: {@value #FORMAT}; a value of a higher format is refused, unknown fields are
 *       ignored (a newer agent may add some).
 * </ul>
 *
 * <p>A plain JSON value (not compressed) is read as well, for hand-written values. Size: 20,000
 * targets at random addresses like {@code 10.1.2.3:9100} in five jobs take 123 KiB (6.3 bytes a
 * target, measured in the unit test), under half of {@link #MAX_BYTES}, itself half of Consul's 512
 * KiB; beyond about 40,000 targets the smallest are left out.
 *
 * @param samples target key → samples per scrape; copied, sorted by key, unmodifiable
 */
public record SampleReport(
    String node,
    long generation,
    Instant measuredAt,
    Duration interval,
    Map<String, Long> samples,
    int omitted,
    int unmeasured) {

  /** The format this build writes and the highest it reads. */
  public static final int FORMAT = 1;

  /** The most bytes an encoded report takes ({@link #encodeWithin}); Consul's limit is 512 KiB. */
  public static final int MAX_BYTES = 256 * 1024;

  /** The most samples one target may report: far above any real target. */
  public static final long MAX_SAMPLES = 1_000_000_000_000L;

  /** The most bytes a report may expand to when read. */
  static final int MAX_EXPANDED_BYTES = 16 * 1024 * 1024;

  private static final ObjectReader READER =
      Json.MAPPER
          .reader()
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public SampleReport {
    Names.node(node);
    if (generation < 0) {
      throw new ProtocolException("generation: expected >= 0, found " + generation);
    }
    if (measuredAt == null) {
      throw new ProtocolException("measured_at: missing");
    }
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new ProtocolException("interval: expected a positive duration, found " + interval);
    }
    if (omitted < 0 || unmeasured < 0) {
      throw new ProtocolException(
          "omitted, unmeasured: expected >= 0, found " + omitted + ", " + unmeasured);
    }
    if (samples == null) {
      throw new ProtocolException("samples: missing");
    }
    TreeMap<String, Long> copy = new TreeMap<>();
    samples.forEach(
        (key, n) -> {
          checkKey(key);
          if (n == null || n < 0 || n > MAX_SAMPLES) {
            throw new ProtocolException(
                "samples[" + Names.quote(key) + "]: expected 0.." + MAX_SAMPLES + ", found " + n);
          }
          copy.put(key, n);
        });
    samples = Collections.unmodifiableSortedMap(copy);
  }

  /** An encoded report and the report it holds (fewer targets than asked when over the bound). */
  public static final class Encoded {
    private final SampleReport report;
    private final byte[] bytes;

    Encoded(SampleReport report, byte[] bytes) {
      this.report = report;
      this.bytes = bytes;
    }

    /** The report the bytes hold. */
    public SampleReport report() {
      return report;
    }

    /** The value to store (a copy). */
    public byte[] bytes() {
      return bytes.clone();
    }

    public int size() {
      return bytes.length;
    }
  }

  /**
   * {@code samples} rounded to two significant digits, half up (1234 → 1200, 995 → 1000): at most 5
   * % off, and small counts (below 100) stay exact.
   */
  public static long quantize(long samples) {
    if (samples < 0) {
      throw new IllegalArgumentException("samples: expected >= 0, found " + samples);
    }
    long n = Math.min(samples, MAX_SAMPLES);
    long scale = 1;
    while (n / scale >= 100) {
      scale *= 10;
    }
    return (n + scale / 2) / scale * scale;
  }

  /** The target key of {@code address} in {@code job}: {@code <job>/<address>}. */
  public static String key(String job, String address) {
    return Names.job(job) + "/" + address;
  }

  /**
   * This report as stored: gzip-compressed JSON. No size check: see {@link #encodeWithin}.
   *
   * @throws ProtocolException naming the node when JSON encoding fails
   */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + samples.size() * 32);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("format", FORMAT);
      g.writeNumberField("generation", generation);
      g.writeStringField("interval", Durations.format(interval));
      g.writeStringField("measured_at", measuredAt.toString());
      g.writeStringField("node", node);
      g.writeNumberField("omitted", omitted);
      g.writeObjectFieldStart("samples");
      for (Map.Entry<String, Long> e : samples.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("unmeasured", unmeasured);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding the sample report of " + node, e);
    }
    return Gzip.compress(out.toByteArray());
  }

  /**
   * This report encoded in at most {@code maxBytes}: whole when it fits, else with only the targets
   * yielding the most samples (ties by key), the others counted in {@code omitted}.
   */
  public Encoded encodeWithin(int maxBytes) {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("maxBytes: expected >= 1024, found " + maxBytes);
    }
    byte[] bytes = encode();
    if (bytes.length <= maxBytes) {
      return new Encoded(this, bytes);
    }
    List<Map.Entry<String, Long>> largestFirst = new ArrayList<>(samples.entrySet());
    largestFirst.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    int keep = samples.size();
    while (true) {
      // bytes per target are about even: aim 10 % under the bound, and always drop at least one
      long aim = (long) keep * maxBytes * 9 / 10 / bytes.length;
      keep = (int) Math.max(0, Math.min(keep - 1L, aim));
      Map<String, Long> kept = new TreeMap<>();
      largestFirst.subList(0, keep).forEach(e -> kept.put(e.getKey(), e.getValue()));
      SampleReport smaller =
          new SampleReport(
              node,
              generation,
              measuredAt,
              interval,
              kept,
              omitted + samples.size() - keep,
              unmeasured);
      bytes = smaller.encode();
      if (bytes.length <= maxBytes || keep == 0) {
        return new Encoded(smaller, bytes);
      }
    }
  }

  /**
   * Reads a report stored under {@code where} (its key, named in errors): gzip-compressed JSON, or
   * plain JSON.
   *
   * @throws ProtocolException naming {@code where} and the bad field: not gzip or JSON, expanding
   *     past 16 MiB, a format above {@value #FORMAT}, a missing or invalid field, a bad target key,
   *     a count that is not a whole number in 0..{@value #MAX_SAMPLES}, a key given twice
   */
  public static SampleReport decode(String where, byte[] value) {
    if (value == null || value.length == 0) {
      throw new ProtocolException(where + ": empty value");
    }
    byte[] json =
        (value[0] & 0xff) == 0x1f ? Gzip.decompress(where, value, MAX_EXPANDED_BYTES) : value;
    JsonNode root;
    try {
      root = READER.readTree(json);
    } catch (IOException e) {
      throw Json.error(where, e);
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException(where + ": expected a JSON object");
    }
    long format = whole(where, root, "format", Integer.MAX_VALUE);
    if (format > FORMAT) {
      throw new ProtocolException(
          where + ": format " + format + " is newer than this build reads (" + FORMAT + ")");
    }
    JsonNode samples = root.get("samples");
    if (samples == null || !samples.isObject()) {
      throw new ProtocolException(where + ": samples: expected an object of target key → count");
    }
    Map<String, Long> read = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = samples.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String field = "samples[" + Names.quote(e.getKey()) + "]";
      read.put(e.getKey(), whole(where, field, e.getValue(), MAX_SAMPLES));
    }
    try {
      return new SampleReport(
          text(where, root, "node"),
          whole(where, root, "generation", Long.MAX_VALUE),
          Instant.parse(text(where, root, "measured_at")),
          Durations.parse("interval", text(where, root, "interval")),
          read,
          (int) whole(where, root, "omitted", Integer.MAX_VALUE),
          (int) whole(where, root, "unmeasured", Integer.MAX_VALUE));
    } catch (DateTimeParseException e) {
      throw new ProtocolException(
          where + ": measured_at: expected an RFC 3339 time, found " + root.get("measured_at"));
    } catch (ProtocolException e) {
      throw new ProtocolException(where + ": " + e.getMessage(), e);
    }
  }

  private static void checkKey(String key) {
    int slash = key == null ? -1 : key.indexOf('/');
    if (slash < 0 || !Names.isValid(key.substring(0, slash))) {
      throw new ProtocolException(
          "samples: expected a target key <job>/<address>, found " + Names.quote(key));
    }
    TargetChecks.addressProblem(key.substring(slash + 1), true)
        .ifPresent(
            p -> {
              throw new ProtocolException("samples[" + Names.quote(key) + "]: " + p);
            });
  }

  private static long whole(String where, JsonNode root, String field, long max) {
    return whole(where, field, root.get(field), max);
  }

  /** {@code n} as a whole number in 0..max; else a ProtocolException naming {@code field}. */
  private static long whole(String where, String field, JsonNode n, long max) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
      throw new ProtocolException(
          where + ": " + field + ": expected a whole number >= 0, found " + n);
    }
    if (n.asLong() > max) {
      throw new ProtocolException(
          where + ": " + field + ": expected at most " + max + ", found " + n.asLong());
    }
    return n.asLong();
  }

  private static String text(String where, JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n == null || !n.isTextual()) {
      throw new ProtocolException(where + ": " + field + ": expected a string, found " + n);
    }
    return n.asText();
  }
}
