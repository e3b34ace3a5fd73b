package io.promeshard.coordinator.source.servicetree;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.coordinator.config.ServiceTreeSourceSpec;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a service-tree answer {@code
 * {"result":[{hash,name,private_ip[],region,account_id,tags{}}]}} into target groups, as the
 * original push system did (seeds/000):
 *
 * <ul>
 *   <li>address {@code private_ip[0]:port} for each port of the instance's {@code stree-app} tag in
 *       the port map, else the default port; an instance without a private IP is skipped and
 *       counted;
 *   <li>labels {@code name}, {@code account} ({@code account_id} through the account map, the raw
 *       id when unmapped), {@code region}, and from the tags {@code env}←{@code env}, {@code
 *       group}←{@code group}, {@code project}←{@code project}, {@code subgroup}←{@code subgroup}; a
 *       label whose value is missing or empty is left out (Prometheus treats empty as absent);
 *   <li>{@code stree_gpa} = {@code <group>.<stree-project>.<stree-app>} from those tags, a missing
 *       part empty.
 * </ul>
 *
 * Unlike the original, an instance without hash, name or tags is kept (it is still a machine to
 * scrape; the missing labels are left out). Instances are ordered by hash, then name, so the output
 * is deterministic. A malformed answer, or one with no instance at all (far more often a glitch
 * than a real empty inventory, and the original treated it as an error too), is a {@link
 * ProtocolException}.
 */
final class ServiceTreeMapping {
  static final String APP_TAG = "stree-app";
  static final String PROJECT_TAG = "stree-project";

  /** Groups plus the number of instances skipped for lack of a private IP. */
  record Mapped(List<TargetGroup> groups, int skipped) {}

  /**
   * The fields of one instance the mapping uses: what is kept of an answer while it is read, so the
   * answer's own size does not stay in memory. {@code ip} is null without a private IP.
   */
  record Instance(
      String hash,
      String name,
      String ip,
      String accountId,
      String region,
      Map<String, String> tags) {}

  private static final List<String> TAGS =
      List.of("env", "group", "project", "subgroup", APP_TAG, PROJECT_TAG);

  private ServiceTreeMapping() {}

  /** The instance {@code result[i]} of an answer; not an object is a ProtocolException. */
  static Instance instance(String where, int i, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new ProtocolException(where + ": result[" + i + "] is not an object");
    }
    Map<String, String> all = tags(node.get("tags"));
    Map<String, String> tags = new LinkedHashMap<>();
    for (String t : TAGS) {
      if (all.containsKey(t)) {
        tags.put(t, all.get(t));
      }
    }
    return new Instance(
        text(node, "hash"),
        text(node, "name"),
        firstIp(node.get("private_ip")),
        text(node, "account_id"),
        text(node, "region"),
        tags);
  }

  static Mapped map(String where, List<Instance> result, ServiceTreeSourceSpec spec) {
    if (result.isEmpty()) {
      throw new ProtocolException(where + ": the service tree returned no instance for this query");
    }
    List<Instance> instances = new ArrayList<>(result);
    instances.sort(Comparator.comparing(Instance::hash).thenComparing(Instance::name));
    List<TargetGroup> groups = new ArrayList<>();
    int skipped = 0;
    for (Instance instance : instances) {
      if (instance.ip() == null) {
        skipped++;
        continue;
      }
      Map<String, String> labels = labels(instance, spec);
      String ip = instance.ip();
      String host = ip.contains(":") ? "[" + ip + "]" : ip;
      for (int port : spec.portsFor(instance.tags().get(APP_TAG))) {
        groups.add(TargetGroup.of(host + ":" + port, labels));
      }
    }
    return new Mapped(groups, skipped);
  }

  private static Map<String, String> labels(Instance instance, ServiceTreeSourceSpec spec) {
    Map<String, String> tags = instance.tags();
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, "name", instance.name());
    String accountId = instance.accountId();
    put(labels, "account", spec.accounts().getOrDefault(accountId, accountId));
    put(labels, "region", instance.region());
    put(labels, "env", tags.get("env"));
    put(labels, "group", tags.get("group"));
    put(labels, "project", tags.get("project"));
    put(labels, "subgroup", tags.get("subgroup"));
    labels.put(
        "stree_gpa",
        orEmpty(tags.get("group"))
            + "."
            + orEmpty(tags.get(PROJECT_TAG))
            + "."
            + orEmpty(tags.get(APP_TAG)));
    return labels;
  }

  private static void put(Map<String, String> labels, String name, String value) {
    if (value != null && !value.isEmpty()) {
      labels.put(name, value);
    }
  }

  private static String firstIp(JsonNode privateIp) {
    JsonNode first =
        privateIp != null && privateIp.isArray() && !privateIp.isEmpty()
            ? privateIp.get(0)
            : privateIp;
    if (first == null || !first.isValueNode() || first.isNull()) {
      return null;
    }
    String ip = first.asText().strip();
    return ip.isEmpty() ? null : ip;
  }

  private static Map<String, String> tags(JsonNode tags) {
    Map<String, String> out = new LinkedHashMap<>();
    if (tags != null && tags.isObject()) {
      tags.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                  out.put(e.getKey(), e.getValue().asText());
                }
              });
    }
    return out;
  }

  /** A scalar field as text ({@code account_id} may be a number), or "" when absent. */
  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || !v.isValueNode() ? "" : v.asText();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
