package io.promeshard.coordinator.dispatch;

import java.time.Instant;

/**
 * When the dispatcher acts next: {@code dueAt} the next dispatch, {@code resyncAt} the next read of
 * what is published; null when not scheduled. Immutable.
 */
public record DispatchSchedule(Instant dueAt, Instant resyncAt) {
  static final DispatchSchedule NONE = new DispatchSchedule(null, null);

  /** Due at {@code at} unless an earlier dispatch is already due. */
  DispatchSchedule dueNoLaterThan(Instant at) {
    return dueAt != null && !dueAt.isAfter(at) ? this : new DispatchSchedule(at, resyncAt);
  }

  /** Due at {@code at}, whatever was due before. */
  DispatchSchedule dueAt(Instant at) {
    return new DispatchSchedule(at, resyncAt);
  }

  /** A read at {@code at} unless an earlier one is already scheduled. */
  DispatchSchedule resyncNoLaterThan(Instant at) {
    return resyncAt != null && !resyncAt.isAfter(at) ? this : new DispatchSchedule(dueAt, at);
  }

  DispatchSchedule resyncAt(Instant at) {
    return new DispatchSchedule(dueAt, at);
  }

  boolean dispatchDue(Instant now) {
    return dueAt != null && !now.isBefore(dueAt);
  }

  boolean resyncDue(Instant now) {
    return resyncAt != null && !now.isBefore(resyncAt);
  }

  /** The earliest of the next dispatch and the next resync, or null when nothing is scheduled. */
  Instant nextWake() {
    if (dueAt == null) {
      return resyncAt;
    }
    return resyncAt == null || dueAt.isBefore(resyncAt) ? dueAt : resyncAt;
  }
}
