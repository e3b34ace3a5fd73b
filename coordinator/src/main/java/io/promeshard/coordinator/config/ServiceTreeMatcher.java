package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.promeshard.protocol.ProtocolException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher of a service-tree query, sent as is: type 1 eq ({@code key=value}), 2 not_eq
 * ({@code key!=value}), 3 regex ({@code key=~value}), 4 not regex ({@code key!~value}). Another
 * type, a blank key or a regex that does not compile is a {@link ProtocolException}.
 */
@JsonPropertyOrder({"key", "value", "type"})
public record ServiceTreeMatcher(String key, String value, Integer type) {
  public static final int EQ = 1;
  public static final int NOT_EQ = 2;
  public static final int REGEX = 3;
  public static final int NOT_REGEX = 4;

  public ServiceTreeMatcher {
    SpecChecks.nonBlank("labels.key", key);
    if (value == null) {
      throw new ProtocolException(
          "labels: matcher for " + SpecChecks.quote(key) + " has no \"value\"");
    }
    if (type == null || type < EQ || type > NOT_REGEX) {
      throw new ProtocolException(
          "labels: matcher for "
              + SpecChecks.quote(key)
              + ": type must be 1 (eq), 2 (not_eq), 3 (regex) or 4 (not regex), found "
              + type);
    }
    if (type >= REGEX) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new ProtocolException(
            "labels: matcher for "
                + SpecChecks.quote(key)
                + ": invalid regex "
                + SpecChecks.quote(value)
                + " ("
                + e.getDescription()
                + ")",
            e);
      }
    }
  }

  /** Prometheus-style notation for logs, e.g. {@code stree-app=~"kafka|zk"}. */
  @Override
  public String toString() {
    String op =
        switch (type) {
          case EQ -> "=";
          case NOT_EQ -> "!=";
          case REGEX -> "=~";
          default -> "!~";
        };
    return key + op + SpecChecks.quote(value);
  }
}
