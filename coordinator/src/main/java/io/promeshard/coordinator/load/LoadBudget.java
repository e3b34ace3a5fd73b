package io.promeshard.coordinator.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The moves re-weighing has spent in the last hour ({@code max_load_moves_per_hour}): a sliding
 * window of (time, moves). Immutable and pure: time is an argument; the dispatcher thread owns the
 * current value. Throws IllegalArgumentException for negative moves or limits.
 */
public final class LoadBudget {
  /** The window the limit applies to. */
  public static final Duration WINDOW = Duration.ofHours(1);

  /** The smallest default limit: a small fleet still converges within a few hours. */
  private static final LoadBudget EMPTY = new LoadBudget(List.of());

  /** Moves spent at one dispatch. */
  public record Spent(Instant at, int moves) {}

  private final List<Spent> spent;

  private LoadBudget(List<Spent> spent) {
    this.spent = spent;
  }

  public static LoadBudget empty() {
    return EMPTY;
  }

  /** Moves spent in the window ending at {@code now}. */
  public int spent(Instant now) {
    Instant from = now.minus(WINDOW);
    int sum = 0;
    for (Spent s : spent) {
      if (s.at().isAfter(from)) {
        sum += s.moves();
      }
    }
    return sum;
  }

  /** What is left of {@code perHour} at {@code now}, never below 0. */
  public int remaining(Instant now, int perHour) {
    if (perHour < 0) {
      throw new IllegalArgumentException("load budget: limit must be >= 0, found " + perHour);
    }
    return Math.max(0, perHour - spent(now));
  }

  /** The budget after spending {@code moves} at {@code now}; moves older than the window go. */
  public LoadBudget spend(Instant now, int moves) {
    if (moves < 0) {
      throw new IllegalArgumentException("load budget: moves must be >= 0, found " + moves);
    }
    Instant from = now.minus(WINDOW);
    List<Spent> next = new ArrayList<>();
    for (Spent s : spent) {
      if (s.at().isAfter(from)) {
        next.add(s);
      }
    }
    if (moves > 0) {
      next.add(new Spent(now, moves));
    }
    return next.size() == spent.size() && moves == 0 ? this : new LoadBudget(List.copyOf(next));
  }
}
