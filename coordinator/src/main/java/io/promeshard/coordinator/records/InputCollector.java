package io.promeshard.coordinator.records;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.RecordRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects one input's lines into a {@link ParsedInput}: deduplicates expressions by their exact
 * text, names them, and sets aside empty and oversized ones. Used by one reading thread.
 */
final class InputCollector {
  /**
   * Larger record values (the JSON {@code {"expr","record"}}) are refused: base64-encoded in a txn
   * body, one must fit Consul's 512 KiB limit beside the counter op.
   */
  static final int MAX_VALUE_BYTES = 256 * 1024;

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
    RecordRule rule = naming.rule(expr);
    int bytes = Json.encode(rule).length;
    if (bytes > MAX_VALUE_BYTES) {
      invalid.add(
          new Rejected(
              line,
              rule.record(),
              expr,
              "expression too long: its records/<index> value would be "
                  + bytes
                  + " bytes, over the "
                  + MAX_VALUE_BYTES
                  + "-byte limit"));
      return;
    }
    candidates.add(new Candidate(rule, line));
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
