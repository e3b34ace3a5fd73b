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

  static String quote(String s) {
    return s == null ? "null" : '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
