package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.promeshard.protocol.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service tree (CMDB) query of a job: {@code {"type":"service_tree","url":"http://cmdb",
 * "resource_type":"ecs","labels":[{"key":"stree-app","value":"api","type":1}],"ports":{"api":9100,
 * "kafka":[9308,9309]},"default_port":9100,"accounts":{"1234":"prod-acct"},"refresh":"60s"}}.
 * {@code ports} maps a {@code stree-app} tag to one port or a list of ports (one target each);
 * {@code default_port} (9100, node_exporter) serves the other apps. Each answer is bounded by
 * {@code max_bytes} of body (default 64 MiB: instances are verbose), {@code max_targets} instances
 * and targets (default 200000) and {@code timeout} for the whole request (default 60s: {@code
 * get_all} queries are slow). A bad field is a {@link ProtocolException} naming it.
 */
public record ServiceTreeSourceSpec(
    String url,
    @JsonProperty("resource_type") String resourceType,
    List<ServiceTreeMatcher> labels,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        Map<String, List<Integer>> ports,
    @JsonProperty("default_port") Integer defaultPort,
    Map<String, String> accounts,
    Duration refresh,
    @JsonProperty("max_bytes") Long maxBytes,
    @JsonProperty("max_targets") Integer maxTargets,
    Duration timeout)
    implements SourceSpec {
  public static final String TYPE = "service_tree";
  public static final int NODE_EXPORTER_PORT = 9100;
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MAX_TARGETS = 200_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  @JsonCreator
  public ServiceTreeSourceSpec {
    SpecChecks.httpUrl("url", url);
    resourceType = resourceType == null ? "ecs" : resourceType;
    if (!resourceType.equals("ecs")) {
      // the response format (private_ip, tags) is the one of machines; other resource types differ
      throw new ProtocolException(
          "resource_type: only \"ecs\" is supported, found " + SpecChecks.quote(resourceType));
    }
    labels = SpecChecks.list("labels", labels);
    if (labels.isEmpty()) {
      throw new ProtocolException(
          "labels: at least one matcher is required (an empty query selects every instance)");
    }
    ports = checkPorts(SpecChecks.map("ports", ports));
    defaultPort =
        SpecChecks.port("default_port", defaultPort == null ? NODE_EXPORTER_PORT : defaultPort);
    accounts = SpecChecks.map("accounts", accounts);
    refresh = SpecChecks.refresh(refresh);
    maxBytes =
        SpecChecks.positive("max_bytes", maxBytes, DEFAULT_MAX_BYTES, SourceSpec.MAX_BODY_LIMIT);
    maxTargets = SpecChecks.maxTargets(maxTargets, DEFAULT_MAX_TARGETS);
    timeout = SpecChecks.timeout(timeout, DEFAULT_TIMEOUT);
  }

  /** A spec with the default limits. */
  public ServiceTreeSourceSpec(
      String url,
      String resourceType,
      List<ServiceTreeMatcher> labels,
      Map<String, List<Integer>> ports,
      Integer defaultPort,
      Map<String, String> accounts,
      Duration refresh) {
    this(url, resourceType, labels, ports, defaultPort, accounts, refresh, null, null, null);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * The ports to scrape for an instance whose {@code stree-app} tag is {@code app} (may be null).
   */
  public List<Integer> portsFor(String app) {
    List<Integer> mapped = app == null ? null : ports.get(app);
    return mapped != null ? mapped : List.of(defaultPort);
  }

  private static Map<String, List<Integer>> checkPorts(Map<String, List<Integer>> ports) {
    for (Map.Entry<String, List<Integer>> e : ports.entrySet()) {
      if (e.getValue().isEmpty()) {
        throw new ProtocolException("ports: " + SpecChecks.quote(e.getKey()) + " lists no port");
      }
      for (Integer p : e.getValue()) {
        SpecChecks.port("ports." + e.getKey(), p);
      }
    }
    TreeMap<String, List<Integer>> copy = new TreeMap<>();
    ports.forEach((app, list) -> copy.put(app, List.copyOf(list)));
    return Map.copyOf(copy);
  }
}
