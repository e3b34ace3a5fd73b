package io.promeshard.coordinator.records;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
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
          if (isBlank(bytes)) {
            out.skipped();
            return;
          }
          accept(out, number, bytes, threshold);
        });
    return out.result();
  }

  private static void accept(InputCollector out, long number, byte[] bytes, BigDecimal threshold) {
    JsonNode entry;
    try {
      entry = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      out.malformed(number, "not JSON (" + firstLine(e.getMessage()) + ")");
      return;
    }
    if (entry == null || !entry.isObject()) {
      out.malformed(number, "not a JSON object");
      return;
    }
    JsonNode query = entry.path("params").path("query");
    if (!query.isTextual()) {
      out.malformed(number, "no params.query string");
      return;
    }
    JsonNode eval = entry.path("stats").path("timings").path("evalTotalTime");
    if (!eval.isNumber()) {
      out.malformed(number, "no stats.timings.evalTotalTime number");
      return;
    }
    if (entry.has("ruleGroup")) {
      out.ruleEvaluation();
      return;
    }
    if (eval.decimalValue().compareTo(threshold) < 0) {
      out.belowThreshold();
      return;
    }
    out.offer(number, query.asText());
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
