package io.promeshard.protocol.consul;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Consul answers the calls of one {@link ConsulHttp} client: a call that cannot reach it
 * (connection refused, reset, timeout) marks it unreachable, and the next call it answers counts
 * one recovery. A {@link BlockingWatch} backing off after failures retries as soon as the count
 * moves, so when Consul comes back every watch of the process reconnects with the first one through
 * instead of each after its own backoff (up to 30 s). Thread-safe.
 */
public final class ConsulReachability {
  /** Reported to by nothing: a watch using it keeps its plain backoff. */
  static final ConsulReachability UNTRACKED = new ConsulReachability();

  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong recoveries = new AtomicLong();

  /** A call could not reach Consul. */
  void failed() {
    failing.set(true);
  }

  /** Consul answered a call (with any HTTP status). */
  void answered() {
    if (failing.compareAndSet(true, false)) {
      recoveries.incrementAndGet();
    }
  }

  /** How many times Consul answered again after being unreachable. */
  public long recoveries() {
    return recoveries.get();
  }
}
