package io.promeshard.coordinator.config;

import io.promeshard.protocol.ProtocolException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Passing instances of one Consul catalog service, optionally filtered by tags (all must match) and
 * datacenter: {@code
 * {"type":"consul","service":"node-exporter","tags":["prod"],"datacenter":"dc1"}}. A missing or
 * malformed service name or tag is a {@link ProtocolException}.
 */
public record ConsulSourceSpec(String service, List<String> tags, String datacenter)
    implements SourceSpec {
  public static final String TYPE = "consul";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  public ConsulSourceSpec {
    SpecChecks.nonBlank("service", service);
    if (!NAME.matcher(service).matches()) {
      throw new ProtocolException(
          "service: invalid Consul service name " + SpecChecks.quote(service));
    }
    tags = SpecChecks.list("tags", tags);
    for (String tag : tags) {
      if (tag.isBlank()) {
        throw new ProtocolException("tags: empty tag");
      }
    }
    if (datacenter != null && !NAME.matcher(datacenter).matches()) {
      throw new ProtocolException(
          "datacenter: invalid datacenter name " + SpecChecks.quote(datacenter));
    }
  }

  @Override
  public String type() {
    return TYPE;
  }
}
