package io.promeshard.coordinator.records;

import io.promeshard.protocol.RecordRule;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one registration did: the rules it added by their new index, the ones found already
 * registered, how many transactions it committed and how many times a concurrent writer made it
 * re-read and retry.
 */
public record Registration(
    SortedMap<Long, RecordRule> added,
    List<RecordRule> alreadyRegistered,
    int transactions,
    int conflicts) {
  public Registration {
    added = Collections.unmodifiableSortedMap(new TreeMap<>(added));
    alreadyRegistered = List.copyOf(alreadyRegistered);
  }

  public static Registration of(Map<Long, RecordRule> added, List<RecordRule> alreadyRegistered) {
    return new Registration(new TreeMap<>(added), alreadyRegistered, 0, 0);
  }
}
