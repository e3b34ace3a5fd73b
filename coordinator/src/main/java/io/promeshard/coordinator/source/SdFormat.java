package io.promeshard.coordinator.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Decodes the Prometheus target-group list format shared by file_sd and HTTP SD: {@code
 * [{"targets":["host:port"],"labels":{"k":"v"}}]}. Groups without targets are dropped (as
 * Prometheus does); anything malformed — including a key given twice, which Prometheus rejects too
 * — is a {@link ProtocolException} naming the file or URL and the field. Groups are decoded one at
 * a time, so a list over {@code maxTargets} targets fails as soon as the count is passed.
 */
public final class SdFormat {
  /**
   * The largest YAML document read, in code points: 64 Mi, well above SnakeYAML's default of 3 MB
   * that large file_sd files exceed. Files are written by the operator's own tooling, so the bound
   * is a guard against a runaway file, not a quota.
   */
  public static final int MAX_YAML_CODE_POINTS = 64 * 1024 * 1024;

  /** No target limit, for files. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /** The wire shape; unlike {@link TargetGroup} it allows empty targets and missing labels. */
  private record RawGroup(List<String> targets, Map<String, String> labels) {}

  // JSON ignores unknown group fields like Prometheus' encoding/json; YAML is strict like its
  // yaml.UnmarshalStrict. Each reader binds one group of the list; decode() checks what follows.
  private static final ObjectReader JSON =
      Json.MAPPER
          .readerFor(RawGroup.class)
          .without(
              DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
              DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonFactory JSON_FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final YAMLMapper YAML_MAPPER =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .loaderOptions(yamlLimits())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private static final ObjectReader YAML = YAML_MAPPER.readerFor(RawGroup.class);

  private SdFormat() {}

  private static LoaderOptions yamlLimits() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_YAML_CODE_POINTS);
    return options;
  }

  public static List<TargetGroup> json(String where, byte[] bytes) {
    return json(where, bytes, UNLIMITED);
  }

  /** Decodes JSON holding at most {@code maxTargets} targets (counted before empty groups drop). */
  public static List<TargetGroup> json(String where, byte[] bytes, int maxTargets) {
    try (JsonParser p = JSON_FACTORY.createParser(bytes)) {
      return decode(where, p, JSON, maxTargets);
    } catch (IOException e) {
      throw Json.error(where, e);
    }
  }

  /** An empty YAML document means no groups. */
  public static List<TargetGroup> yaml(String where, byte[] bytes) {
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return List.of();
    }
    try (JsonParser p = YAML_MAPPER.getFactory().createParser(bytes)) {
      return decode(where, p, YAML, UNLIMITED);
    } catch (IOException e) {
      throw Json.error(where, e);
    }
  }

  private static List<TargetGroup> decode(
      String where, JsonParser p, ObjectReader reader, int maxTargets) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new ProtocolException(where + ": empty, expected an array of target groups");
    }
    if (first != JsonToken.START_ARRAY) {
      throw new ProtocolException(
          where + ": expected an array of target groups, found " + describe(p, first));
    }
    List<TargetGroup> groups = new ArrayList<>();
    long targets = 0;
    for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        throw new ProtocolException(where + ": [" + i + "] is null");
      }
      RawGroup g;
      try {
        g = reader.readValue(p);
      } catch (IOException e) {
        throw Json.error(where + ": [" + i + "]", e);
      }
      if (g.targets() == null || g.targets().isEmpty()) {
        continue;
      }
      targets += g.targets().size();
      if (targets > maxTargets) {
        throw new ProtocolException(
            where + ": over max_targets " + maxTargets + " (at group [" + i + "])");
      }
      try {
        groups.add(new TargetGroup(g.targets(), g.labels()));
      } catch (ProtocolException e) {
        throw new ProtocolException(where + ": [" + i + "]: " + e.getMessage(), e);
      }
    }
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      throw new ProtocolException(
          where + ": unexpected " + describe(p, trailing) + " after the array of target groups");
    }
    return groups;
  }

  private static String describe(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> token.isScalarValue() ? "\"" + p.getText() + "\"" : token.toString();
    };
  }
}
