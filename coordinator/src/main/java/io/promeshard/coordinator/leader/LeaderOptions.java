package io.promeshard.coordinator.leader;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Timing and identity of the leader election: session TTL (Consul: 10 s..24 h), lock-delay (0..60
 * s, Consul's default 15 s), how often the session is renewed (default TTL/2) and the holder
 * written into the leader key. Bad values throw IllegalArgumentException naming the field and the
 * value.
 */
public record LeaderOptions(
    Duration ttl, Duration lockDelay, Duration renewInterval, String holder) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(15);
  static final Duration MIN_TTL = Duration.ofSeconds(10);
  static final Duration MAX_TTL = Duration.ofHours(24);
  static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);

  /**
   * A null {@code renewInterval} means TTL/2; a null or blank {@code holder} means {@link
   * #defaultHolder()}.
   */
  public LeaderOptions {
    if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "leader.ttl: expected 10s..24h (Consul's session TTL limits), found " + ttl);
    }
    if (lockDelay == null || lockDelay.isNegative() || lockDelay.compareTo(MAX_LOCK_DELAY) > 0) {
      throw new IllegalArgumentException("leader.lock_delay: expected 0s..60s, found " + lockDelay);
    }
    renewInterval = renewInterval == null ? ttl.dividedBy(2) : renewInterval;
    if (renewInterval.isNegative() || renewInterval.isZero() || renewInterval.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "leader.renew_interval: expected > 0 and < ttl " + ttl + ", found " + renewInterval);
    }
    holder = holder == null || holder.isBlank() ? defaultHolder() : holder.strip();
  }

  /** TTL 15 s, lock-delay 15 s, renewal every 7.5 s, holder {@code <hostname>/<pid>}. */
  public static LeaderOptions defaults() {
    return new LeaderOptions(DEFAULT_TTL, DEFAULT_LOCK_DELAY, null, null);
  }

  /** Same options with another TTL; the renewal interval becomes TTL/2. */
  public LeaderOptions withTtl(Duration newTtl) {
    return new LeaderOptions(newTtl, lockDelay, null, holder);
  }

  public LeaderOptions withLockDelay(Duration newLockDelay) {
    return new LeaderOptions(ttl, newLockDelay, renewInterval, holder);
  }

  public LeaderOptions withRenewInterval(Duration newRenewInterval) {
    return new LeaderOptions(ttl, lockDelay, newRenewInterval, holder);
  }

  public LeaderOptions withHolder(String newHolder) {
    return new LeaderOptions(ttl, lockDelay, renewInterval, newHolder);
  }

  /**
   * How often a standby retries a free key it could not lock (lock-delay, lost race): lockDelay/4
   * within 100 ms..1 s.
   */
  Duration acquireRetry() {
    Duration d = lockDelay.dividedBy(4);
    Duration min = Duration.ofMillis(100);
    Duration max = Duration.ofSeconds(1);
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  /**
   * {@code <hostname>/<pid>}, or {@code unknown-host/<pid>} when the host name cannot be resolved.
   */
  public static String defaultHolder() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid();
  }
}
