package io.promeshard.protocol.consul;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading one entry of a {@code /v1/health/service/<service>} reply ({@link HealthClient}) for the
 * people who must act on it: the agent refusing a node name another host claims and the coordinator
 * draining one name claimed twice both name the hosts the same way.
 */
public final class HealthEntries {
  private HealthEntries() {}

  /**
   * {@code "consul-node (address a, <serviceLabel> b:port)"}: the Consul node of {@code entry}, its
   * address and where its service listens (the node address when the service gives none); "?" for
   * what the entry lacks.
   */
  public static String where(JsonNode entry, String serviceLabel) {
    JsonNode node = entry.path("Node");
    JsonNode svc = entry.path("Service");
    String nodeAddress = node.path("Address").asText("?");
    String svcAddress = svc.path("Address").asText("");
    return node.path("Node").asText("?")
        + " (address "
        + nodeAddress
        + ", "
        + serviceLabel
        + " "
        + (svcAddress.isEmpty() ? nodeAddress : svcAddress)
        + ":"
        + svc.path("Port").asText("?")
        + ")";
  }
}
