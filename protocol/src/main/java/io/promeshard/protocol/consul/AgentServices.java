package io.promeshard.protocol.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.OperationException;
import com.ecwid.consul.v1.agent.model.NewService;
import com.ecwid.consul.v1.agent.model.Self;
import com.ecwid.consul.v1.agent.model.Service;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The local Consul agent's service catalogue ({@code /v1/agent/service...}) through ecwid's client,
 * configured from the process's {@link ConsulHttp} (token as the X-Consul-Token header, CA,
 * timeouts): list, register, deregister, maintenance. Every failure is an IOException mapped like
 * the okhttp calls by {@link ConsulErrors} (operation, status, Consul's message; 403 names the
 * token's source).
 */
public final class AgentServices {
  /** Agent endpoints answer at once; this only bounds the socket wait. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(10);

  @FunctionalInterface
  private interface Call<T> {
    T run();
  }

  private final ConsulHttp http;
  private final ConsulClient ecwid;

  public AgentServices(ConsulHttp http) {
    this.http = Objects.requireNonNull(http, "http");
    this.ecwid = EcwidClients.create(http, MAX_WAIT);
  }

  /** The services registered in the local agent, by ID (empty when none). */
  public Map<String, Service> services() throws IOException {
    Map<String, Service> services =
        call("GET agent/services", () -> ecwid.getAgentServices().getValue());
    return services == null ? Map.of() : services;
  }

  /** The local agent's Consul node name ({@code /v1/agent/self}; needs agent:read on it). */
  public String nodeName() throws IOException {
    Self self = call("GET agent/self", () -> ecwid.getAgentSelf().getValue());
    String name = self == null || self.getConfig() == null ? null : self.getConfig().getNodeName();
    if (name == null || name.isEmpty()) {
      throw new IOException("GET agent/self: no node name in the reply");
    }
    return name;
  }

  public void register(NewService service) throws IOException {
    call(
        "PUT agent/service/register " + service.getId(), () -> ecwid.agentServiceRegister(service));
  }

  public void deregister(String serviceId) throws IOException {
    call(
        "PUT agent/service/deregister/" + serviceId, () -> ecwid.agentServiceDeregister(serviceId));
  }

  /** Turns maintenance mode of {@code serviceId} on (with {@code reason}) or off. */
  public void maintenance(String serviceId, boolean enable, String reason) throws IOException {
    call(
        "PUT agent/service/maintenance/" + serviceId + "?enable=" + enable,
        () ->
            reason == null
                ? ecwid.agentServiceSetMaintenance(serviceId, enable)
                : ecwid.agentServiceSetMaintenance(serviceId, enable, reason));
  }

  private <T> T call(String what, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (OperationException e) {
      String body =
          e.getStatusContent() == null || e.getStatusContent().isBlank()
              ? e.getStatusMessage()
              : e.getStatusContent();
      throw ConsulErrors.failure(what, e.getStatusCode(), body, http);
    } catch (ConsulException e) {
      throw new IOException(
          what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
  }
}
