package io.promeshard.coordinator.records;

import io.promeshard.protocol.RecordRule;
import java.util.Objects;

/**
 * An expression read from the input, named as a recording rule, with the line it was first seen on
 * (1-based).
 */
public record Candidate(RecordRule rule, long line) {
  public Candidate {
    Objects.requireNonNull(rule, "rule");
    if (line < 1) {
      throw new IllegalArgumentException(
          "candidate " + rule.record() + ": line must be >= 1, found " + line);
    }
  }

  public String record() {
    return rule.record();
  }

  public String expr() {
    return rule.expr();
  }
}
