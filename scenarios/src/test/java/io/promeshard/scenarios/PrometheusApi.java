package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.testkit.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** One GET of a Prometheus HTTP API endpoint: its {@code data}, or a throw naming the answer. */
final class PrometheusApi {
  private PrometheusApi() {}

  static JsonNode data(PrometheusServer prometheus, String pathAndQuery) {
    String body = prometheus.get(pathAndQuery);
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(pathAndQuery + " on " + prometheus + ": not JSON", e);
    }
    if (!"success".equals(root.path("status").asText())) {
      throw new IllegalStateException(pathAndQuery + " on " + prometheus + ": " + body);
    }
    return root.path("data");
  }
}
