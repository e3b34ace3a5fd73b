package io.promeshard.coordinator.records.auto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the automatic import remembers during one leadership term and forgets with it: the records
 * promtool refused, the candidates held back by a limit (carried to the next run, bounded), the
 * ModifyIndex of each node's report already counted, and whether Redis still has to be given the
 * whole registry (at the start of a term, and after a failed write). Used by the importer's thread
 * only.
 */
final class TermMemory {
  /** Refused records remembered per term. */
  static final int REFUSED = 10_000;

  /** Held-back candidates carried to the next run, the slowest kept. */
  static final int CARRIED = 1_000;

  final long epoch;
  final RefusedRecords refused = new RefusedRecords(REFUSED);
  final Map<String, Long> counted = new HashMap<>();
  List<ReportedQuery> carried = List.of();
  Set<String> held = new HashSet<>();
  boolean redisRepair = true;

  TermMemory(long epoch) {
    this.epoch = epoch;
  }

  /**
   * Carries {@code tried} (candidates a failed run could not register) to the next run as well,
   * ahead of the held ones, within the same bound.
   */
  void carry(List<ReportedQuery> tried) {
    List<ReportedQuery> both = new ArrayList<>(tried);
    both.addAll(carried);
    carried = List.copyOf(both.subList(0, Math.min(CARRIED, both.size())));
  }

  /** Keeps {@code held} (slowest first) for the next run; returns how many are newly held. */
  int hold(List<ReportedQuery> nowHeld) {
    List<ReportedQuery> kept = nowHeld.subList(0, Math.min(CARRIED, nowHeld.size()));
    Set<String> exprs = new HashSet<>();
    int fresh = 0;
    for (ReportedQuery q : nowHeld) {
      exprs.add(q.expr());
      if (!held.contains(q.expr())) {
        fresh++;
      }
    }
    carried = List.copyOf(kept);
    held = exprs;
    return fresh;
  }
}
