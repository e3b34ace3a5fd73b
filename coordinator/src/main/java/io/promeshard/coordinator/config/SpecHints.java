package io.promeshard.coordinator.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Explains the slips people make when writing a job spec from memory of Prometheus' own config: a
 * static source with {@code targets} instead of {@code groups}, {@code labels} at the wrong level,
 * a list where an object belongs, a port written as a word. Consulted only after a spec has failed
 * to decode, it looks at the JSON tree and returns a message naming the path (e.g. {@code
 * sources[1].groups[0]}) and the right shape; when it finds no known slip the decoder's message
 * stands.
 */
final class SpecHints {
  private static final String GROUP_SHAPE = "{\"targets\": [...], \"labels\": {...}}";
  private static final String STATIC_SHAPE =
      "\"sources\": [{\"type\": \"static\", \"groups\": [" + GROUP_SHAPE + "]}]";
  private static final Set<String> JOB_FIELDS =
      Set.of("sources", "labels", "weight", "replicas", "scrape");

  /** Scrape settings people put beside the job's fields instead of in its {@code scrape}. */
  private static final Set<String> SCRAPE_FIELDS =
      Set.of(
          "scrape_interval",
          "scrape_timeout",
          "metrics_path",
          "scheme",
          "params",
          "honor_labels",
          "relabel_configs",
          "metric_relabel_configs");

  private static final Set<String> GROUP_FIELDS = Set.of("targets", "labels");
  private static final Set<String> WITH_REFRESH =
      Set.of(FileSourceSpec.TYPE, HttpSdSourceSpec.TYPE, ServiceTreeSourceSpec.TYPE);
  private static final Map<String, String> PROMETHEUS_SD =
      Map.of(
          "static_configs", StaticSourceSpec.TYPE,
          "file_sd_configs", FileSourceSpec.TYPE,
          "http_sd_configs", HttpSdSourceSpec.TYPE,
          "consul_sd_configs", ConsulSourceSpec.TYPE);

  private SpecHints() {}

