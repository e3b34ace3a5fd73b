package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file_sd target group: addresses plus the labels they share. Addresses and label names must not
 * be empty; labels are kept sorted so the encoded bytes are deterministic, and both collections are
 * copied (labels into a compact {@link LabelMap}; decoded label values are shared per decode).
 */
public record TargetGroup(
    @JsonProperty(required = true) List<String> targets,
    @JsonDeserialize(contentUsing = PooledStrings.class) Map<String, String> labels) {
  /**
   * Set on the targets of a job with several sources: which source ({@code <index>:<type>}, as in
   * the job spec) reported it, so a coordinator that has not heard from that source yet (after a
   * restart or a takeover) keeps exactly that source's published targets. Prometheus drops {@code
   * __meta_} labels after relabeling.
   */
  public static final String SOURCE_LABEL = "__meta_prome_shard_source";

  public TargetGroup {
    if (targets == null || targets.isEmpty()) {
      throw new ProtocolException("target group: \"targets\" must list at least one address");
    }
    for (String t : targets) {
      if (t == null || t.isBlank()) {
        throw new ProtocolException("target group: empty address in \"targets\"");
      }
    }
    targets = List.copyOf(targets);
    if (labels != null) {
      for (Map.Entry<String, String> e : labels.entrySet()) {
        // which names Prometheus accepts depends on its version and settings: the coordinator
        // checks them per target where targets enter (a bad one is left out on its own)
        if (e.getKey() == null || e.getKey().isEmpty()) {
          throw new ProtocolException(
              "target group: invalid label name " + Names.quote(e.getKey()));
        }
        if (e.getValue() == null) {
          throw new ProtocolException("target group: label " + e.getKey() + " has no value");
        }
      }
    }
    labels = LabelMap.copyOf(labels == null ? Map.of() : labels);
  }

  public static TargetGroup of(String target, Map<String, String> labels) {
    return new TargetGroup(List.of(target), labels);
  }

  /** This group with {@code name} set to {@code value}. */
  public TargetGroup withLabel(String name, String value) {
    TreeMap<String, String> more = new TreeMap<>(labels);
    more.put(name, value);
    return new TargetGroup(targets, more);
  }
}
