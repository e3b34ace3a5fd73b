package io.promeshard.agent.register;

import com.ecwid.consul.v1.agent.model.NewService;
import com.ecwid.consul.v1.agent.model.Service;
import io.promeshard.agent.config.AgentConfig;
import io.promeshard.protocol.Names;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Consul service the agent registers for its Prometheus: name {@code service}, ID = node name,
 * the Prometheus port (and host, unless it is a loopback address, which Consul replaces by the
 * node's address), Meta {@code weight} and {@code zone}, and an HTTP check on {@code
 * <prometheus_url>/-/ready}.
 */
public record ServiceSpec(
    String name,
    String id,
    String address,
    int port,
    Map<String, String> meta,
    String checkUrl,
    Duration checkInterval,
    Duration checkTimeout,
    Duration deregisterAfter) {

  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
  public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEREGISTER_AFTER = Duration.ofMinutes(10);

  public ServiceSpec {
    Objects.requireNonNull(name, "name");
    Names.node(id);
    address = address == null ? "" : address;
    meta = Map.copyOf(new TreeMap<>(meta));
    Objects.requireNonNull(checkUrl, "checkUrl");
  }

  public static ServiceSpec from(AgentConfig config) {
    URI prom = config.prometheusUrl();
    int port =
        prom.getPort() > 0 ? prom.getPort() : prom.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    return new ServiceSpec(
        config.service(),
        config.node(),
        loopback(prom.getHost()) ? "" : prom.getHost(),
        port,
        Map.of("weight", number(config.weight()), "zone", config.zone()),
        config.readyUrl(),
        CHECK_INTERVAL,
        CHECK_TIMEOUT,
        DEREGISTER_AFTER);
  }

  /** The registration request. */
  public NewService toNewService() {
    NewService s = new NewService();
    s.setId(id);
    s.setName(name);
    s.setAddress(address);
    s.setPort(port);
    s.setMeta(new TreeMap<>(meta));
    NewService.Check check = new NewService.Check();
    check.setHttp(checkUrl);
    check.setMethod("GET");
    check.setInterval(consulDuration(checkInterval));
    check.setTimeout(consulDuration(checkTimeout));
    check.setDeregisterCriticalServiceAfter(consulDuration(deregisterAfter));
    s.setCheck(check);
    return s;
  }

  /** Whether the local agent's entry for this service ID still says what this spec says. */
  public boolean matches(Service s) {
    return s != null
        && id.equals(s.getId())
        && name.equals(s.getService())
        && address.equals(s.getAddress() == null ? "" : s.getAddress())
        && Integer.valueOf(port).equals(s.getPort())
        && meta.equals(s.getMeta() == null ? Map.of() : s.getMeta());
  }

  private static boolean loopback(String host) {
    if (host == null || host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      String literal =
          host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return literal.matches("[0-9.]+|[0-9a-fA-F:]+")
          && InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String number(double weight) {
    return weight == Math.rint(weight) && Math.abs(weight) < 1e15
        ? Long.toString((long) weight)
        : Double.toString(weight);
  }

  private static String consulDuration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
