package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.testkit.PrometheusServer;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the recording rules a Prometheus has loaded: {@code /api/v1/rules?type=record}, the names
 * of the records of every group. An unreadable answer throws.
 */
final class LoadedRules {
  private LoadedRules() {}

  static Set<String> records(PrometheusServer prometheus) {
    Set<String> names = new TreeSet<>();
    for (JsonNode group :
        PrometheusApi.data(prometheus, "/api/v1/rules?type=record").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        names.add(rule.path("name").asText());
      }
    }
    return names;
  }
}
