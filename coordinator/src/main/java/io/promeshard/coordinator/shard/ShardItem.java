package io.promeshard.coordinator.shard;

/**
 * One thing to place: a target keyed {@code job/address} or a recording rule keyed by its record
 * name, with the relative cost of scraping or evaluating it. Throws IllegalArgumentException for an
 * empty key or a cost that is not a finite positive number.
 */
public record ShardItem(String key, double cost) {
  public ShardItem {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("shard item: key must not be empty");
    }
    if (!(cost > 0) || Double.isInfinite(cost)) {
      throw new IllegalArgumentException(
          "shard item " + key + ": cost must be a finite number > 0, found " + cost);
    }
  }

  /** An item of cost 1, for callers that only balance counts. */
  public static ShardItem of(String key) {
    return new ShardItem(key, 1.0);
  }
}
