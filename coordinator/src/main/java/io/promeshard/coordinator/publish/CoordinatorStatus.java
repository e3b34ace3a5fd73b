package io.promeshard.coordinator.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What the active coordinator reports under {@code status/coordinator}: leadership, configuration
 * keys rejected (with the reason), failing sources, members and the last dispatch that wrote
 * something. Written only when its content changes, so an idle fleet causes no KV writes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoordinatorStatus(
    String holder,
    long epoch,
    @JsonProperty("config_errors") Map<String, String> configErrors,
    @JsonProperty("source_errors") Map<String, String> sourceErrors,
    List<String> members,
    List<String> pending,
    String problem,
    @JsonProperty("last_dispatch") DispatchSummary lastDispatch) {

  public CoordinatorStatus {
    configErrors = configErrors == null ? Map.of() : Map.copyOf(configErrors);
    sourceErrors = sourceErrors == null ? Map.of() : Map.copyOf(sourceErrors);
    members = members == null ? List.of() : List.copyOf(members);
    pending = pending == null ? List.of() : List.copyOf(pending);
    problem = problem == null ? "" : problem;
  }

  /**
   * A dispatch that changed something: when, how much was assigned and written, and how long it
   * took.
   */
  public record DispatchSummary(
      String at,
      int nodes,
      int targets,
      int rules,
      int moved,
      @JsonProperty("changed_nodes") int changedNodes,
      @JsonProperty("keys_written") int keysWritten,
      @JsonProperty("bytes_written") long bytesWritten,
      @JsonProperty("duration_ms") long durationMs) {}
}
