package io.promeshard.coordinator.records;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code records import}: where the expressions come from, how to name them, and what to write
 * besides the Consul registry. {@code archiveDir} and {@code redis} are null when not wanted;
 * {@code promtool} is empty when no checker is available, which is allowed only with {@code
 * noCheck}: expressions are never registered unchecked by accident. Inconsistent values throw
 * IllegalArgumentException.
 */
public record ImportRequest(
    Source source,
    Path file,
    Duration minDuration,
    RecordNaming naming,
    Path archiveDir,
    URI redis,
    String redisSetKey,
    boolean redisAll,
    Optional<Path> promtool,
    boolean noCheck,
    boolean dryRun) {

  /** The kind of input file. */
  public enum Source {
    QUERY_LOG,
    EXPRS,
    /** The agents' slow-query reports, gathered by the active coordinator: no file. */
    REPORTS
  }

  public static final Duration DEFAULT_MIN_DURATION = Duration.ofSeconds(1);

  /** Why an import without promtool is refused, and the ways out. */
  public static final String PROMTOOL_MISSING =
      "promtool not found: install Prometheus' promtool (on PATH) or give --promtool PATH, "
          + "or pass --no-check to register the expressions unchecked";

  public ImportRequest {
    Objects.requireNonNull(source, "source");
    if (source != Source.REPORTS) {
      Objects.requireNonNull(file, "file");
    }
    Objects.requireNonNull(naming, "naming");
    Objects.requireNonNull(promtool, "promtool");
    if (source != Source.QUERY_LOG && minDuration != null) {
      throw new IllegalArgumentException("--min-duration applies to --query-log only");
    }
    if (source == Source.QUERY_LOG) {
      minDuration = minDuration == null ? DEFAULT_MIN_DURATION : minDuration;
      if (minDuration.isNegative()) {
        throw new IllegalArgumentException(
            "--min-duration: expected a duration >= 0, found " + minDuration);
      }
    }
    redisSetKey = redisSetKey == null ? RedisExport.DEFAULT_SET_KEY : redisSetKey;
    if (redisAll && redis == null) {
      throw new IllegalArgumentException("--redis-all needs --redis");
    }
    if (promtool.isEmpty() && !noCheck) {
      throw new IllegalArgumentException(PROMTOOL_MISSING);
    }
    if (noCheck) {
      promtool = Optional.empty();
    }
  }

  /**
   * An import of an expression file with defaults: no archive, no Redis, checked with {@code
   * promtool} (empty: unchecked, as with {@code --no-check}).
   */
  public static ImportRequest exprs(Path file, Optional<Path> promtool) {
    return new ImportRequest(
        Source.EXPRS,
        file,
        null,
        RecordNaming.defaults(),
        null,
        null,
        null,
        false,
        promtool,
        promtool.isEmpty(),
        false);
  }
}
