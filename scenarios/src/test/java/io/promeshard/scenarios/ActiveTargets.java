package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.testkit.PrometheusServer;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the targets a Prometheus scrapes: {@code /api/v1/targets?state=active}, the {@code
 * __address__} of each active target of one scrape pool. An unreadable answer throws.
 */
final class ActiveTargets {
  private ActiveTargets() {}

  static Set<String> of(PrometheusServer prometheus, String scrapePool) {
    Set<String> addresses = new TreeSet<>();
    JsonNode data = PrometheusApi.data(prometheus, "/api/v1/targets?state=active");
    for (JsonNode target : data.path("activeTargets")) {
      if (scrapePool.equals(target.path("scrapePool").asText())) {
        addresses.add(target.path("discoveredLabels").path("__address__").asText());
      }
    }
    return addresses;
  }
}
