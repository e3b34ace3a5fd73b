package io.promeshard.coordinator.config.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Names;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and byte sizes as Prometheus reads them in its configuration: durations such as {@code
 * 30s}, {@code 1m30s} or {@code 1d} (units y, w, d, h, m, s, ms, biggest first, each once; {@code
 * 0} alone), sizes such as {@code 10MB} or {@code 512KiB} (both 1024-based; {@code 0} alone).
 */
final class PromUnits {
  private static final Pattern DURATION =
      Pattern.compile(
          "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?"
              + "(?:([0-9]+)ms)?");
  private static final long[] MILLIS = {
    365L * 24 * 3600 * 1000,
    7L * 24 * 3600 * 1000,
    24L * 3600 * 1000,
    3600 * 1000,
    60 * 1000,
    1000,
    1
  };
  private static final Pattern SIZE =
      Pattern.compile("(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i?)?B)+");

  private PromUnits() {}

  /** The duration at {@code path} in milliseconds; a malformed one is an error naming the path. */
  static long durationMillis(String path, JsonNode value) {
    String s = JsonShape.string(path, value);
    Matcher m = DURATION.matcher(s);
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty() || !m.matches()) {
      throw JsonShape.error(
          path,
          "expected a duration such as \"30s\", \"1m30s\" or \"1h\" (units y, w, d, h, m, s, ms),"
              + " found "
              + Names.quote(s));
    }
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < MILLIS.length; i++) {
      if (m.group(i + 1) != null) {
        total = total.add(new BigDecimal(m.group(i + 1)).multiply(BigDecimal.valueOf(MILLIS[i])));
      }
    }
    if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0) {
      throw JsonShape.error(path, "duration out of range: " + Names.quote(s));
    }
    return total.longValueExact();
  }

  /** Checks the byte size at {@code path}. */
  static void size(String path, JsonNode value) {
    String s = JsonShape.string(path, value);
    if (!s.equals("0") && !SIZE.matcher(s).matches()) {
      throw JsonShape.error(
          path,
          "expected a size such as \"10MB\", \"512KiB\" or \"0\" (no limit), found "
              + Names.quote(s));
    }
  }
}
