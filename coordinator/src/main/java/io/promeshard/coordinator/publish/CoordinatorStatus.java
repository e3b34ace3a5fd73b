package io.promeshard.coordinator.publish;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What the active coordinator reports under {@code status/coordinator}: leadership, configuration
 * keys rejected (with the reason), failing sources, members, the last dispatch that wrote something
 * the dispatch held back, the targets rejected, the node names two hosts claim (each line names
 * both), the handovers in progress, if any, the last ten dispatches that wrote something, the last
 * automatic import of slow queries (when enabled), and, when placing by observed load, what that
 * did ({@code load}). Written only when its content changes, so an idle fleet causes no KV writes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true) // read by `status` of neighbouring versions
public record CoordinatorStatus(
    String holder,
    long epoch,
    @JsonProperty("config_errors") Map<String, String> configErrors,
    @JsonProperty("source_errors") Map<String, String> sourceErrors,
    List<String> members,
    List<String> pending,
    String problem,
    @JsonProperty("last_dispatch") DispatchSummary lastDispatch,
    HoldSummary hold,
    @JsonProperty("rejected_targets") Rejected rejectedTargets,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("node_conflicts")
        List<String> nodeConflicts,
    HandoverSummary handovers,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("recent_dispatches")
        List<DispatchSummary> recentDispatches,
    @JsonProperty("records_auto_import") RecordsImportStatus recordsAutoImport,
    LoadSummary load) {

  public CoordinatorStatus {
    nodeConflicts = nodeConflicts == null ? List.of() : List.copyOf(nodeConflicts);
    configErrors = configErrors == null ? Map.of() : Map.copyOf(configErrors);
    sourceErrors = sourceErrors == null ? Map.of() : Map.copyOf(sourceErrors);
    members = members == null ? List.of() : List.copyOf(members);
    pending = pending == null ? List.of() : List.copyOf(pending);
    problem = problem == null ? "" : problem;
    recentDispatches = recentDispatches == null ? List.of() : List.copyOf(recentDispatches);
  }

  /**
   * Targets left out because they cannot be published (bad address, label, or over a size limit):
   * how many, and the first of them by job, source, address, field and reason.
   */
  public record Rejected(int count, List<String> named) {
    public Rejected {
      named = named == null ? List.of() : List.copyOf(named);
    }
  }

  /**
   * A dispatch held back because it would remove too much: nothing is written while it lasts.
   * {@code approvable} ones are released by {@code prome-shard-coordinator approve} with this
   * {@code id}; {@code release} says what releases it.
   */
  public record HoldSummary(
      String id,
      String reason,
      boolean approvable,
      int removed,
      int published,
      String release,
      String since) {}

  /**
   * Moves in progress (make-before-break): targets and records published on their new owners while
   * their old owners keep them, how many each new owner has still to take over, when the oldest
   * started and when it times out, and the first few ({@code key [old owners] -> [new owners]}).
   */
  public record HandoverSummary(
      int targets,
      int records,
      @JsonProperty("by_node") Map<String, Integer> byNode,
      String oldest,
      @JsonProperty("times_out") String timesOut,
      List<String> named) {
    public HandoverSummary {
      byNode = byNode == null ? Map.of() : Map.copyOf(byNode);
      named = named == null ? List.of() : List.copyOf(named);
    }
  }

  /**
   * Placement by observed load ({@code load_aware}) as of the last dispatch: targets measured,
   * moves re-weighing made then and in the last hour against {@code max_load_moves_per_hour}, cost
   * changes deferred for lack of budget, targets no server can take under its {@code max_series}
   * (how many, the first few), and per server the estimated series and the most it may be planned.
   */
  public record LoadSummary(
      int measured,
      int moves,
      @JsonProperty("moves_last_hour") int movesLastHour,
      @JsonProperty("moves_per_hour") int movesPerHour,
      int deferred,
      int unplaced,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("unplaced_named")
          List<String> unplacedNamed,
      @JsonProperty("series_by_node") Map<String, Long> seriesByNode,
      @JsonProperty("bound_by_node") Map<String, Long> boundByNode) {
    public LoadSummary {
      unplacedNamed = unplacedNamed == null ? List.of() : List.copyOf(unplacedNamed);
      seriesByNode = seriesByNode == null ? Map.of() : Map.copyOf(seriesByNode);
      boundByNode = boundByNode == null ? Map.of() : Map.copyOf(boundByNode);
    }
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
