package io.promeshard.coordinator.config;

import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.util.List;

/**
 * Inline target groups: {@code
 * {"type":"static","groups":[{"targets":["a:9100"],"labels":{"env":"prod"}}]}}. An empty or missing
 * {@code groups} list is a {@link ProtocolException}.
 */
public record StaticSourceSpec(List<TargetGroup> groups) implements SourceSpec {
  public static final String TYPE = "static";

  public StaticSourceSpec {
    groups = SpecChecks.list("groups", groups);
    if (groups.isEmpty()) {
      throw new ProtocolException("groups: a static source needs at least one target group");
    }
  }

  @Override
  public String type() {
    return TYPE;
  }
}
