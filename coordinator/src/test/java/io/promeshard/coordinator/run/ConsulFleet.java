package io.promeshard.coordinator.run;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.consul.ConsulConfig;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Test helper: registers fake Prometheus nodes with TTL checks and reads back what is published.
 */
final class ConsulFleet implements AutoCloseable {
  final ConsulHttp http;
  final KvClient kv;
  final KvLayout layout = KvLayout.defaults();

  ConsulFleet(String url) {
    http = ConsulHttp.create(ConsulSettings.of(url));
    kv = new KvClient(http);
  }

  /**
   * A fleet on {@code consul} with an empty KV and none of the nodes p1..p5 an earlier test
   * registered.
   */
  static ConsulFleet cleared(ConsulExtension consul) {
    consul.clearKv();
    ConsulFleet fleet = new ConsulFleet(consul.url());
    for (int i = 1; i <= 5; i++) {
      fleet.deregister("p" + i);
    }
    return fleet;
  }

  void register(String node, double weight, String zone) {
    register(node, weight, zone, "");
  }

  /** Registers {@code node} with Meta {@code max_series} as given ("" for none). */
  void register(String node, double weight, String zone, String maxSeries) {
    String body =
        "{\"ID\":\""
            + node
            + "\",\"Name\":\"prome-shard-node\",\"Port\":9090,\"Address\":\"127.0.0.1\","
            + "\"Meta\":{\"weight\":\""
            + weight
            + "\",\"zone\":\""
            + zone
            + (maxSeries.isEmpty() ? "" : "\",\"max_series\":\"" + maxSeries)
            + "\"},"
            + "\"Check\":{\"CheckID\":\"ttl-"
            + node
            + "\",\"TTL\":\"10m\",\"Status\":\"passing\"}}";
    put("agent/service/register", body);
  }

  void pass(String node) {
    put("agent/check/pass/ttl-" + node, "");
  }

  void fail(String node) {
    put("agent/check/fail/ttl-" + node, "");
  }

  /** Deregisters {@code node}; a node that was never registered is fine. */
  void deregister(String node) {
    try {
      put("agent/service/deregister/" + node, "");
    } catch (IllegalStateException e) {
      if (!e.getMessage().contains("HTTP 404")) {
        throw e;
      }
    }
  }

  void putKv(String key, String value) {
    try {
      kv.put(key, value.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shares as published now (complete snapshots only). */
  Map<String, NodeShare> published() {
    try {
      return StoredShares.decode(new Publisher(kv, new TxnWriter(http), layout).readStored())
          .shares();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest published for {@code node} now. */
  NodeManifest manifest(String node) {
    try {
      return new Publisher(kv, new TxnWriter(http), layout)
          .readStored()
          .nodes()
          .get(node)
          .manifest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code status/coordinator} as written now, or null when absent or unreadable. */
  CoordinatorStatus coordinatorStatus() {
    try {
      return kv.get(layout.coordinatorStatus())
          .map(e -> Json.decode(e.key(), e.value(), CoordinatorStatus.class))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A coordinator's configuration for tests: this Consul, metrics on a free port, short timings.
   */
  static CoordinatorConfig coordinatorConfig(String consulUrl) {
    return new CoordinatorConfig(
        new ConsulConfig(consulUrl, null, null),
        null,
        "127.0.0.1:0",
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }

  private void put(String path, String body) {
    Request request =
        new Request.Builder()
            .url(http.url(path).build())
            .put(RequestBody.create(body, MediaType.get("application/json")))
            .build();
    try (Response response = http.client().newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IllegalStateException(
            path + ": HTTP " + response.code() + " " + response.body().string());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
