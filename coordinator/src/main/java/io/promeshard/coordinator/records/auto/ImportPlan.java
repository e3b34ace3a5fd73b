package io.promeshard.coordinator.records.auto;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Decides what one automatic import tries to register (pure): of the candidates, slowest first,
 * those already registered or already refused this term are left alone; of the others at most
 * {@code maxNew} are admitted, and no more than the registry has room for under {@code maxTotal};
 * the rest are held back, with the limit that held them, to be tried again when there is room.
 *
 * @param admitted the candidates to check and register, slowest first
 * @param held the candidates over a limit, slowest first
 * @param heldBy the limit that held them ({@link #PER_INTERVAL} or {@link #TOTAL}); empty when none
 */
record ImportPlan(
    List<ReportedQuery> admitted,
    int alreadyRegistered,
    int knownInvalid,
    List<ReportedQuery> held,
    String heldBy) {

  static final String PER_INTERVAL = "records_max_new_per_interval";
  static final String TOTAL = "records_max_total";

  /** Nothing planned (a run that failed before it could plan). */
  static final ImportPlan NONE = new ImportPlan(List.of(), 0, 0, List.of(), "");

  ImportPlan {
    admitted = List.copyOf(admitted);
    held = List.copyOf(held);
  }

  /**
   * @param name the record name of an expression
   * @param registered whether a record name is in the registry
   * @param refused whether a record name was refused earlier this term
   * @param registrySize the records in the registry now
   */
  static ImportPlan plan(
      List<ReportedQuery> candidates,
      Function<String, String> name,
      Predicate<String> registered,
      Predicate<String> refused,
      int registrySize,
      int maxNew,
      int maxTotal) {
    int room = Math.max(0, maxTotal - registrySize);
    int cap = Math.min(maxNew, room);
    List<ReportedQuery> admitted = new ArrayList<>();
    List<ReportedQuery> held = new ArrayList<>();
    int already = 0;
    int known = 0;
    for (ReportedQuery q : candidates) {
      String record = name.apply(q.expr());
      if (registered.test(record)) {
        already++;
      } else if (refused.test(record)) {
        known++;
      } else if (admitted.size() < cap) {
        admitted.add(q);
      } else {
        held.add(q);
      }
    }
    String heldBy = held.isEmpty() ? "" : room <= maxNew ? TOTAL : PER_INTERVAL;
    return new ImportPlan(admitted, already, known, held, heldBy);
  }
}
