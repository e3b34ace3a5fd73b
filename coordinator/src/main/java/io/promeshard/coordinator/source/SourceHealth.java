package io.promeshard.coordinator.source;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one source of a job, for metrics and {@code status/coordinator}: {@code index} is
 * the position in the job's {@code sources} list; {@code failing} is true when the latest refresh
 * failed (the job then uses the source's last good targets, {@code targets} of them); the times are
 * null until the first success or error.
 */
public record SourceHealth(
    String job,
    int index,
    String type,
    boolean failing,
    String lastError,
    Instant lastErrorTime,
    long errorCount,
    Instant lastSuccess,
    int targets,
    int skipped) {

  public SourceHealth {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(type, "type");
  }

  /** True once the source has delivered at least one result. */
  public boolean reported() {
    return lastSuccess != null;
  }

  /** {@code job/index (type)}, the name used in logs. */
  public String source() {
    return job + "/" + index + " (" + type + ")";
  }
}
