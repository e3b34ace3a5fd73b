package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commit record of a node's share, written last: which parts make up generation {@code
 * generation} of leadership term {@code epoch}, each with the sha256 of its stored value. An agent
 * applies a snapshot only when every listed part is present with that checksum. {@code intervals}
 * gives the evaluation interval of rule groups (e.g. {@code "30s"}); a group without one uses the
 * agent's default. {@code scrape} gives the scrape settings of jobs that have their own (see {@link
 * ScrapeSettings}); a manifest with any is written in format 1, because an agent that ignored them
 * would write the job's targets with nothing to scrape them.
 *
 * <p>Manifests and parts are read leniently: a field this build does not know (written by a newer
 * coordinator during a rolling upgrade) is ignored. A newer coordinator adds only fields an older
 * agent may safely ignore; when it must write something an older agent would get wrong, it raises
 * {@code format} above {@link #FORMAT}, and an older agent refuses that share (keeping its files)
 * and says to upgrade it. {@code format} 0, the base format, is not written.
 *
 * <p>Formats: 0 plain JSON parts; 1 ({@link #FORMAT_SCRAPE}) adds {@code scrape}; 2 ({@link
 * #FORMAT_COMPACT}) is the compact layout: parts are gzip-compressed JSON (unless {@code encoding}
 * names another encoding, which this build refuses), checksums are base64url, and {@code
 * delta/<generation>} parts apply on top of the base parts in generation order. A format 2 manifest
 * lists the base parts and at most one delta, the latest: each delta names the one before it with
 * its checksum ({@link ShareDelta#prev}), so the manifest stays two checksums long however many
 * deltas there are, and {@code written_at} is to the second. A manifest of a format this build does
 * not read is not checked further than its numbers, so it is refused with "upgrade the agent"
 * rather than as malformed.
 */
public record NodeManifest(
    @JsonProperty(required = true) long generation,
    @JsonProperty(required = true) long epoch,
    @JsonProperty(required = true) Map<String, String> parts,
    @JsonProperty("written_at") @JsonInclude(JsonInclude.Include.NON_NULL) String writtenAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> intervals,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) Integer format,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, ScrapeSettings> scrape,
    @JsonInclude(JsonInclude.Include.NON_NULL) String encoding) {
  /** The manifest's key relative to {@code nodes/<node>/}. */
  public static final String KEY = "manifest";

  /** The highest manifest format this build reads and writes. */
  public static final int FORMAT = 2;

  /** The format of a manifest with {@code scrape} settings: agents before it would ignore them. */
  public static final int FORMAT_SCRAPE = 1;

  /**
   * The format of the compact layout (encoded parts, delta parts): agents before it cannot read
   * them. It includes {@link #FORMAT_SCRAPE}.
   */
  public static final int FORMAT_COMPACT = 2;

  public NodeManifest {
    if (generation < 0 || epoch < 0) {
      throw new ProtocolException("manifest: generation and epoch must be >= 0");
    }
    format = format == null ? 0 : format;
    if (format < 0) {
      throw new ProtocolException("manifest: format must be >= 0");
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    boolean compressed = compressed(format, encoding);
    String delta = null;
    if (parts != null) {
      for (Map.Entry<String, String> e : parts.entrySet()) {
        // a newer format may name parts and write checksums in ways this build does not know
        if (format <= FORMAT) {
          if (!PartKey.parse(e.getKey()).base()) {
            if (delta != null) {
              throw new ProtocolException(
                  "manifest: lists deltas "
                      + delta
                      + " and "
                      + e.getKey()
                      + "; it lists only the latest, which names the one before it");
            }
            delta = e.getKey();
          }
          boolean valid =
              compressed
                  ? Checksums.isSha256Base64(e.getValue())
                  : Checksums.isSha256Hex(e.getValue());
          if (!valid) {
            throw new ProtocolException(
                "manifest: part "
                    + e.getKey()
                    + " has invalid sha256 "
                    + Names.quote(e.getValue())
                    + (compressed ? " (expected 43 characters of base64url)" : ""));
          }
        }
        sorted.put(e.getKey(), e.getValue());
      }
    }
    parts = Collections.unmodifiableMap(sorted);
    // formats 0 and 1 always carry written_at (as "" when unknown); format 2 leaves it out
    writtenAt = writtenAt == null && format < FORMAT_COMPACT ? "" : writtenAt;
    TreeMap<String, String> byGroup = new TreeMap<>();
    if (intervals != null) {
      intervals.forEach(
          (group, interval) -> {
            Names.group(group);
            Duration d = Durations.parse("manifest: interval of " + group, interval);
            if (d.isZero() || d.isNegative()) {
              throw new ProtocolException("manifest: interval of " + group + " must be positive");
            }
            byGroup.put(group, interval);
          });
    }
    intervals = Collections.unmodifiableMap(byGroup);
    TreeMap<String, ScrapeSettings> byJob = new TreeMap<>();
    if (scrape != null) {
      scrape.forEach(
          (job, settings) -> {
            Names.job(job);
            if (settings == null) {
              throw new ProtocolException("manifest: scrape settings of " + job + " are null");
            }
            byJob.put(job, settings);
          });
    }
    scrape = Collections.unmodifiableMap(byJob);
  }

  public NodeManifest(
      long generation,
      long epoch,
      Map<String, String> parts,
      String writtenAt,
      Map<String, String> intervals,
      Integer format,
      Map<String, ScrapeSettings> scrape) {
    this(generation, epoch, parts, writtenAt, intervals, format, scrape, null);
  }

  public NodeManifest(
      long generation,
      long epoch,
      Map<String, String> parts,
      String writtenAt,
      Map<String, String> intervals,
      Integer format) {
    this(generation, epoch, parts, writtenAt, intervals, format, Map.of());
  }

  public NodeManifest(
      long generation,
      long epoch,
      Map<String, String> parts,
      String writtenAt,
      Map<String, String> intervals) {
    this(generation, epoch, parts, writtenAt, intervals, 0);
  }

  /**
   * The manifest of a share with these rule intervals and scrape settings, in the lowest format
   * that carries them.
   */
  public static NodeManifest of(
      long generation,
      long epoch,
      Map<String, String> parts,
      String writtenAt,
      Map<String, String> intervals,
      Map<String, ScrapeSettings> scrape) {
    return new NodeManifest(
        generation,
        epoch,
        parts,
        writtenAt,
        intervals,
        scrape.isEmpty() ? 0 : FORMAT_SCRAPE,
        scrape);
  }

  /**
   * The manifest of a share in the compact layout: gzip-compressed base parts and at most the
   * latest delta. It has no {@code written_at}: written on every change of its node, it carries
   * only what an agent needs (when a share changed is in {@code status/coordinator}'s last dispatch
   * and in the agent's {@code updated_at}).
   */
  public static NodeManifest compact(
      long generation,
      long epoch,
      Map<String, String> parts,
      Map<String, String> intervals,
      Map<String, ScrapeSettings> scrape) {
    return new NodeManifest(
        generation, epoch, parts, null, intervals, FORMAT_COMPACT, scrape, null);
  }

  /** True when the parts are compressed (the compact layout). */
  public boolean compressed() {
    return compressed(format, encoding);
  }

  /** Format 2 means gzip unless {@code encoding} says otherwise; earlier formats name it. */
  private static boolean compressed(int format, String encoding) {
    return Gzip.ENCODING.equals(encoding) || (encoding == null && format >= FORMAT_COMPACT);
  }

  /** The checksum of {@code value} as this manifest lists it (base64url when compressed). */
  public String checksum(byte[] value) {
    return checksum(compressed(), value);
  }

  /** The checksum of {@code value} as a manifest of the compact layout, or not, lists it. */
  public static String checksum(boolean compact, byte[] value) {
    return compact ? Checksums.sha256Base64(value) : Checksums.sha256Hex(value);
  }

  public NodeManifest(long generation, long epoch, Map<String, String> parts, String writtenAt) {
    this(generation, epoch, parts, writtenAt, Map.of());
  }

  /** True when this build understands everything the manifest's share means. */
  public boolean readable() {
    return format <= FORMAT && (encoding == null || Gzip.ENCODING.equals(encoding));
  }

  /** Rule group intervals as durations. */
  public Map<String, Duration> ruleIntervals() {
    Map<String, Duration> out = new TreeMap<>();
    intervals.forEach((g, d) -> out.put(g, Durations.parse(g, d)));
    return out;
  }
}
