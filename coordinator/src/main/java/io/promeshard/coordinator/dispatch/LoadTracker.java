package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.load.LoadBudget;
import io.promeshard.coordinator.load.LoadModel;
import io.promeshard.coordinator.shard.Assignment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
  private LoadModel model = LoadModel.empty();
  private LoadBudget budget = LoadBudget.empty();

  /** Whether the last published dispatch placed by load; null before the first. */
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
    placedByLoad = load.enabled();
    if (load.enabled()) {
      model = load.model();
      budget = budget.spend(at, load.moves());
    }
  }

  /** Moves spent by re-weighing in the hour before {@code now}. */
  int spent(Instant now) {
    return budget.spent(now);
  }

  private static int targetCount(DispatchInput in) {
    return in.targets().values().stream().mapToInt(List::size).sum();
  }
}
