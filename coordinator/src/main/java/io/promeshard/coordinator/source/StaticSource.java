package io.promeshard.coordinator.source;

import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports the inline target groups of a {@link StaticSourceSpec} once, on start; it cannot fail.
 */
final class StaticSource implements TargetSource {
  private final List<TargetGroup> groups;
  private final AtomicBoolean started = new AtomicBoolean();

  StaticSource(StaticSourceSpec spec) {
    this.groups = spec.groups();
  }

  @Override
  public void start(Listener listener) {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("static source: start called twice");
    }
    listener.onTargets(groups, 0);
  }

  @Override
  public void close() {
    // nothing runs
  }
}
