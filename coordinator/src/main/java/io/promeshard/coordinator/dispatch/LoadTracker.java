package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.load.LoadBudget;
import io.promeshard.coordinator.load.LoadModel;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.shard.Assignment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The load-aware state that lives from dispatch to dispatch: the load model (smoothed samples,
 * effective costs), the move budget spent in the last hour, and whether the last published dispatch
 * placed by load. {@link #build} places a dispatch with it; {@link #published} keeps what a
 * published dispatch decided (a held or failed dispatch changes nothing, so its cost changes come
 * again). Lives in this process only: a coordinator that starts or takes over begins from the
 * latest samples, without smoothing history, and with a full budget. Owned by the dispatcher
 * thread.
 */
final class LoadTracker {
  /** How many unplaced targets status names. */
  static final int UNPLACED_NAMED = 10;

  private LoadModel model = LoadModel.empty();
  private LoadBudget budget = LoadBudget.empty();

  /**
   * Whether the last published dispatch placed by measured load (on, with some target measured);
   * null before the first. False makes the next dispatch start the targets placed then from their
   * weight-derived costs.
   */
  private Boolean placedByLoad;

  /** The shares of {@code in}, placed by load when {@code load_aware} is on. */
  DispatchOutput build(
      DispatchInput in,
      Map<String, Assignment> previous,
      ShareBuilder.Overlap overlap,
      TargetItems items,
      Map<String, Long> samples,
      Instant now) {
    Settings settings = in.settings();
    if (!settings.loadAware()) {
      return ShareBuilder.build(in, previous, overlap, items);
    }
    int perHour = settings.loadMovesPerHour(targetCount(in));
    return ShareBuilder.build(
        in,
        previous,
        overlap,
        items,
        model.observe(samples, now, settings.loadSmoothing()),
        budget.remaining(now, perHour),
        Boolean.FALSE.equals(placedByLoad));
  }

  /** Keeps what a dispatch built at {@code at} decided, now that it is published. */
  void published(LoadOutcome load, Instant at) {
    placedByLoad = load.enabled() && load.measured() > 0;
    if (load.enabled()) {
      model = load.model();
      budget = budget.spend(at, load.moves());
    }
  }

  /** Moves spent by re-weighing in the hour before {@code now}. */
  int spent(Instant now) {
    return budget.spent(now);
  }

  /** The status of placing {@code in} by load with {@code load} at {@code now}; null when off. */
  CoordinatorStatus.LoadSummary summary(LoadOutcome load, DispatchInput in, Instant now) {
    if (!load.enabled()) {
      return null;
    }
    return new CoordinatorStatus.LoadSummary(
        load.measured(),
        load.moves(),
        budget.spent(now),
        in.settings().loadMovesPerHour(targetCount(in)),
        load.deferred(),
        load.unplaced().size(),
        load.unplaced().subList(0, Math.min(UNPLACED_NAMED, load.unplaced().size())),
        rounded(load.seriesByNode()),
        rounded(load.boundByNode()));
  }

  private static Map<String, Long> rounded(Map<String, Double> values) {
    Map<String, Long> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, Math.round(v)));
    return out;
  }

  private static int targetCount(DispatchInput in) {
    return in.targets().values().stream().mapToInt(List::size).sum();
  }
}
