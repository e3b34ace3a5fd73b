package io.promeshard.agent.register;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.consul.AgentServices;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.HealthClient;
import io.promeshard.protocol.consul.HealthEntries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether another live host has already registered this agent's node name: reads the local Consul
 * agent's node name and every registration of the node service. A registration with the same
 * service ID on another Consul node whose {@code serfHealth} passes is a claim (that host is up); a
 * registration left behind by a failed or departed host is not. Two hosts with one node name would
 * read one share and scrape the same targets, so the second must not run.
 */
public final class NameClaims {
  /** What a check found. */
  public sealed interface Result permits Free, Claimed, Unknown {}

  /** No other live host has the name. */
  public record Free() implements Result {}

  /** Another live host has the name; {@code message} names it and says what to do. */
  public record Claimed(String message) implements Result {}

  /** Consul did not say (unreachable, or the token may not read agent/self or the health). */
  public record Unknown(String why) implements Result {}

  private static final Duration NO_WAIT = Duration.ZERO;

  private final AgentServices agent;
  private final HealthClient health;
  private final ServiceSpec spec;

  public NameClaims(AgentServices agent, HealthClient health, ServiceSpec spec) {
    this.agent = Objects.requireNonNull(agent, "agent");
    this.health = Objects.requireNonNull(health, "health");
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  /** One check against Consul; never throws for Consul failures (they are {@link Unknown}). */
  public Result check() {
    String self;
    JsonNode entries;
    try {
      self = agent.nodeName();
      entries =
          health.service(HealthClient.Query.all(spec.name()), 0, NO_WAIT, new CallHandle()).value();
    } catch (IOException | RuntimeException e) {
      return new Unknown(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    List<String> others = new ArrayList<>();
    for (JsonNode entry : entries) {
      String consulNode = entry.path("Node").path("Node").asText("");
      if (spec.id().equals(entry.path("Service").path("ID").asText(""))
          && !consulNode.equals(self)
          && alive(entry.path("Checks"))) {
        others.add(HealthEntries.where(entry, "Prometheus"));
      }
    }
    if (others.isEmpty()) {
      return new Free();
    }
    return new Claimed(
        "node name "
            + spec.id()
            + " is already registered as service "
            + spec.name()
            + " by another live host: Consul node "
            + String.join(", Consul node ", others)
            + " (this host is Consul node "
            + self
            + "). Two hosts with one node name would scrape the same targets: give this host its"
            + " own name (node in agent.yml, or --node).");
  }

  private static boolean alive(JsonNode checks) {
    for (JsonNode check : checks) {
      if (check.path("CheckID").asText("").equals("serfHealth")) {
        return check.path("Status").asText("").equals("passing");
      }
    }
    return false; // no serfHealth: the node is not a live agent (e.g. an external catalog entry)
  }
}
