package io.promeshard.protocol;

import java.util.regex.Pattern;

/**
 * Validates the names that become KV path segments and file names on the agent (node, job, rule
 * group). Anything outside {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,127}} is rejected, so no name can
 * traverse a path; {@code .} and {@code ..} cannot match because the first character is
 * alphanumeric.
 */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private Names() {}

  /** A Consul service name as the agents register it and the coordinator watches it. */
  public static boolean isServiceName(String name) {
    return name != null && SERVICE.matcher(name).matches();
  }

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Returns {@code name} or throws naming {@code what} (e.g. "node", "job") and the bad value. */
  public static String require(String what, String name) {
    if (!isValid(name)) {
      throw new ProtocolException(
          what + ": invalid name " + quote(name) + " (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127})");
    }
    return name;
  }

  public static String node(String name) {
    return require("node", name);
  }

  public static String job(String name) {
    return require("job", name);
  }

  public static String group(String name) {
    return require("rule group", name);
  }

  public static boolean isLabelName(String name) {
    return name != null && LABEL.matcher(name).matches();
  }

  public static boolean isMetricName(String name) {
    return name != null && METRIC.matcher(name).matches();
  }

  /** Longest text {@link #quote} shows before it cuts. */
  static final int QUOTE_MAX = 120;

  /**
   * {@code s} in double quotes for an error message: quotes, backslashes and control characters
   * escaped, and cut after {@value #QUOTE_MAX} characters, so a hostile value cannot flood or forge
   * a log line.
   */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), QUOTE_MAX) + 16).append('"');
    for (int i = 0; i < s.length() && i < QUOTE_MAX; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (Character.isISOControl(c)) {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (s.length() > QUOTE_MAX) {
      out.append("...(").append(s.length()).append(" chars)");
    }
    return out.append('"').toString();
  }
}
