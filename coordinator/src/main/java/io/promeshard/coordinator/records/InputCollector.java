package io.promeshard.coordinator.records;

import io.promeshard.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects one input's lines into a {@link ParsedInput}: deduplicates expressions by their exact
 * text, names them, and sets aside empty and oversized ones. Used by one reading thread.
 */
final class InputCollector {
  static final int MAX_SAMPLES = 10;

  private final String source;
  private final RecordNaming naming;
  private final Set<String> seen = new HashSet<>();
  private final List<Candidate> candidates = new ArrayList<>();
  private final List<Rejected> invalid = new ArrayList<>();
  private final List<String> samples = new ArrayList<>();
  private long lines;
  private long malformed;
  private long ruleEvaluations;
  private long belowThreshold;
  private long skipped;
  private long duplicates;

  InputCollector(String source, RecordNaming naming) {
    this.source = source;
    this.naming = naming;
  }

  void line() {
    lines++;
  }

  void malformed(long line, String reason) {
    malformed++;
    if (samples.size() < MAX_SAMPLES) {
      samples.add("line " + line + ": " + reason);
    }
  }

  void ruleEvaluation() {
    ruleEvaluations++;
  }

  void belowThreshold() {
    belowThreshold++;
  }

  void skipped() {
    skipped++;
  }

  /** An expression found on {@code line}: kept, counted as a duplicate, or rejected. */
  void offer(long line, String expr) {
    if (!seen.add(expr)) {
      duplicates++;
      return;
    }
    if (expr.isBlank()) {
      invalid.add(new Rejected(line, "", expr, "empty expression"));
      return;
    }
    int bytes = expr.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Limits.RECORD_EXPR_BYTES) {
      // the same limit a records/<index> value is read with: nothing registered is unpublishable
      invalid.add(
          new Rejected(
              line,
              "",
              expr,
              "expression of " + bytes + " bytes, over the limit of " + Limits.RECORD_EXPR_BYTES));
      return;
    }
    candidates.add(new Candidate(naming.rule(expr), line));
  }

  ParsedInput result() {
    return new ParsedInput(
        source,
        lines,
        malformed,
        samples,
        ruleEvaluations,
        belowThreshold,
        skipped,
        duplicates,
        candidates,
        invalid);
  }
}
