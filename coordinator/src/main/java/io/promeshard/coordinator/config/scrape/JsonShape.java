package io.promeshard.coordinator.config.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The value-shape checks of a scrape config in JSON: each takes the key path of the value (e.g.
 * {@code scrape.relabel_configs[1].regex}) and throws a {@link ProtocolException} whose message
 * starts with that path, then says what was expected and what was found.
 */
final class JsonShape {
  private JsonShape() {}

  static ProtocolException error(String path, String message) {
    return new ProtocolException(path + ": " + message);
  }

  static String at(String parent, String key) {
    return parent + "." + key;
  }

  static String at(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /**
   * Rejects any key of {@code object} outside {@code known}: a secret key (of {@code secrets},
   * mapped to the file form to use instead) with a message saying so, any other with the closest
   * known key when one is close.
   */
  static void keys(String path, JsonNode object, Set<String> known, Map<String, String> secrets) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (secrets.containsKey(key)) {
        throw error(
            at(path, key),
            "a secret is never kept in Consul; put it in a file on each Prometheus server and set "
                + Names.quote(secrets.get(key))
                + " to its path");
      }
      if (!known.contains(key)) {
        throw error(at(path, key), "unknown key" + KeyHints.closest(key, known));
      }
    }
  }

  static JsonNode object(String path, JsonNode value) {
    if (!value.isObject()) {
      throw expected(path, "an object", value);
    }
    return value;
  }

  static JsonNode list(String path, JsonNode value) {
    if (!value.isArray()) {
      throw expected(path, "a list", value);
    }
    return value;
  }

  static String string(String path, JsonNode value) {
    if (!value.isTextual()) {
      throw expected(path, "a string", value);
    }
    return value.asText();
  }

  static String nonEmpty(String path, JsonNode value) {
    String s = string(path, value);
    if (s.isEmpty()) {
      throw error(path, "must not be empty");
    }
    return s;
  }

  static boolean bool(String path, JsonNode value) {
    if (!value.isBoolean()) {
      throw expected(path, "true or false", value);
    }
    return value.asBoolean();
  }

  /** A whole number from 0 up, as Prometheus' unsigned limits take. */
  static long count(String path, JsonNode value) {
    if (!value.isIntegralNumber() || value.bigIntegerValue().signum() < 0) {
      throw expected(path, "a whole number >= 0", value);
    }
    return value.canConvertToLong() ? value.asLong() : Long.MAX_VALUE;
  }

  static double nonNegativeNumber(String path, JsonNode value) {
    if (!value.isNumber() || value.asDouble() < 0) {
      throw expected(path, "a number >= 0", value);
    }
    return value.asDouble();
  }

  static List<String> strings(String path, JsonNode value) {
    list(path, value);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      out.add(string(at(path, i), value.get(i)));
    }
    return out;
  }

  /** One of {@code allowed}, exactly as written there. */
  static String oneOf(String path, JsonNode value, List<String> allowed) {
    String s = string(path, value);
    if (!allowed.contains(s)) {
      throw error(path, "expected one of " + quoted(allowed) + ", found " + Names.quote(s));
    }
    return s;
  }

  /** An object of names to strings, e.g. oauth2's {@code endpoint_params}. */
  static void stringMap(String path, JsonNode value) {
    object(path, value).fields().forEachRemaining(e -> string(at(path, e.getKey()), e.getValue()));
  }

  /** An object of names to lists of strings, e.g. {@code params}. */
  static void stringListMap(String path, JsonNode value) {
    object(path, value).fields().forEachRemaining(e -> strings(at(path, e.getKey()), e.getValue()));
  }

  static ProtocolException expected(String path, String what, JsonNode found) {
    return error(path, "expected " + what + ", found " + kind(found));
  }

  static String quoted(List<String> values) {
    return String.join(", ", values.stream().map(Names::quote).toList());
  }

  /** How a value reads in a message: {@code a list}, {@code the string "x"}, {@code 5}. */
  static String kind(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isTextual()) {
      return "the string " + Names.quote(node.asText());
    }
    return node.toString().toLowerCase(Locale.ROOT);
  }
}
