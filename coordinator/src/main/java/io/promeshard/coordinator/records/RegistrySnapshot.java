package io.promeshard.coordinator.records;

import io.promeshard.protocol.RecordRule;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One read of the registry: the rules under {@code records/<index>}, keys there that could not be
 * read (with the reason), the highest index in use (readable or not), and the index counter with
 * its Consul ModifyIndex (both 0 when the counter key is absent).
 */
public final class RegistrySnapshot {
  private final SortedMap<Long, RecordRule> rules;
  private final Map<String, String> problems;
  private final long maxIndex;
  private final long counter;
  private final long counterModifyIndex;
  private final Set<String> names = new HashSet<>();

  public RegistrySnapshot(
      Map<Long, RecordRule> rules,
      Map<String, String> problems,
      long maxIndex,
      long counter,
      long counterModifyIndex) {
    this.rules = Collections.unmodifiableSortedMap(new TreeMap<>(rules));
    this.problems = Collections.unmodifiableSortedMap(new TreeMap<>(problems));
    if (counter < 0 || counterModifyIndex < 0 || maxIndex < 0) {
      throw new IllegalArgumentException("registry snapshot: negative counter or index");
    }
    this.maxIndex = Math.max(maxIndex, this.rules.isEmpty() ? 0 : this.rules.lastKey());
    this.counter = counter;
    this.counterModifyIndex = counterModifyIndex;
    this.rules.values().forEach(r -> names.add(r.record()));
  }

  public static RegistrySnapshot empty() {
    return new RegistrySnapshot(Map.of(), Map.of(), 0, 0, 0);
  }

  /** Rules by index, ascending. */
  public SortedMap<Long, RecordRule> rules() {
    return rules;
  }

  public List<RecordRule> inIndexOrder() {
    return List.copyOf(rules.values());
  }

  /** Keys under {@code records/} that hold no readable rule, with the reason. */
  public Map<String, String> problems() {
    return problems;
  }

  public boolean contains(String record) {
    return names.contains(record);
  }

  public int size() {
    return rules.size();
  }

  /** The stored counter: the next index to hand out; 0 when absent. */
  public long counter() {
    return counter;
  }

  public long counterModifyIndex() {
    return counterModifyIndex;
  }

  /** The next index to hand out: past both the counter and every index in use. */
  public long nextIndex() {
    return Math.max(counter, maxIndex + 1);
  }
}
