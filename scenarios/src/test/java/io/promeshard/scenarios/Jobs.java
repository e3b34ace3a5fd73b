package io.promeshard.scenarios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promeshard.protocol.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Job specs as an operator types them into the Consul UI ({@code config/jobs/<job>}), with
 * synthetic loopback targets: addresses in 127.1.0.0/16 on a port nothing listens on, so Prometheus
 * marks them down without any traffic leaving the machine.
 */
final class Jobs {
  private Jobs() {}

  /**
   * {@code count} addresses numbered from {@code from}: 127.1.&lt;n/250&gt;.&lt;n%250+1&gt;:port.
   */
  static List<String> addresses(int from, int count, int port) {
    List<String> out = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      out.add(String.format(Locale.ROOT, "127.1.%d.%d:%d", n / 250, n % 250 + 1, port));
    }
    return out;
  }

  /** A job with one static source holding {@code targets} in one group. */
  static String spec(Collection<String> targets) {
    return spec(targets, "kind", "synthetic");
  }

  /**
   * A job with one static source holding {@code targets} in one group labelled {@code label=value}
   * (a long value makes every published target that much larger).
   */
  static String spec(Collection<String> targets, String label, String value) {
    return spec(targets, label, value, 1);
  }

  /** A job with one static source holding {@code targets}, each costing {@code weight}. */
  static String spec(Collection<String> targets, double weight) {
    return spec(targets, "kind", "synthetic", weight);
  }

  private static String spec(
      Collection<String> targets, String label, String value, double weight) {
    ObjectNode job = Json.MAPPER.createObjectNode();
    if (weight != 1) {
      job.put("weight", weight);
    }
    ObjectNode source = job.putArray("sources").addObject();
    source.put("type", "static");
    ObjectNode group = source.putArray("groups").addObject();
    ArrayNode list = group.putArray("targets");
    targets.forEach(list::add);
    group.putObject("labels").put(label, value);
    job.putObject("labels").put("scenario", "multi-server");
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(job);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("encoding job spec", e);
    }
  }

  /** {@code config/settings} with a short flap_hold (whole seconds). */
  static String settings(java.time.Duration flapHold) {
    return "{\n  \"flap_hold\": \"" + flapHold.toSeconds() + "s\"\n}\n";
  }
}
