package io.promeshard.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promeshard.protocol.ProtocolException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code query_log}: the local Prometheus' query log ({@code query_log_file} in prometheus.yml or
 * {@code --query.log-file}) the agent follows, and what it reports of it under {@code
 * reports/<node>/queries}: the distinct expressions that took at least {@code min_duration}, at
 * most {@code max_queries} (the slowest) per report, at most one report per {@code
 * report_interval}. Absent: the agent reads no query log.
 */
public record QueryLogSettings(
    Path file, Duration minDuration, Duration reportInterval, int maxQueries) {
  public static final Duration DEFAULT_MIN_DURATION = Duration.ofSeconds(1);
  public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofMinutes(5);
  public static final Duration MIN_REPORT_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_QUERIES = 100;
  public static final int MAX_QUERIES = 1000;

  /** Bytes of expressions one report may carry (Consul values are at most 512 KiB). */
  public static final int MAX_REPORT_BYTES = 256 * 1024;

  public QueryLogSettings {
    if (file == null || file.toString().isBlank()) {
      throw new ProtocolException("query_log.file: expected the path of Prometheus' query log");
    }
    file = file.toAbsolutePath().normalize();
    if (minDuration == null || minDuration.isNegative()) {
      throw new ProtocolException(
          "query_log.min_duration: expected a duration >= 0, found " + minDuration);
    }
    if (reportInterval == null || reportInterval.compareTo(MIN_REPORT_INTERVAL) < 0) {
      throw new ProtocolException(
          "query_log.report_interval: expected at least "
              + MIN_REPORT_INTERVAL.toSeconds()
              + "s, found "
              + reportInterval);
    }
    if (maxQueries < 1 || maxQueries > MAX_QUERIES) {
      throw new ProtocolException(
          "query_log.max_queries: expected 1.." + MAX_QUERIES + ", found " + maxQueries);
    }
  }

  /** The {@code query_log} block of agent.yml as written; every key but {@code file} optional. */
  public record File(
      String file,
      @JsonProperty("min_duration") Duration minDuration,
      @JsonProperty("report_interval") Duration reportInterval,
      @JsonProperty("max_queries") Integer maxQueries) {

    /** With defaults applied and values checked. */
    QueryLogSettings resolve() {
      if (file == null || file.isBlank() || file.indexOf('\0') >= 0) {
        throw new ProtocolException(
            "query_log.file: expected the path of Prometheus' query log, found \""
                + (file == null ? "" : file)
                + "\"");
      }
      return new QueryLogSettings(
          Path.of(file),
          minDuration == null ? DEFAULT_MIN_DURATION : minDuration,
          reportInterval == null ? DEFAULT_REPORT_INTERVAL : reportInterval,
          maxQueries == null ? DEFAULT_MAX_QUERIES : maxQueries);
    }
  }
}
