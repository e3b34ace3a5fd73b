package io.promeshard.coordinator.membership;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the membership watcher knows, for {@code status} and metrics: the effective set, the last
 * raw read (healthy, unhealthy, draining), the nodes waiting out {@code flap_hold} (raw state,
 * since when, due when), and whether Consul answers. {@code raw} is empty and {@code lastContact}
 * null before the first answer; {@code lastError} is null while Consul answers.
 */
public record MembershipStatus(
    String service,
    Duration hold,
    Map<String, Member> effective,
    HealthSnapshot raw,
    List<Pending> pending,
    Instant lastContact,
    String lastError) {

  /**
   * A node whose raw health differs from the effective set: it joins or leaves at {@code due},
   * unless it flips back.
   */
  public record Pending(String node, RawHealth raw, Instant since, Instant due) {
    /** True when the node is waiting to join, false when waiting to leave. */
    public boolean joining() {
      return raw == RawHealth.HEALTHY;
    }
  }

  public MembershipStatus {
    effective = Collections.unmodifiableMap(new TreeMap<>(effective));
    raw = raw == null ? HealthSnapshot.EMPTY : raw;
    pending = List.copyOf(pending);
  }

  /** True when the first answer from Consul has been applied. */
  public boolean known() {
    return lastContact != null;
  }

  /**
   * True while the last request to Consul failed: membership is frozen at the last effective set.
   */
  public boolean consulUnreachable() {
    return lastError != null;
  }
}
