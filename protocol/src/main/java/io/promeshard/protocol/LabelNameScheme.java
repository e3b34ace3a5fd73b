package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Which label names the fleet's Prometheus accepts: {@code legacy} ({@code [a-zA-Z_][a-zA-Z0-9_]*},
 * every release) or {@code utf8} (any non-empty UTF-8 string, Prometheus 3 and later). An unknown
 * name in JSON is an error that lists both.
 */
public enum LabelNameScheme {
  LEGACY,
  UTF8;

  /** The name used in JSON settings: {@code "legacy"} or {@code "utf8"}. */
  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static LabelNameScheme fromJson(String name) {
    for (LabelNameScheme s : values()) {
      if (s.jsonName().equals(name)) {
        return s;
      }
    }
    throw new ProtocolException(
        "label name scheme: expected \"legacy\" or \"utf8\", found " + Names.quote(name));
  }
}
