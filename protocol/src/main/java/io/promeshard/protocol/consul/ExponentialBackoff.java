package io.promeshard.protocol.consul;

import java.time.Duration;
import java.util.Random;

/**
 * Capped exponential backoff with full jitter: retry n waits a uniform random time in
 * [0, min(cap, base * 2^(n-1))]. Bad arguments throw IllegalArgumentException naming them.
 */
public final class ExponentialBackoff implements RetryPolicy {
  private final Duration base;
  private final Duration cap;
  private final Random random;

  public ExponentialBackoff(Duration base, Duration cap) {
    this(base, cap, new Random());
  }

  public ExponentialBackoff(Duration base, Duration cap, Random random) {
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

  /** The upper bound of the delay for {@code attempt}, before jitter. */
  public Duration ceiling(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, found " + attempt);
    }
    int shift = Math.min(attempt - 1, 40);
    long nanos = base.toNanos();
    long ceiling = nanos > (cap.toNanos() >> shift) ? cap.toNanos() : nanos << shift;
    return Duration.ofNanos(Math.min(ceiling, cap.toNanos()));
  }

  @Override
  public Duration delay(int attempt) {
    long ceiling = ceiling(attempt).toNanos();
    double r;
    synchronized (random) {
      r = random.nextDouble();
    }
    return Duration.ofNanos((long) (r * ceiling));
  }

  @Override
  public String toString() {
    return "ExponentialBackoff[" + base + ".." + cap + ", full jitter]";
  }
}
