package io.promeshard.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Whether the scrapes of moved targets continued across their move, from the timestamps of their
 * {@code up} samples on every server: a target <em>overlapped</em> when its new owner scraped it
 * before its old owner's last scrape (make-before-break), and <em>missed a scrape</em> when the
 * union of every server's samples has a gap longer than 1.5 scrape intervals. Pure: no clock, no
 * I/O; arguments are not modified.
 */
final class ScrapeContinuity {
  /** A gap longer than this many scrape intervals means at least one scrape was missed. */
  static final double MISSED_AFTER_INTERVALS = 1.5;

  /** A target's move from one server to another. */
  record Move(String from, String to) {}

  /**
   * What the samples show for the moved targets. {@code unseenOnOld}/{@code unseenOnNew}: moved
   * targets without any sample on their old/new owner in the window (the window or the harness is
   * wrong: the figures mean nothing for them). {@code longestGap} is zero without any gap.
   */
  record Report(
      int moved,
      SortedSet<String> overlapped,
      SortedSet<String> missed,
      Duration longestGap,
      String longestGapTarget,
      SortedSet<String> unseenOnOld,
      SortedSet<String> unseenOnNew,
      Duration interval) {
    Report {
      overlapped = Collections.unmodifiableSortedSet(new TreeSet<>(overlapped));
      missed = Collections.unmodifiableSortedSet(new TreeSet<>(missed));
      unseenOnOld = Collections.unmodifiableSortedSet(new TreeSet<>(unseenOnOld));
      unseenOnNew = Collections.unmodifiableSortedSet(new TreeSet<>(unseenOnNew));
    }

    /**
     * {@code moved 23, overlapped 5, missed a scrape 4, longest gap 10.5 s (a:1), interval 5 s}.
     */
    String line() {
      return String.format(
          Locale.ROOT,
          "moved %d, overlapped %d, missed a scrape %d, longest gap %.1f s (%s), scrape interval"
              + " %.1f s",
          moved,
          overlapped.size(),
          missed.size(),
          longestGap.toMillis() / 1000.0,
          longestGapTarget == null ? "none" : longestGapTarget,
          interval.toMillis() / 1000.0);
    }
  }

  private ScrapeContinuity() {}

  /**
   * The report for {@code moves} (target → move) given {@code samples}: server → target → the
   * timestamps (ms) of its {@code up} samples on that server, in any order; servers and targets
   * without samples may be absent.
   */
  static Report of(
      Map<String, Map<String, List<Long>>> samples, Map<String, Move> moves, Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("scrape interval must be positive, found " + interval);
    }
    long missedAfter = (long) (MISSED_AFTER_INTERVALS * interval.toMillis());
    SortedSet<String> overlapped = new TreeSet<>();
    SortedSet<String> missed = new TreeSet<>();
    SortedSet<String> unseenOnOld = new TreeSet<>();
    SortedSet<String> unseenOnNew = new TreeSet<>();
    long longest = 0;
    String longestTarget = null;
    for (Map.Entry<String, Move> e : moves.entrySet()) {
      String target = e.getKey();
      List<Long> onOld = on(samples, e.getValue().from(), target);
      List<Long> onNew = on(samples, e.getValue().to(), target);
      if (onOld.isEmpty()) {
        unseenOnOld.add(target);
      }
      if (onNew.isEmpty()) {
        unseenOnNew.add(target);
      }
      if (!onOld.isEmpty() && !onNew.isEmpty() && Collections.min(onNew) < Collections.max(onOld)) {
        overlapped.add(target);
      }
      long gap = longestGap(union(samples, target));
      if (gap > missedAfter) {
        missed.add(target);
      }
      if (gap > longest) {
        longest = gap;
        longestTarget = target;
      }
    }
    return new Report(
        moves.size(),
        overlapped,
        missed,
        Duration.ofMillis(longest),
        longestTarget,
        unseenOnOld,
        unseenOnNew,
        interval);
  }

  private static List<Long> on(
      Map<String, Map<String, List<Long>>> samples, String server, String target) {
    return samples.getOrDefault(server, Map.of()).getOrDefault(target, List.of());
  }

  private static List<Long> union(Map<String, Map<String, List<Long>>> samples, String target) {
    List<Long> all = new ArrayList<>();
    samples.values().forEach(byTarget -> all.addAll(byTarget.getOrDefault(target, List.of())));
    Collections.sort(all);
    return all;
  }

  /** The longest time between consecutive timestamps of a sorted list (0 for fewer than two). */
  static long longestGap(List<Long> sorted) {
    long longest = 0;
    for (int i = 1; i < sorted.size(); i++) {
      longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
    }
    return longest;
  }
}
