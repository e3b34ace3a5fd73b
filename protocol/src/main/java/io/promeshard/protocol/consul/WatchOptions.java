package io.promeshard.protocol.consul;

import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.time.Duration;

/**
 * Timing of a blocking watch: the blocking {@code waitTime} (Consul's {@code ?wait=}; a record
 * component cannot be named {@code wait}) (≤ 10 min, Consul's cap), the minimum interval plus
 * random jitter between polls, and the retry policy on errors. Bad values throw
 * IllegalArgumentException naming the field.
 */
public record WatchOptions(
    Duration waitTime, Duration minInterval, Duration jitter, RetryPolicy retry) {
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_JITTER = Duration.ofMillis(50);
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(250);
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(30);

  public WatchOptions {
    if (waitTime == null
        || waitTime.isNegative()
        || waitTime.isZero()
        || waitTime.compareTo(MAX_WAIT) > 0) {
      throw new IllegalArgumentException("watch wait: expected > 0 and <= 10m, found " + waitTime);
    }
    if (minInterval == null || minInterval.isNegative()) {
      throw new IllegalArgumentException("watch min interval: expected >= 0, found " + minInterval);
    }
    if (jitter == null || jitter.isNegative()) {
      throw new IllegalArgumentException("watch jitter: expected >= 0, found " + jitter);
    }
    if (retry == null) {
      throw new IllegalArgumentException("watch retry policy: missing");
    }
  }

  /** wait 5m, 100 ms + up to 50 ms between polls, backoff 250 ms..30 s with full jitter. */
  public static WatchOptions defaults() {
    return new WatchOptions(
        DEFAULT_WAIT,
        DEFAULT_MIN_INTERVAL,
        DEFAULT_JITTER,
        RetryPolicy.fullJitter(DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP));
  }

  public WatchOptions withWait(Duration newWait) {
    return new WatchOptions(newWait, minInterval, jitter, retry);
  }

  public WatchOptions withRetry(RetryPolicy newRetry) {
    return new WatchOptions(waitTime, minInterval, jitter, newRetry);
  }

  /** At least {@code newMinInterval} plus up to {@code newJitter} between polls. */
  public WatchOptions withPacing(Duration newMinInterval, Duration newJitter) {
    return new WatchOptions(waitTime, newMinInterval, newJitter, retry);
  }
}
