package io.promeshard.coordinator.membership;

import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;

/**
 * A Prometheus server that can be given targets: its node name (the Consul service ID), capacity
 * weight (service Meta {@code weight}, default 1) and failure domain (Meta {@code zone}, may be
 * empty).
 */
public record Member(String name, double weight, String zone) implements Comparable<Member> {
  public Member {
    Names.node(name);
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new ProtocolException(
          "node " + name + ": weight must be a positive number, found " + weight);
    }
    zone = zone == null ? "" : zone;
  }

  @Override
  public int compareTo(Member o) {
    return name.compareTo(o.name);
  }
}
