package io.promeshard.coordinator.membership;

import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;

/**
 * A Prometheus server that can be given targets: its node name (the Consul service ID), capacity
 * weight (service Meta {@code weight}, default 1), failure domain (Meta {@code zone}, may be empty)
 * and the most series it may be planned to hold (Meta {@code max_series}, 0 for no limit; applies
 * when placing by observed load).
 */
public record Member(String name, double weight, String zone, long maxSeries)
    implements Comparable<Member> {
  public Member {
    Names.node(name);
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new ProtocolException(
          "node " + name + ": weight must be a positive number, found " + weight);
    }
    zone = zone == null ? "" : zone;
    if (maxSeries < 0) {
      throw new ProtocolException(
          "node " + name + ": max_series must be >= 0 (0 for no limit), found " + maxSeries);
    }
  }

  /** A member without a series limit. */
  public Member(String name, double weight, String zone) {
    this(name, weight, zone, 0);
  }

  @Override
  public int compareTo(Member o) {
    return name.compareTo(o.name);
  }
}
