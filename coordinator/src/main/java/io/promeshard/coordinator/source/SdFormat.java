package io.promeshard.coordinator.source;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes the Prometheus target-group list format shared by file_sd and HTTP SD: {@code
 * [{"targets":["host:port"],"labels":{"k":"v"}}]}. Groups without targets are dropped (as
 * Prometheus does); anything malformed is a {@link ProtocolException} naming the file or URL and
 * the field.
 */
public final class SdFormat {
  /** The wire shape; unlike {@link TargetGroup} it allows empty targets and missing labels. */
  private record RawGroup(List<String> targets, Map<String, String> labels) {}

  private static final TypeReference<List<RawGroup>> GROUPS = new TypeReference<>() {};

  // JSON ignores unknown group fields like Prometheus' encoding/json; YAML is strict like its
  // yaml.UnmarshalStrict
  private static final ObjectReader JSON =
      Json.MAPPER.readerFor(GROUPS).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private SdFormat() {}

  public static List<TargetGroup> json(String where, byte[] bytes) {
    try {
      return convert(where, JSON.readValue(bytes));
    } catch (IOException e) {
      throw Json.error(where, e);
    }
  }

  /** An empty YAML document means no groups. */
  public static List<TargetGroup> yaml(String where, byte[] bytes) {
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return List.of();
    }
    try {
      return convert(where, YAML.readValue(bytes, GROUPS));
    } catch (IOException e) {
      throw Json.error(where, e);
    }
  }

  private static List<TargetGroup> convert(String where, List<RawGroup> raw) {
    if (raw == null) {
      throw new ProtocolException(where + ": expected an array of target groups, found null");
    }
    List<TargetGroup> groups = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      RawGroup g = raw.get(i);
      if (g == null) {
        throw new ProtocolException(where + ": [" + i + "] is null");
      }
      if (g.targets() == null || g.targets().isEmpty()) {
        continue;
      }
      try {
        groups.add(new TargetGroup(g.targets(), g.labels()));
      } catch (ProtocolException e) {
        throw new ProtocolException(where + ": [" + i + "]: " + e.getMessage(), e);
      }
    }
    return groups;
  }
}
