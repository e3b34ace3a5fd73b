package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What an agent reports under {@code status/<node>}: the generation it applied, every file it
 * manages with its entry count and sha256, the last reload, the last error (empty when none) and
 * the rules Prometheus rejected and the agent left out (omitted when none). Read leniently: fields
 * a newer agent adds are ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeStatus(
    String node,
    @JsonProperty("applied_generation") long appliedGeneration,
    long epoch,
    List<FileStatus> files,
    Reload reload,
    @JsonProperty("last_error") String lastError,
    @JsonProperty("updated_at") String updatedAt,
    @JsonProperty("rejected_rules") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        List<RejectedRule> rejectedRules) {

  public NodeStatus {
    Names.node(node);
    files = files == null ? List.of() : List.copyOf(files);
    lastError = lastError == null ? "" : lastError;
    updatedAt = updatedAt == null ? "" : updatedAt;
    rejectedRules = rejectedRules == null ? List.of() : List.copyOf(rejectedRules);
  }

  /** A status without rejected rules. */
  public static NodeStatus of(
      String node,
      long appliedGeneration,
      long epoch,
      List<FileStatus> files,
      Reload reload,
      String lastError,
      String updatedAt) {
    return new NodeStatus(
        node, appliedGeneration, epoch, files, reload, lastError, updatedAt, List.of());
  }

  /**
   * One rendered file: {@code kind} is "targets" or "rules", {@code count} its targets or rules.
   */
  public record FileStatus(String path, String kind, int count, String sha256) {}

  /** The last reload: when, whether Prometheus accepted it, and its error message if not. */
  public record Reload(String at, boolean ok, String message) {}

  /** A recording rule left out of the node's rule files because Prometheus rejected it. */
  public record RejectedRule(String group, String record, String error) {}
}
