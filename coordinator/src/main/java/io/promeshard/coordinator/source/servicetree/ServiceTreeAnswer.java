package io.promeshard.coordinator.source.servicetree;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a service-tree answer {@code {"result":[...]}} one instance at a time, keeping only what
 * {@link ServiceTreeMapping} uses of each. A key given twice, a missing or non-array {@code
 * result}, anything after the answer, or more than {@code maxInstances} instances is a {@link
 * ProtocolException} naming the answer (and the key or the limit).
 */
final class ServiceTreeAnswer {
  // binds one instance at a time; parse() checks what follows the answer
  private static final ObjectReader READER =
      Json.MAPPER
          .reader()
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ServiceTreeAnswer() {}

  static List<ServiceTreeMapping.Instance> parse(String where, byte[] body, int maxInstances) {
    try (JsonParser p = READER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw expected(where, p.currentToken() == null ? "nothing" : p.currentToken().toString());
      }
      List<ServiceTreeMapping.Instance> instances = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("result")) {
          p.skipChildren(); // code, message, paging: nothing the mapping needs
        } else if (value != JsonToken.START_ARRAY) {
          throw expected(where, "\"result\": " + value);
        } else {
          instances = instances(where, p, maxInstances);
        }
      }
      if (p.nextToken() != null) {
        throw new ProtocolException(where + ": unexpected " + p.currentToken() + " after answer");
      }
      if (instances == null) {
        throw expected(where, "no \"result\"");
      }
      return instances;
    } catch (IOException e) {
      throw Json.error(where, e);
    }
  }

  private static List<ServiceTreeMapping.Instance> instances(
      String where, JsonParser p, int maxInstances) throws IOException {
    List<ServiceTreeMapping.Instance> out = new ArrayList<>();
    for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
      if (i >= maxInstances) {
        throw new ProtocolException(where + ": over max_targets " + maxInstances + " instances");
      }
      JsonNode node = READER.readTree(p);
      out.add(ServiceTreeMapping.instance(where, i, node));
    }
    return out;
  }

  private static ProtocolException expected(String where, String found) {
    return new ProtocolException(where + ": expected {\"result\":[...]}, found " + found);
  }
}
