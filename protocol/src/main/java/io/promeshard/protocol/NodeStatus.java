package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What an agent reports under {@code status/<node>}: the generation it applied, every file it
 * manages with its entry count and sha256, the last reload and the last error (empty when none).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatus(
    String node,
    @JsonProperty("applied_generation") long appliedGeneration,
    long epoch,
    List<FileStatus> files,
    Reload reload,
    @JsonProperty("last_error") String lastError,
    @JsonProperty("updated_at") String updatedAt) {

  public NodeStatus {
    Names.node(node);
    files = files == null ? List.of() : List.copyOf(files);
    lastError = lastError == null ? "" : lastError;
    updatedAt = updatedAt == null ? "" : updatedAt;
  }

  /**
   * One rendered file: {@code kind} is "targets" or "rules", {@code count} its targets or rules.
   */
  public record FileStatus(String path, String kind, int count, String sha256) {}

  /** The last reload: when, whether Prometheus accepted it, and its error message if not. */
  public record Reload(String at, boolean ok, String message) {}
}