  /** The slip in a job spec that failed to decode, if it is one of the known ones. */
  static Optional<String> forJob(byte[] json) {
    JsonNode root = tree(json);
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (JOB_FIELDS.contains(field)) {
        continue;
      }
      if (field.equals("targets") || field.equals("groups")) {
        return Optional.of(
            "unknown field " + quote(field) + ": a job's targets come from " + STATIC_SHAPE);
      }
      if (SCRAPE_FIELDS.contains(field)) {
        return Optional.of(
            "unknown field "
                + quote(field)
                + ": a job's Prometheus scrape settings go in its \"scrape\" object, e.g."
                + " \"scrape\": {"
                + quote(field)
                + ": ...}");
      }
      if (PROMETHEUS_SD.containsKey(field)) {
        return Optional.of(
            "unknown field "
                + quote(field)
                + ": that is Prometheus' scrape config; a job lists \"sources\", here a source"
                + " of \"type\": "
                + quote(PROMETHEUS_SD.get(field)));
      }
    }
    JsonNode labels = root.get("labels");
    if (labels != null && !labels.isObject() && !labels.isNull()) {
      return Optional.of(labelsShape("labels", labels));
    }
    JsonNode sources = root.get("sources");
    if (sources != null && sources.isObject()) {
      return Optional.of(
          "sources: expected a list of sources, e.g. [{\"type\": \"static\", \"groups\": [...]}],"
              + " found an object");
    }
    if (sources != null && sources.isArray()) {
      for (int i = 0; i < sources.size(); i++) {
        Optional<String> hint = forSource("sources[" + i + "]", sources.get(i));
        if (hint.isPresent()) {
          return hint;
        }
      }
    }
    return Optional.empty();
  }

  /** The slip in one source object at {@code path} (e.g. {@code sources[0]}), if known. */
  static Optional<String> forSource(String path, JsonNode source) {
    if (source == null || !source.isObject() || !source.path("type").isTextual()) {
      return Optional.empty();
    }
    String type = source.get("type").asText();
    if (type.equals(StaticSourceSpec.TYPE)) {
      if (source.has("targets")) {
        return Optional.of(
            unknown("targets", path) + ": a static source takes \"groups\": [" + GROUP_SHAPE + "]");
      }
      if (source.has("labels")) {
        return Optional.of(
            unknown("labels", path)
                + ": labels go in each group, \"groups\": ["
                + GROUP_SHAPE
                + "], or in the job's \"labels\" for all its targets");
      }
      return forGroups(path + ".groups", source.get("groups"));
    }
    if (source.has("labels") && !type.equals(ServiceTreeSourceSpec.TYPE)) {
      return Optional.of(
          unknown("labels", path)
              + ": a "
              + type
              + " source takes no labels; set them in the job's \"labels\" for all its targets");
    }
    for (String slip : new String[] {"refresh_interval", "interval"}) {
      if (source.has(slip) && WITH_REFRESH.contains(type)) {
        return Optional.of(
            unknown(slip, path) + ": the field is \"refresh\", e.g. \"refresh\": \"30s\"");
      }
    }
    if (type.equals(ServiceTreeSourceSpec.TYPE)) {
      return forPorts(path, source);
    }
    return Optional.empty();
  }

  private static Optional<String> forGroups(String path, JsonNode groups) {
    if (groups == null || groups.isNull()) {
      return Optional.empty();
    }
    if (!groups.isArray()) {
      return Optional.of(
          path + ": expected a list of groups, [" + GROUP_SHAPE + "], found " + kind(groups));
    }
    for (int j = 0; j < groups.size(); j++) {
      String at = path + "[" + j + "]";
      JsonNode group = groups.get(j);
      if (!group.isObject()) {
        return Optional.of(at + ": expected a group, " + GROUP_SHAPE + ", found " + kind(group));
      }
      for (Iterator<String> it = group.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!GROUP_FIELDS.contains(field)) {
          return Optional.of(unknown(field, at) + ": a group takes " + GROUP_SHAPE);
        }
      }
      JsonNode targets = group.get("targets");
      if (targets != null && !targets.isArray()) {
        return Optional.of(
            at
                + ".targets: expected a list of addresses, e.g. [\"host:9100\"], found "
                + kind(targets));
      }
      JsonNode labels = group.get("labels");
      if (labels != null && !labels.isObject() && !labels.isNull()) {
        return Optional.of(labelsShape(at + ".labels", labels));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> forPorts(String path, JsonNode source) {
    JsonNode port = source.get("default_port");
    if (port != null && !isPort(port)) {
      return Optional.of(path + ".default_port: " + portShape(port));
    }
    JsonNode ports = source.get("ports");
    if (ports != null && ports.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ports.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode value = e.getValue();
        boolean ok = isPort(value);
        if (value.isArray()) {
          ok = true;
          for (JsonNode p : value) {
            ok &= isPort(p);
          }
        }
        if (!ok) {
          return Optional.of(
              path + ".ports." + e.getKey() + ": " + portShape(value) + " (or a list of ports)");
        }
      }
    }
    return Optional.empty();
  }

  /** A number, or a string of digits (which the decoder reads as that number). */
  private static boolean isPort(JsonNode node) {
    return node.isIntegralNumber() || (node.isTextual() && node.asText().matches("[0-9]{1,9}"));
  }

  private static String portShape(JsonNode found) {
    return "expected a port number from 1 to 65535, e.g. 9100, found " + found;
  }

  private static String labelsShape(String path, JsonNode found) {
    return path
        + ": expected an object of label names to values, e.g. {\"env\": \"prod\"}, found "
        + kind(found);
  }

  private static String unknown(String field, String path) {
    return "unknown field " + quote(field) + " at " + path;
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isTextual()) {
      return "the string " + node;
    }
    return node.toString();
  }

  private static String quote(String s) {
    return SpecChecks.quote(s);
  }

  private static JsonNode tree(byte[] json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return null;
    }
  }
}
