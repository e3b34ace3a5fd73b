package io.promeshard.protocol;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats durations the way Prometheus and Consul write them: {@code 500ms}, {@code
 * 30s}, {@code 5m}, {@code 1h30m}. Errors name the field and the bad value.
 */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:ms|h|m|s))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|h|m|s)");
  private static final Pattern UNITLESS = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

  private Durations() {}

  public static Duration parse(String field, String value) {
    if (value != null && UNITLESS.matcher(value.strip()).matches()) {
      throw unitless(field, Names.quote(value));
    }
    if (value == null || !WHOLE.matcher(value.strip()).matches()) {
      throw new ProtocolException(
          field
              + ": expected a duration such as 500ms, 30s, 5m or 1h30m, found "
              + Names.quote(value));
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(value.strip());
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return total;
  }

  /**
   * The error for a number written without a unit ({@code found} as written, e.g. {@code "30"} or
   * {@code 30}). Seconds and milliseconds would both be guesses, so nothing is assumed; the example
   * reads the number as seconds ({@code "30s"}, or {@code "1500ms"} for 1.5).
   */
  public static ProtocolException unitless(String field, String found) {
    String number = found.replace("\"", "").strip();
    String example = number + "s";
    if (number.contains(".")) {
      BigDecimal millis = new BigDecimal(number).movePointRight(3).stripTrailingZeros();
      example = millis.scale() <= 0 ? millis.toBigInteger() + "ms" : "30s";
    }
    return new ProtocolException(
        field + ": expected a duration with a unit, e.g. \"" + example + "\", found " + found);
  }

  /** Formats without loss in the same syntax, e.g. {@code 1m30s} or {@code 250ms}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long h = d.toHours();
    int m = d.toMinutesPart();
    int s = d.toSecondsPart();
    int ms = d.toMillisPart();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0) {
      sb.append(s).append('s');
    }
    if (ms > 0) {
      sb.append(ms).append("ms");
    }
    return sb.toString();
  }
}
