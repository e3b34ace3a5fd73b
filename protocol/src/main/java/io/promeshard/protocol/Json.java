package io.promeshard.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The JSON codec for KV values. Operator configuration is decoded strictly: unknown fields, missing
 * primitives and trailing tokens are errors whose message names the key being decoded and the
 * offending field. What one prome-shard process writes for another (manifests and share parts) is
 * decoded by {@link #decodeWire} leniently about unknown fields, so processes of different versions
 * work together during a rolling upgrade. Encoding is compact and deterministic (sorted map keys),
 * so equal payloads have equal checksums.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .addModule(durations())
          .build();

  /** {@link #MAPPER} ignoring unknown fields: for what a newer version may have written. */
  private static final ObjectMapper WIRE =
      MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final TypeReference<List<TargetGroup>> TARGET_GROUPS = new TypeReference<>() {};
  private static final TypeReference<List<RecordRule>> RECORD_RULES = new TypeReference<>() {};

  private Json() {}

  public static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(
          "encoding " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Decodes {@code bytes} read from {@code where} (a key or file name used in the error message).
   */
  public static <T> T decode(String where, byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw error(where, e);
    }
  }

  public static <T> T decode(String where, byte[] bytes, TypeReference<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw error(where, e);
    }
  }

  /**
   * Decodes what another prome-shard process wrote ({@code where} names it in errors), ignoring
   * fields this build does not know; everything else is checked as strictly as by {@link #decode}.
   */
  public static <T> T decodeWire(String where, byte[] bytes, Class<T> type) {
    try {
      return WIRE.readValue(bytes, type);
    } catch (IOException e) {
      throw error(where, e);
    }
  }

  /**
   * A share part's target groups, read as {@link #decodeWire} reads (in the form this project
   * writes them, by {@link TargetGroupsReader}, several times faster).
   */
  public static List<TargetGroup> decodeTargetGroups(String where, byte[] bytes) {
    List<TargetGroup> plain = TargetGroupsReader.read(WIRE.getFactory(), bytes);
    return plain != null ? plain : nonNull(where, wire(where, bytes, TARGET_GROUPS));
  }

  /** A share part's recording rules, read as {@link #decodeWire} reads. */
  public static List<RecordRule> decodeRecordRules(String where, byte[] bytes) {
    return nonNull(where, wire(where, bytes, RECORD_RULES));
  }

  private static <T> T wire(String where, byte[] bytes, TypeReference<T> type) {
    try {
      return WIRE.readValue(bytes, type);
    } catch (IOException e) {
      throw error(where, e);
    }
  }

  private static <T> List<T> nonNull(String where, List<T> list) {
    if (list == null) {
      throw new ProtocolException(where + ": expected a JSON array, found null");
    }
    if (list.contains(null)) {
      throw new ProtocolException(where + ": array contains null");
    }
    return List.copyOf(list);
  }

  /** Durations are strings such as "30s" or "1h30m" in every JSON and YAML value. */
  public static SimpleModule durations() {
    SimpleModule module = new SimpleModule("prome-shard-durations");
    module.addSerializer(
        Duration.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(Durations.format(value));
          }
        });
    module.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext ctxt)
              throws IOException {
            String field = p.currentName() == null ? "duration" : p.currentName();
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
                || p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
              throw Durations.unitless(field, p.getText());
            }
            if (p.currentToken() != JsonToken.VALUE_STRING) {
              throw new ProtocolException(
                  field + ": expected a duration string such as \"30s\", found " + p.getText());
            }
            return Durations.parse(field, p.getText());
          }
        });
    return module;
  }

  /**
   * Turns a Jackson failure into a one-line message naming the key, the field path and the problem.
   */
  public static ProtocolException error(String where, IOException e) {
    String path = "";
    if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
      path = " at " + pathOf(jme);
    }
    String message;
    if (e instanceof UnrecognizedPropertyException upe) {
      message = "unknown field \"" + upe.getPropertyName() + "\"";
      path = upe.getPath().size() > 1 ? " at " + pathOf(upe).replaceAll("\\.[^.\\[]+$", "") : "";
    } else if (e instanceof ValueInstantiationException vie && vie.getCause() != null) {
      message = vie.getCause().getMessage();
    } else if (e instanceof JsonProcessingException jpe) {
      message = jpe.getOriginalMessage();
    } else {
      message = e.getMessage();
    }
    return new ProtocolException(where + ": " + message + path, e);
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
