package io.promeshard.coordinator.source;

import io.promeshard.protocol.TargetGroup;
import java.io.Closeable;
import java.util.List;

/**
 * A running source of scrape targets, the counterpart of a Prometheus discoverer: once started it
 * reports whole results (never deltas) to its listener until closed. A failed refresh reports an
 * error and the listener keeps the previous result; a source never gives up while open.
 */
public interface TargetSource extends Closeable {

  /** Starts reporting to {@code listener}, from the source's own thread; may be called once. */
  void start(Listener listener);

  /** Stops the source; no callback starts after this returns. Idempotent. */
  @Override
  void close();

  /** Receives the results of one source. Callbacks of one source never overlap. */
  interface Listener {
    /**
     * The complete current targets of the source. {@code skipped} counts inputs the source dropped
     * (e.g. service-tree instances without an IP address).
     */
    void onTargets(List<TargetGroup> groups, int skipped);

    /**
     * A refresh failed. A refresh that failed for part of its input (one file of several) first
     * reports the targets it has, keeping the last good targets of the failed part, then the error.
     */
    void onError(Exception error);
  }
}
