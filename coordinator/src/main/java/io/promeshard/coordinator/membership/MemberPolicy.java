package io.promeshard.coordinator.membership;

import io.promeshard.coordinator.config.Settings;

/**
 * Which registrations of {@code node_service} the coordinator takes as members, and the most
 * capacity one may claim. With {@code bindToConsulNode} a registration counts only on the Consul
 * node of the same name, so a host can speak only for itself: its Consul agent's identity is
 * protected by Consul (the agent token's {@code node} rule, unique node names), while a service
 * registration is not (service rules in Consul 1.8 go by service name, not ID). {@code maxWeight}
 * caps the {@code weight} a registration claims in its Meta.
 */
public record MemberPolicy(boolean bindToConsulNode, double maxWeight) {
  public static final double DEFAULT_MAX_WEIGHT = Settings.DEFAULT_MAX_WEIGHT;

  /** Any Consul node may register any node name; weights up to {@value #DEFAULT_MAX_WEIGHT}. */
  public static final MemberPolicy DEFAULT = new MemberPolicy(false, DEFAULT_MAX_WEIGHT);

  public MemberPolicy {
    if (!(maxWeight >= 1) || Double.isInfinite(maxWeight)) {
      throw new IllegalArgumentException("max_weight: expected a number >= 1, found " + maxWeight);
    }
  }
}
