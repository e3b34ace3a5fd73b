package io.promeshard.coordinator.records;

import java.util.Objects;

/**
 * An expression that will not be registered and why: empty, too long, or refused by promtool.
 * {@code record} is empty when no name could be given (blank expression).
 */
public record Rejected(long line, String record, String expr, String reason) {
  public Rejected {
    record = record == null ? "" : record;
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(reason, "reason");
  }
}
