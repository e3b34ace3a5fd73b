package io.promeshard.coordinator.source.consul;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.coordinator.config.ConsulSourceSpec;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fetcher;
import io.promeshard.protocol.consul.HealthClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One blocking read of {@code /v1/health/service/<service>?passing=true&tag=..&dc=..}, mapped to
 * one target per passing instance at the service address (the node address when the service has
 * none) and the service port, with a small set of Prometheus consul_sd meta labels: {@code
 * __meta_consul_service}, {@code __meta_consul_service_id}, {@code __meta_consul_node}, {@code
 * __meta_consul_address} (node), {@code __meta_consul_service_address}, {@code
 * __meta_consul_service_port}, {@code __meta_consul_tags} ({@code ,a,b,}), {@code __meta_consul_dc}
 * and {@code __meta_consul_service_metadata_<key>} (key sanitised to a label name); empty values
 * are left out. Instances without an address or a port are skipped and counted. Instances are
 * ordered by node, then service ID. A failed or malformed reply is an IOException.
 */
final class ConsulHealthFetcher implements Fetcher<ConsulHealthFetcher.Instances> {
  static final String META = "__meta_consul_";

  /** The targets, and the instances skipped because they have no address or port. */
  record Instances(List<TargetGroup> groups, int skipped) {
    Instances {
      groups = List.copyOf(groups);
    }
  }

  private final HealthClient health;
  private final HealthClient.Query query;
  private final CallHandle handle = new CallHandle();

  ConsulHealthFetcher(HealthClient health, ConsulSourceSpec spec) {
    this.health = health;
    this.query = new HealthClient.Query(spec.service(), true, spec.tags(), spec.datacenter());
  }

  @Override
  public ConsulResponse<Instances> fetch(long index, Duration wait) throws IOException {
    ConsulResponse<JsonNode> reply = health.service(query, index, wait, handle);
    return new ConsulResponse<>(map(reply.value()), reply.index());
  }

  @Override
  public void cancel() {
    handle.cancel();
  }

  static Instances map(JsonNode root) {
    List<JsonNode> entries = new ArrayList<>();
    root.forEach(entries::add);
    entries.sort(
        Comparator.comparing((JsonNode e) -> e.path("Node").path("Node").asText())
            .thenComparing(e -> e.path("Service").path("ID").asText()));
    List<TargetGroup> groups = new ArrayList<>();
    int skipped = 0;
    for (JsonNode entry : entries) {
      JsonNode node = entry.path("Node");
      JsonNode service = entry.path("Service");
      int port = service.path("Port").asInt(0);
      String address = service.path("Address").asText("");
      String host = address.isEmpty() ? node.path("Address").asText("") : address;
      if (host.isEmpty() || port <= 0) {
        skipped++;
        continue;
      }
      groups.add(
          TargetGroup.of(
              (host.contains(":") ? "[" + host + "]" : host) + ":" + port, labels(node, service)));
    }
    return new Instances(groups, skipped);
  }

  private static Map<String, String> labels(JsonNode node, JsonNode service) {
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, "service", service.path("Service").asText(""));
    put(labels, "service_id", service.path("ID").asText(""));
    put(labels, "node", node.path("Node").asText(""));
    put(labels, "address", node.path("Address").asText(""));
    put(labels, "service_address", service.path("Address").asText(""));
    put(labels, "service_port", Integer.toString(service.path("Port").asInt(0)));
    put(labels, "dc", node.path("Datacenter").asText(""));
    List<String> tags = new ArrayList<>();
    service.path("Tags").forEach(t -> tags.add(t.asText()));
    if (!tags.isEmpty()) {
      labels.put(META + "tags", "," + String.join(",", tags) + ",");
    }
    service
        .path("Meta")
        .fields()
        .forEachRemaining(
            e ->
                put(
                    labels,
                    "service_metadata_" + e.getKey().replaceAll("[^a-zA-Z0-9_]", "_"),
                    e.getValue().asText("")));
    return labels;
  }

  private static void put(Map<String, String> labels, String suffix, String value) {
    if (!value.isEmpty()) {
      labels.put(META + suffix, value);
    }
  }
}
