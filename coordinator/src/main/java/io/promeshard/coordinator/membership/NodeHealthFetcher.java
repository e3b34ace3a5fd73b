package io.promeshard.coordinator.membership;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fetcher;
import io.promeshard.protocol.consul.HealthClient;
import io.promeshard.protocol.consul.HealthEntries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One (blocking) read of {@code /v1/health/service/<node_service>} without the {@code passing}
 * filter, so maintenance can be told from failure: node name = service ID, weight and zone from the
 * service Meta, under a {@link MemberPolicy}. Invalid IDs (and, with node binding, registrations on
 * a Consul node of another name) are skipped, bad weights replaced by 1 and weights over the cap
 * capped, each noted in the snapshot's problems; a name claimed by two live hosts is drained and
 * named in its conflicts. A failed or malformed reply is an IOException naming the service.
 */
final class NodeHealthFetcher implements Fetcher<HealthSnapshot> {
  static final String NODE_MAINTENANCE = "_node_maintenance";
  static final String SERVICE_MAINTENANCE = "_service_maintenance:";
  static final double DEFAULT_WEIGHT = 1.0;

  private final HealthClient health;
  private final HealthClient.Query query;
  private final MemberPolicy policy;
  private final CallHandle handle = new CallHandle();

  NodeHealthFetcher(HealthClient health, String service, MemberPolicy policy) {
    this.health = health;
    this.query = HealthClient.Query.all(service);
    this.policy = policy;
  }

  @Override
  public ConsulResponse<HealthSnapshot> fetch(long index, Duration wait) throws IOException {
    ConsulResponse<JsonNode> reply = health.service(query, index, wait, handle);
    return new ConsulResponse<>(parse(reply.value(), policy), reply.index());
  }

  @Override
  public void cancel() {
    handle.cancel();
  }

  /**
   * Maps a health reply under the default policy; an instance registered twice (two Consul nodes)
   * counts at its best state and is noted, unless both pass their checks (a conflict).
   */
  static HealthSnapshot parse(String what, byte[] body) throws IOException {
    return parse(ConsulHttp.jsonArray(what, body), MemberPolicy.DEFAULT);
  }

  static HealthSnapshot parse(JsonNode root) {
    return parse(root, MemberPolicy.DEFAULT);
  }

  /**
   * Maps a health reply. A node name whose registrations pass their checks on two or more Consul
   * nodes is a conflict: two hosts would read and scrape the same share, so the name is drained
   * (both hosts get an empty share, its targets go to the other nodes) and named in {@code
   * conflicts} until one of them leaves. With {@code policy.bindToConsulNode()} a registration on a
   * Consul node of another name is ignored; weights above {@code policy.maxWeight()} are capped.
   */
  static HealthSnapshot parse(JsonNode root, MemberPolicy policy) {
    Map<String, List<JsonNode>> byId = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    int ignored = 0;
    for (JsonNode entry : root) {
      String id = entry.path("Service").path("ID").asText("");
      String consulNode = entry.path("Node").path("Node").asText("?");
      if (!Names.isValid(id)) {
        problems.add(
            "service ID \""
                + id
                + "\" on Consul node "
                + consulNode
                + " is not a valid node name (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127}); skipped");
        ignored++;
      } else if (policy.bindToConsulNode() && !consulNode.equals(id)) {
        problems.add(
            "node "
                + id
                + " is registered on Consul node "
                + where(entry)
                + ", not on a Consul node named "
                + id
                + "; ignored (node_binding consul_node)");
        ignored++;
      } else {
        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
      }
    }
    Map<String, Member> healthy = new HashMap<>();
    Set<String> unhealthy = new HashSet<>();
    Set<String> draining = new HashSet<>();
    Map<String, String> conflicts = new TreeMap<>();
    byId.forEach(
        (id, entries) -> {
          List<JsonNode> passing =
              entries.stream()
                  .filter(e -> state(id, e.path("Checks")) == RawHealth.HEALTHY)
                  .toList();
          if (passing.size() > 1) {
            conflicts.put(id, conflict(id, passing));
            draining.add(id);
            return;
          }
          for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            if (i > 0) {
              problems.add(
                  "node "
                      + id
                      + " is registered more than once (again on Consul node "
                      + entry.path("Node").path("Node").asText("?")
                      + "); using its best state");
            }
            RawHealth state = state(id, entry.path("Checks"));
            JsonNode meta = entry.path("Service").path("Meta");
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
                      weight(id, meta, policy.maxWeight(), problems),
                      meta.path("zone").asText(""),
                      maxSeries(id, meta, problems)));
            } else if (!healthy.containsKey(id)) {
              unhealthy.add(id);
            }
          }
        });
    return new HealthSnapshot(healthy, unhealthy, draining, problems, conflicts, ignored);
  }

  /** The line that names both hosts of a conflict, for the log and status. */
  private static String conflict(String id, List<JsonNode> passing) {
    List<String> hosts = new ArrayList<>();
    passing.forEach(e -> hosts.add(where(e)));
    return "node name "
        + id
        + " is claimed by "
        + passing.size()
        + " live registrations: Consul node "
        + String.join(" and Consul node ", hosts)
        + "; excluded until only one remains (give each host its own node name)";
  }

  /** "consul-node (address a, service b:port)". */
  private static String where(JsonNode entry) {
    return HealthEntries.where(entry, "service");
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

  /**
   * Meta {@code max_series}: a positive whole number, or absent for no limit. A bad value is
   * reported naming the node and ignored (no limit): refusing the node would move all its targets.
   */
  private static long maxSeries(String id, JsonNode meta, List<String> problems) {
    String raw = meta.path("max_series").asText("").strip();
    if (raw.isEmpty()) {
      return 0;
    }
    try {
      long v = Long.parseLong(raw);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(
        "node "
            + id
            + ": Meta max_series \""
            + raw
            + "\" is not a positive whole number; ignored (no series limit)");
    return 0;
  }

  private static double weight(String id, JsonNode meta, double max, List<String> problems) {
    String raw = meta.path("weight").asText("").strip();
    if (raw.isEmpty()) {
      return DEFAULT_WEIGHT;
    }
    try {
      double w = Double.parseDouble(raw);
      if (w > max && !Double.isInfinite(w)) {
        problems.add(
            "node "
                + id
                + ": Meta weight "
                + raw
                + " is above max_weight "
                + max
                + "; using "
                + max);
        return max;
      }
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
