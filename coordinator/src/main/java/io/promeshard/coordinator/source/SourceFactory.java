package io.promeshard.coordinator.source;

import io.promeshard.coordinator.config.SourceSpec;

/**
 * Creates the (not yet started) source for one spec of a job; a spec it cannot serve throws
 * IllegalArgumentException.
 */
@FunctionalInterface
public interface SourceFactory {
  /** {@code name} is the log name of the source, {@code job/index (type)}. */
  TargetSource create(String name, SourceSpec spec);
}
