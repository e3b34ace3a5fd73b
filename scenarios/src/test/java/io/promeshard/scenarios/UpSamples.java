package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.testkit.PrometheusServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads when a Prometheus scraped each target: the timestamps (ms) of the raw {@code up} samples in
 * a time window, by {@code instance} (the target's address, as Fleet's scrape config leaves it).
 * Every scrape, up or down, writes one {@code up} sample; staleness markers are not returned. An
 * unreadable answer throws.
 */
final class UpSamples {
  private UpSamples() {}

  /**
   * Instance → sorted sample timestamps of {@code up} in ({@code fromMillis}, {@code toMillis}].
   */
  static Map<String, List<Long>> of(PrometheusServer prometheus, long fromMillis, long toMillis) {
    return of(prometheus, "up", "instance", fromMillis, toMillis);
  }

  /**
   * Value of {@code label} → sorted sample timestamps of the series {@code selector} selects in
   * ({@code fromMillis}, {@code toMillis}]; e.g. recorded series by {@code __name__}.
   */
  static Map<String, List<Long>> of(
      PrometheusServer prometheus, String selector, String label, long fromMillis, long toMillis) {
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException(
          "empty window: from " + fromMillis + " to " + toMillis + " ms");
    }
    String query = selector + "[" + (toMillis - fromMillis) + "ms]";
    JsonNode data =
        PrometheusApi.data(
            prometheus,
            "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time="
                + String.format(Locale.ROOT, "%.3f", toMillis / 1000.0));
    if (!"matrix".equals(data.path("resultType").asText())) {
      throw new IllegalStateException(query + " on " + prometheus + ": not a matrix: " + data);
    }
    Map<String, List<Long>> byInstance = new TreeMap<>();
    for (JsonNode series : data.path("result")) {
      List<Long> times =
          byInstance.computeIfAbsent(
              series.path("metric").path(label).asText(), i -> new ArrayList<>());
      for (JsonNode sample : series.path("values")) {
        times.add(Math.round(sample.get(0).asDouble() * 1000));
      }
    }
    byInstance.values().forEach(times -> times.sort(null));
    return byInstance;
  }
}
