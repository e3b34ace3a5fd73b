package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.testkit.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the targets a Prometheus scrapes: {@code /api/v1/targets?state=active}, the {@code
 * __address__} of each active target of one scrape pool. An unreadable answer throws.
 */
final class ActiveTargets {
  private ActiveTargets() {}

  static Set<String> of(PrometheusServer prometheus, String scrapePool) {
    String body = prometheus.get("/api/v1/targets?state=active");
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("targets of " + prometheus + ": not JSON", e);
    }
    if (!"success".equals(root.path("status").asText())) {
      throw new IllegalStateException("targets of " + prometheus + ": " + body);
    }
    Set<String> addresses = new TreeSet<>();
    for (JsonNode target : root.path("data").path("activeTargets")) {
      if (scrapePool.equals(target.path("scrapePool").asText())) {
        addresses.add(target.path("discoveredLabels").path("__address__").asText());
      }
    }
    return addresses;
  }
}
