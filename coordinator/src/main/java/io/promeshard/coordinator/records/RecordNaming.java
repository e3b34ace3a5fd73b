package io.promeshard.coordinator.records;

import io.promeshard.protocol.RecordRule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names a heavy query's recording rule {@code <prefix>:heavy_expr:<md5 hex>}, the md5 taken over
 * the expression's UTF-8 bytes exactly as given (no whitespace or syntax normalisation, so a query
 * proxy can compute the same name from the query string it receives). A prefix that is not a valid
 * start of a metric name throws IllegalArgumentException naming {@code --prefix-name} and the
 * value.
 */
public record RecordNaming(String prefix) {
  public static final String DEFAULT_PREFIX = "hke";
  public static final String INFIX = ":heavy_expr:";
  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_:]{0,63}");

  public RecordNaming {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "--prefix-name: expected a metric name prefix such as \"hke\" "
              + "([a-zA-Z_][a-zA-Z0-9_:]*, at most 64 characters), found \""
              + prefix
              + "\"");
    }
  }

  public static RecordNaming defaults() {
    return new RecordNaming(DEFAULT_PREFIX);
  }

  /** The record name for {@code expr}. */
  public String name(String expr) {
    return prefix + INFIX + md5Hex(expr);
  }

  /** The recording rule for {@code expr}; a blank expression throws ProtocolException. */
  public RecordRule rule(String expr) {
    return new RecordRule(name(expr), expr);
  }

  static String md5Hex(String s) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no MD5", e);
    }
  }
}
