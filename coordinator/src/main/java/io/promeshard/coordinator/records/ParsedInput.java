package io.promeshard.coordinator.records;

import java.util.List;
import java.util.Objects;

/**
 * What reading a query log or an expression file gave: the unique candidate expressions in input
 * order and a count for every line that did not become one. {@code malformedSamples} holds the
 * first few malformed lines' numbers and reasons, for the operator.
 */
public record ParsedInput(
    String source,
    long lines,
    long malformed,
    List<String> malformedSamples,
    long ruleEvaluations,
    long belowThreshold,
    long skipped,
    long duplicates,
    List<Candidate> candidates,
    List<Rejected> invalid) {

  public ParsedInput {
    Objects.requireNonNull(source, "source");
    malformedSamples = List.copyOf(malformedSamples);
    candidates = List.copyOf(candidates);
    invalid = List.copyOf(invalid);
    if (lines < 0
        || malformed < 0
        || ruleEvaluations < 0
        || belowThreshold < 0
        || skipped < 0
        || duplicates < 0) {
      throw new IllegalArgumentException(source + ": negative count");
    }
  }
}
