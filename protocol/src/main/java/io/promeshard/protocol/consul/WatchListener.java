package io.promeshard.protocol.consul;

import java.time.Duration;

/**
 * Receives a watch's changes and errors, always on the watch's own thread, never after close
 * returns.
 */
public interface WatchListener<T> {
  /** The first value, then each value that differs from the last one delivered. */
  void onChange(T value, long index);

  /** Fetch number {@code attempt} in a row failed; the watch retries after {@code retryIn}. */
  default void onError(Exception error, int attempt, Duration retryIn) {}

  /** A fetch succeeded after one or more failures. */
  default void onRecovered() {}
}
