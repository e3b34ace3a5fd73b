package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One target source of a job, as written in the job spec JSON: an object whose {@code "type"} field
 * selects the record. Decoding is strict (through {@link Json#MAPPER}): an unknown type, an unknown
 * field or a bad value is a {@link ProtocolException} naming the field and the value.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeIdResolver(SourceTypeResolver.class)
public sealed interface SourceSpec
    permits StaticSourceSpec,
        FileSourceSpec,
        HttpSdSourceSpec,
        ConsulSourceSpec,
        ServiceTreeSourceSpec {

  /** Polling sources refresh this often unless the spec says otherwise. */
  Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  /** Shortest refresh accepted, so a typo ("1ms") cannot hammer an API. */
  Duration MIN_REFRESH = Duration.ofSeconds(1);

  /** Shortest request timeout accepted by the HTTP sources. */
  Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  /**
   * Largest {@code max_bytes} accepted: the response body is held in memory while it is parsed, so
   * the limit must stay well below the coordinator's heap.
   */
  long MAX_BODY_LIMIT = 256L * 1024 * 1024;

  /** The {@code "type"} value of this spec, e.g. {@code "file"}. */
  @JsonIgnore
  String type();

  /** Decodes one source object; {@code where} names the key or file in error messages. */
  static SourceSpec parse(String where, byte[] json) {
    return Json.decode(where, json, SourceSpec.class);
  }

  /** Decodes a JSON array of source objects. */
  static List<SourceSpec> parseList(String where, byte[] json) {
    List<SourceSpec> specs = Json.decode(where, json, new TypeReference<List<SourceSpec>>() {});
    if (specs == null || specs.contains(null)) {
      throw new ProtocolException(where + ": expected an array of source objects");
    }
    return List.copyOf(specs);
  }

  /** Encodes back to the JSON the spec was read from (with defaults filled in). */
  static String encode(SourceSpec spec) {
    try {
      return Json.MAPPER.writerFor(SourceSpec.class).writeValueAsString(spec);
    } catch (IOException e) {
      throw new ProtocolException("encoding " + spec.type() + " source: " + e.getMessage(), e);
    }
  }
}
