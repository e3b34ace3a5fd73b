package io.promeshard.protocol.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * The one backoff of the project: retry n (1-based) waits at most {@code min(cap, base * 2^(n-1))}.
 * With full jitter (the default) the wait is uniform in [0, that ceiling], drawn from the given
 * random source, so a seeded policy repeats its delays; without jitter it is the ceiling itself.
 * Retries never give up. Bad arguments throw IllegalArgumentException naming them.
 */
public final class RetryPolicy {
  private static final int MAX_SHIFT = 40;

  private final Duration base;
  private final Duration cap;
  private final Random random;

  private RetryPolicy(Duration base, Duration cap, Random random) {
    if (base == null || base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("backoff base must be > 0, found " + base);
    }
    if (cap == null || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff cap must be >= base " + base + ", found " + cap);
    }
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  /** Full jitter from a fresh random source. */
  public static RetryPolicy fullJitter(Duration base, Duration cap) {
    return new RetryPolicy(base, cap, new Random());
  }

  /** Full jitter from {@code random}; the same seed gives the same delays. */
  public static RetryPolicy fullJitter(Duration base, Duration cap, Random random) {
    return new RetryPolicy(base, cap, Objects.requireNonNull(random, "random"));
  }

  /** Full jitter from a source seeded with {@code seed}. */
  public static RetryPolicy fullJitter(Duration base, Duration cap, long seed) {
    return fullJitter(base, cap, new Random(seed));
  }

  /** The ceiling itself: base, 2 base, 4 base … up to cap, for retries of one local resource. */
  public static RetryPolicy noJitter(Duration base, Duration cap) {
    return new RetryPolicy(base, cap, null);
  }

  /** The upper bound of the delay before retry {@code attempt}, before jitter. */
  public Duration ceiling(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, found " + attempt);
    }
    int shift = Math.min(attempt - 1, MAX_SHIFT);
    long nanos = base.toNanos();
    long capNanos = cap.toNanos();
    return Duration.ofNanos(nanos > (capNanos >> shift) ? capNanos : nanos << shift);
  }

  /** How long to wait before retry {@code attempt} (1-based). */
  public Duration delay(int attempt) {
    Duration ceiling = ceiling(attempt);
    if (random == null) {
      return ceiling;
    }
    double r;
    synchronized (random) {
      r = random.nextDouble();
    }
    return Duration.ofNanos((long) (r * ceiling.toNanos()));
  }

  public Duration base() {
    return base;
  }

  public Duration cap() {
    return cap;
  }

  @Override
  public String toString() {
    return "RetryPolicy["
        + base
        + ".."
        + cap
        + (random == null ? ", no jitter]" : ", full jitter]");
  }
}
