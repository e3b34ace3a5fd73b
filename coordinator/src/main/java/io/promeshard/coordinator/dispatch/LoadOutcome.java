package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.load.LoadModel;
import java.util.List;
import java.util.Map;

/**
 * What placing by observed load did in one dispatch: the load model to keep if the dispatch is
 * published, the moves re-weighing caused and the cost changes it deferred for lack of budget, the
 * targets no server could take under its {@code max_series}, each server's estimated series (the
 * summed costs of what the sharding gave it) and series bound (its cost bound, or its {@code
 * max_series} when lower), how many targets were measured and the move budget left this hour.
 * {@link #OFF} when {@code load_aware} is off.
 */
public record LoadOutcome(
    boolean enabled,
    LoadModel model,
    int moves,
    int deferred,
    List<String> unplaced,
    Map<String, Double> seriesByNode,
    Map<String, Double> boundByNode,
    int measured,
    int budgetLeft) {
  public static final LoadOutcome OFF =
      new LoadOutcome(false, LoadModel.empty(), 0, 0, List.of(), Map.of(), Map.of(), 0, 0);

  public LoadOutcome {
    unplaced = List.copyOf(unplaced);
    seriesByNode = Map.copyOf(seriesByNode);
    boundByNode = Map.copyOf(boundByNode);
  }
}
