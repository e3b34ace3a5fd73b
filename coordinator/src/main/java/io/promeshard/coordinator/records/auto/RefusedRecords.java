package io.promeshard.coordinator.records.auto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record names promtool refused during one leadership term, with the reason, so that an invalid
 * query that keeps being reported is checked once per term, not every interval. Bounded: past
 * {@code capacity} the oldest is forgotten (and checked again if it is reported again). Used by one
 * thread.
 */
final class RefusedRecords {
  private final int capacity;
  private final Map<String, String> byRecord;

  RefusedRecords(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: expected >= 1, found " + capacity);
    }
    this.capacity = capacity;
    this.byRecord = new LinkedHashMap<>();
  }

  void add(String record, String reason) {
    byRecord.remove(record);
    byRecord.put(record, reason);
    if (byRecord.size() > capacity) {
      byRecord.remove(byRecord.keySet().iterator().next());
    }
  }

  boolean contains(String record) {
    return byRecord.containsKey(record);
  }

  int size() {
    return byRecord.size();
  }
}
