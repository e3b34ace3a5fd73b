package io.promeshard.coordinator.membership;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fetcher;
import io.promeshard.protocol.consul.HealthClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One (blocking) read of {@code /v1/health/service/<node_service>} without the {@code passing}
 * filter, so maintenance can be told from failure: node name = service ID, weight and zone from the
 * service Meta. Invalid IDs are skipped and bad weights replaced by 1, each noted in the snapshot's
 * problems; a failed or malformed reply is an IOException naming the service.
 */
final class NodeHealthFetcher implements Fetcher<HealthSnapshot> {
  static final String NODE_MAINTENANCE = "_node_maintenance";
  static final String SERVICE_MAINTENANCE = "_service_maintenance:";
  static final double DEFAULT_WEIGHT = 1.0;

  private final HealthClient health;
  private final HealthClient.Query query;
  private final CallHandle handle = new CallHandle();

  NodeHealthFetcher(HealthClient health, String service) {
    this.health = health;
    this.query = HealthClient.Query.all(service);
  }

  @Override
  public ConsulResponse<HealthSnapshot> fetch(long index, Duration wait) throws IOException {
    ConsulResponse<JsonNode> reply = health.service(query, index, wait, handle);
    return new ConsulResponse<>(parse(reply.value()), reply.index());
  }

  @Override
  public void cancel() {
    handle.cancel();
  }

  /**
   * Maps a health reply; an instance registered twice (two Consul nodes) counts at its best state
   * and is noted.
   */
  static HealthSnapshot parse(String what, byte[] body) throws IOException {
    return parse(ConsulHttp.jsonArray(what, body));
  }

  static HealthSnapshot parse(JsonNode root) {
    Map<String, Member> healthy = new HashMap<>();
    Set<String> unhealthy = new HashSet<>();
    Set<String> draining = new HashSet<>();
    Set<String> seen = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode entry : root) {
      JsonNode svc = entry.path("Service");
      String id = svc.path("ID").asText("");
      String consulNode = entry.path("Node").path("Node").asText("?");
      if (!Names.isValid(id)) {
        problems.add(
            "service ID \""
                + id
                + "\" on Consul node "
                + consulNode
                + " is not a valid node name (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127}); skipped");
        continue;
      }
      if (!seen.add(id)) {
        problems.add(
            "node "
                + id
                + " is registered more than once (again on Consul node "
                + consulNode
                + "); using its best state");
      }
      RawHealth state = state(id, entry.path("Checks"));
      if (state == RawHealth.DRAINING || draining.contains(id)) {
        healthy.remove(id);
        unhealthy.remove(id);
        draining.add(id);
      } else if (state == RawHealth.HEALTHY) {
        unhealthy.remove(id);
        healthy.putIfAbsent(
            id,
            new Member(
                id,
                weight(id, svc.path("Meta"), problems),
                svc.path("Meta").path("zone").asText("")));
      } else if (!healthy.containsKey(id)) {
        unhealthy.add(id);
      }
    }
    return new HealthSnapshot(healthy, unhealthy, draining, problems);
  }

  private static RawHealth state(String id, JsonNode checks) {
    boolean allPassing = true;
    for (JsonNode check : checks) {
      String checkId = check.path("CheckID").asText("");
      String status = check.path("Status").asText("");
      boolean maintenance =
          checkId.equals(NODE_MAINTENANCE) || checkId.equals(SERVICE_MAINTENANCE + id);
      if (maintenance && status.equals("critical")) {
        return RawHealth.DRAINING;
      }
      allPassing &= status.equals("passing");
    }
    return allPassing ? RawHealth.HEALTHY : RawHealth.UNHEALTHY;
  }

  private static double weight(String id, JsonNode meta, List<String> problems) {
    String raw = meta.path("weight").asText("").strip();
    if (raw.isEmpty()) {
      return DEFAULT_WEIGHT;
    }
    try {
      double w = Double.parseDouble(raw);
      if (w > 0 && !Double.isInfinite(w)) {
        return w;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(
        "node "
            + id
            + ": Meta weight \""
            + raw
            + "\" is not a positive number; using "
            + DEFAULT_WEIGHT);
    return DEFAULT_WEIGHT;
  }
}
