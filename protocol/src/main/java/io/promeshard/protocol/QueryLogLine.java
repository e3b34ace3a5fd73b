package io.promeshard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * One line of a Prometheus query log ({@code query_log_file}): a JSON object with the expression in
 * {@code params.query} and the engine's time in {@code stats.timings.evalTotalTime} (seconds).
 * Queries run by rule groups (lines with {@code ruleGroup}) are already rules. Shared by {@code
 * records import --query-log} and the agent that follows the log.
 */
public sealed interface QueryLogLine {
  /** A query someone ran, and how long the engine took. */
  record Query(String expr, BigDecimal seconds) implements QueryLogLine {}

  /** A rule group's evaluation. */
  record RuleEvaluation() implements QueryLogLine {}

  /** Not a query-log line; {@code reason} says why. */
  record Malformed(String reason) implements QueryLogLine {}

  /** A blank line. */
  record Blank() implements QueryLogLine {}

  /** Parses one line (without its newline). */
  static QueryLogLine parse(byte[] bytes) {
    if (isBlank(bytes)) {
      return new Blank();
    }
    JsonNode entry;
    try {
      entry = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return new Malformed("not JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (entry == null || !entry.isObject()) {
      return new Malformed("not a JSON object");
    }
    JsonNode query = entry.path("params").path("query");
    if (!query.isTextual()) {
      return new Malformed("no params.query string");
    }
    JsonNode eval = entry.path("stats").path("timings").path("evalTotalTime");
    if (!eval.isNumber()) {
      return new Malformed("no stats.timings.evalTotalTime number");
    }
    if (entry.has("ruleGroup")) {
      return new RuleEvaluation();
    }
    return new Query(query.asText(), eval.decimalValue());
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
