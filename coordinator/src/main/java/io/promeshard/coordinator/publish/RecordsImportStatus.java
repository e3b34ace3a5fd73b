package io.promeshard.coordinator.publish;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last automatic import of the agents' slow-query reports, under {@code records_auto_import} in
 * {@code status/coordinator}: when it ran and how it ended ({@code ok} or {@code failed} with the
 * error), the candidates each node's report gave, how many distinct candidates that made and where
 * each went (already registered, refused earlier this term, added, refused now, held back by a
 * limit), the registry's size afterwards, and the first few added, refused and held (bounded lists
 * of one line each).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true) // read by `status` of neighbouring versions
public record RecordsImportStatus(
    String at,
    @JsonProperty("duration_ms") long durationMs,
    String result,
    String error,
    Map<String, Integer> candidates,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> malformed,
    int distinct,
    @JsonProperty("already_registered") int alreadyRegistered,
    @JsonProperty("refused_before") int refusedBefore,
    int added,
    int invalid,
    int held,
    @JsonProperty("held_by") String heldBy,
    int registry,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("added_named")
        List<String> addedNamed,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("invalid_named")
        List<String> invalidNamed,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("held_named")
        List<String> heldNamed) {

  /** How many lines each named list holds at most. */
  public static final int NAMED = 10;

  public static final String OK = "ok";
  public static final String FAILED = "failed";

  public RecordsImportStatus {
    candidates = candidates == null ? Map.of() : Map.copyOf(candidates);
    malformed = malformed == null ? Map.of() : Map.copyOf(malformed);
    addedNamed = bounded(addedNamed);
    invalidNamed = bounded(invalidNamed);
    heldNamed = bounded(heldNamed);
  }

  private static List<String> bounded(List<String> lines) {
    return lines == null ? List.of() : List.copyOf(lines.subList(0, Math.min(NAMED, lines.size())));
  }

  /** One line: when, how it ended, and the counts. */
  public String line() {
    return at
        + " "
        + result
        + (error == null || error.isEmpty() ? "" : " (" + error + ")")
        + ": candidates "
        + new TreeMap<>(candidates)
        + ", "
        + distinct
        + " distinct, "
        + added
        + " added, "
        + alreadyRegistered
        + " already registered, "
        + invalid
        + " invalid"
        + (refusedBefore > 0 ? " (+" + refusedBefore + " refused before)" : "")
        + ", "
        + held
        + " held back"
        + (heldBy == null || heldBy.isEmpty() ? "" : " by " + heldBy)
        + "; registry "
        + registry
        + " records";
  }
}
