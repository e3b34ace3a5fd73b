package io.promeshard.coordinator.membership;

import java.util.Map;

/** Receives the effective membership on the watcher's own thread; it should return quickly. */
@FunctionalInterface
public interface MembershipListener {
  /**
   * The first effective set once Consul has answered (possibly empty), then every set that differs
   * from the previous one, keyed and sorted by node name. Never called twice with an equal set.
   */
  void onMembers(Map<String, Member> effective);
}
