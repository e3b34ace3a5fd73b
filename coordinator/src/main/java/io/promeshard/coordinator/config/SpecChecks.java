package io.promeshard.coordinator.config;

import io.promeshard.protocol.Durations;
import io.promeshard.protocol.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * Shared checks for source spec fields; each failure is a {@link ProtocolException} naming the
 * field and value.
 */
final class SpecChecks {
  private SpecChecks() {}

  static HttpUrl httpUrl(String field, String value) {
    HttpUrl url = value == null ? null : HttpUrl.parse(value);
    if (url == null) {
      throw new ProtocolException(
          field + ": expected an http:// or https:// URL, found " + quote(value));
    }
    return url;
  }

  static String nonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new ProtocolException(field + ": required, found " + quote(value));
    }
    return value;
  }

  static int port(String field, Integer value) {
    if (value == null || value < 1 || value > 65535) {
      throw new ProtocolException(field + ": expected a port 1..65535, found " + value);
    }
    return value;
  }

  static <T> List<T> list(String field, List<T> value) {
    if (value == null) {
      return List.of();
    }
    for (T item : value) {
      if (item == null) {
        throw new ProtocolException(field + ": contains null");
      }
    }
    return List.copyOf(value);
  }

  static <V> Map<String, V> map(String field, Map<String, V> value) {
    if (value == null) {
      return Map.of();
    }
    for (Map.Entry<String, V> e : value.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new ProtocolException(field + ": entry " + quote(e.getKey()) + " has no value");
      }
    }
    return Map.copyOf(value);
  }

  /** Applies the default refresh and rejects intervals below {@link SourceSpec#MIN_REFRESH}. */
  static Duration refresh(Duration value) {
    if (value == null) {
      return SourceSpec.DEFAULT_REFRESH;
    }
    if (value.compareTo(SourceSpec.MIN_REFRESH) < 0) {
      throw new ProtocolException(
          "refresh: must be at least "
              + Durations.format(SourceSpec.MIN_REFRESH)
              + ", found "
              + Durations.format(value));
    }
    return value;
  }

  /** Applies {@code fallback} and rejects values outside {@code 1..max}. */
  static long positive(String field, Long value, long fallback, long max) {
    if (value == null) {
      return fallback;
    }
    if (value < 1 || value > max) {
      throw new ProtocolException(field + ": expected 1.." + max + ", found " + value);
    }
    return value;
  }

  /** A target-count limit: {@code fallback} when absent, else 1 up to the largest int. */
  static int maxTargets(Integer value, int fallback) {
    return (int)
        positive(
            "max_targets", value == null ? null : value.longValue(), fallback, Integer.MAX_VALUE);
  }

  /** Applies {@code fallback} and rejects timeouts below {@link SourceSpec#MIN_TIMEOUT}. */
  static Duration timeout(Duration value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.compareTo(SourceSpec.MIN_TIMEOUT) < 0) {
      throw new ProtocolException(
          "timeout: must be at least "
              + Durations.format(SourceSpec.MIN_TIMEOUT)
              + ", found "
              + Durations.format(value));
    }
    return value;
  }

  static String quote(String s) {
    return s == null ? "null" : '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
