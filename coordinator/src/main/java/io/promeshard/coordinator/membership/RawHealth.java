package io.promeshard.coordinator.membership;

/** The health Consul reports for one node instance right now, before the flap hold is applied. */
public enum RawHealth {
  /** Every check passing. */
  HEALTHY,
  /** At least one check warning or critical (and not in maintenance). */
  UNHEALTHY,
  /** Service or node maintenance mode is on: drained at once. */
  DRAINING,
  /** Not registered (any more). */
  ABSENT
}
