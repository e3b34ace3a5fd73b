package io.promeshard.coordinator.records;

import io.promeshard.protocol.QueryLogLine;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads a Prometheus query log ({@code query_log_file}: one JSON object per line, the expression in
 * {@code params.query}, the engine time in {@code stats.timings.evalTotalTime}, seconds) and keeps
 * the queries that took at least the threshold. Queries run by rule groups (lines with {@code
 * ruleGroup}) are already rules and are skipped; lines that are not such objects are counted as
 * malformed.
 */
public final class QueryLogReader {
  private QueryLogReader() {}

  public static ParsedInput read(Path file, Duration minDuration, RecordNaming naming)
      throws IOException {
    if (minDuration == null || minDuration.isNegative()) {
      throw new IllegalArgumentException(
          "--min-duration: expected a duration >= 0, found " + minDuration);
    }
    BigDecimal threshold = BigDecimal.valueOf(minDuration.toNanos(), 9);
    InputCollector out = new InputCollector("query log " + file, naming);
    InputLines.forEach(
        "query log",
        file,
        (number, bytes, truncated) -> {
          out.line();
          if (truncated) {
            out.malformed(number, "longer than " + InputLines.MAX_LINE_BYTES + " bytes");
            return;
          }
          accept(out, number, bytes, threshold);
        });
    return out.result();
  }

  private static void accept(InputCollector out, long number, byte[] bytes, BigDecimal threshold) {
    QueryLogLine line = QueryLogLine.parse(bytes);
    if (line instanceof QueryLogLine.Query q) {
      if (q.seconds().compareTo(threshold) < 0) {
        out.belowThreshold();
      } else {
        out.offer(number, q.expr());
      }
    } else if (line instanceof QueryLogLine.Malformed m) {
      out.malformed(number, m.reason());
    } else if (line instanceof QueryLogLine.RuleEvaluation) {
      out.ruleEvaluation();
    } else {
      out.skipped();
    }
  }
}
