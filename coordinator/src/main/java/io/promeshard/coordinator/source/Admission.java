package io.promeshard.coordinator.source;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Limits;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.TargetChecks;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where targets enter: every target a source reports is checked on its own, and one that cannot be
 * published (an address Prometheus would drop, a label name it would reject, a value or a whole
 * target over {@link Limits}) is rejected with a named error while the rest of the result is kept.
 * Pure.
 */
public final class Admission {
  /** Rejected targets named in status and logs at most, per source. */
  public static final int NAMED_PER_SOURCE = 20;

  /** A target left out: which job and source reported it, its address, the field and why. */
  public record Rejected(String job, String source, String address, String field, String reason) {
    /** One line for logs and status. */
    public String line() {
      return job + " " + source + " " + Names.quote(address) + ": " + field + ": " + reason;
    }
  }

  /** The targets admitted (one address per group) and those rejected. */
  public record Admitted(List<TargetGroup> groups, List<Rejected> rejected) {
    public Admitted {
      groups = List.copyOf(groups);
      rejected = List.copyOf(rejected);
    }
  }

  private Admission() {}

  /** Checks with legacy label names. */
  public static Admitted check(String job, String source, List<TargetGroup> groups) {
    return check(job, source, groups, LabelNameScheme.LEGACY);
  }

  public static Admitted check(
      String job, String source, List<TargetGroup> groups, LabelNameScheme labelNames) {
    List<TargetGroup> admitted = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    for (TargetGroup g : TargetGroups.split(groups)) {
      String address = g.targets().get(0);
      String problem = problem(g, labelNames);
      if (problem == null) {
        admitted.add(g);
      } else {
        int colon = problem.indexOf(": ");
        rejected.add(
            new Rejected(
                job, source, address, problem.substring(0, colon), problem.substring(colon + 2)));
      }
    }
    return new Admitted(admitted, rejected);
  }

  /** "field: reason" for a target that cannot be published, or null. */
  private static String problem(TargetGroup g, LabelNameScheme labelNames) {
    String address = g.targets().get(0);
    // until jobs carry their scrape settings, a URL is taken as a probe target (blackbox style:
    // the job's relabeling passes it as a parameter); anything else must be host:port
    Optional<String> bad = TargetChecks.addressProblem(address, address.contains("://"));
    if (bad.isPresent()) {
      String why = bad.get();
      int quoted = why.startsWith("address \"") ? why.indexOf("\": ") : -1;
      return "address: " + (quoted < 0 ? why : why.substring(quoted + 3));
    }
    long bytes = address.length();
    for (Map.Entry<String, String> label : g.labels().entrySet()) {
      String name = label.getKey();
      Optional<String> badName = TargetChecks.labelNameProblem(name, labelNames);
      if (badName.isPresent()) {
        return "labels: " + badName.get();
      }
      Optional<String> badValue = TargetChecks.labelValueProblem(name, label.getValue());
      if (badValue.isPresent()) {
        return "labels." + name + ": " + badValue.get();
      }
      int valueBytes = label.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (valueBytes > Limits.LABEL_VALUE_BYTES) {
        return "labels."
            + name
            + ": value of "
            + valueBytes
            + " bytes, over the limit of "
            + Limits.LABEL_VALUE_BYTES;
      }
      bytes += name.length() + valueBytes + 6;
    }
    // escaping can grow a value up to six times: encode only when the estimate is near the limit
    if (bytes * 6 > Limits.TARGET_BYTES) {
      int encoded = Json.encode(g).length;
      if (encoded > Limits.TARGET_BYTES) {
        return "target: encodes to " + encoded + " bytes, over the limit of " + Limits.TARGET_BYTES;
      }
    }
    return null;
  }
}
