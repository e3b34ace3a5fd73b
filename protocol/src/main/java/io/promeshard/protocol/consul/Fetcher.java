package io.promeshard.protocol.consul;

import java.io.IOException;
import java.time.Duration;

/**
 * One Consul read for a blocking watch: blocks up to {@code wait} when {@code index > 0}; failures
 * throw IOException.
 */
@FunctionalInterface
public interface Fetcher<T> {
  ConsulResponse<T> fetch(long index, Duration wait) throws IOException;

  /**
   * Aborts a fetch in flight on another thread (and any later one); the watch calls it on close.
   */
  default void cancel() {}

  /**
   * Where the Consul client this fetcher uses reports whether Consul answers; a watch backing off
   * retries at once when it records a recovery. By default nothing is tracked.
   */
  default ConsulReachability reachability() {
    return ConsulReachability.UNTRACKED;
  }
}
