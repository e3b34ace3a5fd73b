package io.promeshard.coordinator.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongSupplier;

/**
 * Where one dispatch spent its time: each phase (decide, shares, guard, plan, write, ...) is timed
 * from the end of the previous one, so the phases add up to the dispatch. Used by the dispatcher
 * thread only; the result goes to a DEBUG log line and a histogram per phase.
 */
final class DispatchPhases {
  private final LongSupplier nanos;
  private final Map<String, Long> took = new LinkedHashMap<>();
  private long mark;

  DispatchPhases(LongSupplier nanos) {
    this.nanos = nanos;
    this.mark = nanos.getAsLong();
  }

  static DispatchPhases start() {
    return new DispatchPhases(System::nanoTime);
  }

  /** Ends {@code phase} now; the next phase starts here. */
  void end(String phase) {
    long now = nanos.getAsLong();
    took.merge(phase, now - mark, Long::sum);
    mark = now;
  }

  /** Seconds per phase, in the order the phases ended. */
  Map<String, Double> seconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    took.forEach((phase, n) -> out.put(phase, n / 1e9));
    return out;
  }

  /** For a log line: {@code decide 1 ms, shares 40 ms, ...}. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ");
    took.forEach((phase, n) -> j.add(phase + " " + Math.round(n / 1e6) + " ms"));
    return j.toString();
  }
}
