package io.promeshard.agent.watch;

import java.time.Duration;

/** Receives what a {@link ShareWatch} sees, on the watch's thread; must not block for long. */
public interface SnapshotListener {
  /** The first read, then each read whose entries changed. */
  void onSnapshot(Snapshot snapshot, long index);

  /**
   * Read number {@code attempt} in a row failed (Consul unreachable, 403, ...); retried after
   * {@code retryIn}.
   */
  default void onError(Exception error, int attempt, Duration retryIn) {}

  /** A read succeeded after failures. */
  default void onRecovered() {}
}
