package io.promeshard.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure checks for what a file_sd target group may carry, so that nothing Prometheus would drop or
 * misread is published silently. Each returns the problem as a message naming the bad value, or
 * empty when the value is fine.
 *
 * <p>Label names in file_sd: Prometheus keeps a target's labels after relabeling only if they do
 * not start with {@code __}. Of those reserved names, a file_sd group may set the ones Prometheus
 * reads from a target: {@code __scheme__}, {@code __metrics_path__}, {@code __param_<name>}, {@code
 * __scrape_interval__}, {@code __scrape_timeout__}, and {@code __meta_*} for relabeling rules to
 * use. {@code __address__} is refused because each entry of {@code targets} overrides it, and any
 * other {@code __} name is refused because Prometheus would drop it unread.
 */
public final class TargetChecks {
  private static final Pattern LEGACY_LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]*)?");
  private static final Pattern DOTTED_DIGITS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private TargetChecks() {}

  /**
   * What is wrong with a target address, if anything. A scraped target must be {@code host:port}
   * with the host a DNS name, an IPv4 address or an IPv6 address in brackets, and the port 1 to
   * 65535. A probe-style job (its scrape settings move the target into a parameter and set {@code
   * __address__} themselves, as blackbox does) may list any non-empty text, e.g. a URL, as long as
   * it has no whitespace or control characters.
   */
  public static Optional<String> addressProblem(String address, boolean probeStyle) {
    if (address == null || address.isEmpty()) {
      return Optional.of("empty address");
    }
    Optional<String> chars = badCharacter(address);
    if (chars.isPresent()) {
      return Optional.of("address " + quote(address) + ": " + chars.get());
    }
    if (probeStyle) {
      return Optional.empty();
    }
    return hostPortProblem(address).map(p -> "address " + quote(address) + ": " + p);
  }

  /**
   * What is wrong with a label name under {@code scheme}, if anything; names starting with {@code
   * __} are checked as the class comment says.
   */
  public static Optional<String> labelNameProblem(String name, LabelNameScheme scheme) {
    if (name == null || name.isEmpty()) {
      return Optional.of("empty label name");
    }
    String quoted = "label name " + quote(name);
    if (scheme == LabelNameScheme.UTF8) {
      Optional<String> utf8 = utf8Problem(name);
      if (utf8.isPresent()) {
        return Optional.of(quoted + ": " + utf8.get());
      }
    } else if (!LEGACY_LABEL.matcher(name).matches()) {
      return Optional.of(
          quoted
              + ": must match [a-zA-Z_][a-zA-Z0-9_]* (or set label_names: utf8 for Prometheus 3)");
    }
    if (name.startsWith("__")) {
      return reservedProblem(name).map(p -> quoted + ": " + p);
    }
    return Optional.empty();
  }

  /** What is wrong with the value of label {@code name}, if anything: it must be valid UTF-8. */
  public static Optional<String> labelValueProblem(String name, String value) {
    if (value == null) {
      return Optional.of("label " + quote(name) + ": no value");
    }
    return utf8Problem(value).map(p -> "label " + quote(name) + ": value is " + p);
  }

  private static Optional<String> reservedProblem(String name) {
    if (name.equals("__address__")) {
      return Optional.of("set by each entry of \"targets\", so a label of this name is ignored");
    }
    boolean allowed =
        name.equals("__scheme__")
            || name.equals("__metrics_path__")
            || name.equals("__scrape_interval__")
            || name.equals("__scrape_timeout__")
            || (name.startsWith("__param_") && name.length() > "__param_".length())
            || (name.startsWith("__meta_") && name.length() > "__meta_".length());
    if (allowed) {
      return Optional.empty();
    }
    return Optional.of(
        "names starting with __ are reserved and dropped by Prometheus; a target may set only"
            + " __scheme__, __metrics_path__, __param_<name>, __scrape_interval__,"
            + " __scrape_timeout__ and __meta_*");
  }

  private static Optional<String> hostPortProblem(String address) {
    if (address.contains("://") || address.contains("/")) {
      return Optional.of(
          "expected host:port, not a URL (scheme and path are scrape settings; a job whose scrape"
              + " settings rewrite __address__, as blackbox does, may list URLs)");
    }
    String host;
    String port;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0) {
        return Optional.of("missing ] after the IPv6 address");
      }
      host = address.substring(1, close);
      String rest = address.substring(close + 1);
      if (!rest.startsWith(":")) {
        return Optional.of("expected [IPv6]:port, e.g. [2001:db8::1]:9100");
      }
      port = rest.substring(1);
      if (!isIpv6(host)) {
        return Optional.of(quote(host) + " is not an IPv6 address");
      }
    } else {
      int colon = address.lastIndexOf(':');
      if (colon < 0) {
        return Optional.of("missing port: expected host:port, e.g. " + address + ":9100");
      }
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        return Optional.of(
            "an IPv6 address goes in brackets: expected [IPv6]:port, e.g. [2001:db8::1]:9100");
      }
      Optional<String> hostProblem = hostProblem(host);
      if (hostProblem.isPresent()) {
        return hostProblem;
      }
    }
    return portProblem(port);
  }

  private static Optional<String> hostProblem(String host) {
    if (host.isEmpty()) {
      return Optional.of("missing host: expected host:port");
    }
    if (DOTTED_DIGITS.matcher(host).matches()) {
      return IPV4.matcher(host).matches()
          ? Optional.empty()
          : Optional.of(quote(host) + " is not an IPv4 address");
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.length() > 253) {
      return Optional.of("host name longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || !DNS_LABEL.matcher(label).matches()
          || label.endsWith("-")) {
        return Optional.of(
            quote(host) + " is not a host name (dot-separated labels of letters, digits, - and _)");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> portProblem(String port) {
    if (port.isEmpty()) {
      return Optional.of("missing port after ':'");
    }
    if (!PORT.matcher(port).matches()
        || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      return Optional.of("port " + quote(port) + " is not a number from 1 to 65535");
    }
    return Optional.empty();
  }

  static boolean isIpv6(String host) {
    String addr = host;
    int percent = host.indexOf('%');
    if (percent >= 0) {
      if (!ZONE.matcher(host.substring(percent + 1)).matches()) {
        return false;
      }
      addr = host.substring(0, percent);
    }
    int groups = 8;
    int lastColon = addr.lastIndexOf(':');
    if (lastColon >= 0 && addr.indexOf('.', lastColon) > 0) {
      if (!IPV4.matcher(addr.substring(lastColon + 1)).matches()) {
        return false;
      }
      // the embedded IPv4 address takes the place of the last two groups
      addr = addr.substring(0, lastColon + 1) + "0:0";
    }
    int gap = addr.indexOf("::");
    if (gap != addr.lastIndexOf("::")) {
      return false;
    }
    if (gap < 0) {
      return hexGroups(addr) == groups;
    }
    int head = gap == 0 ? 0 : hexGroups(addr.substring(0, gap));
    int tail = gap + 2 == addr.length() ? 0 : hexGroups(addr.substring(gap + 2));
    return head >= 0 && tail >= 0 && head + tail < groups;
  }

  /** Number of colon-separated hex groups, or -1 if any is not 1 to 4 hex digits. */
  private static int hexGroups(String s) {
    String[] parts = s.split(":", -1);
    for (String p : parts) {
      if (!HEX_GROUP.matcher(p).matches()) {
        return -1;
      }
    }
    return parts.length;
  }

  private static Optional<String> badCharacter(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        return Optional.of(String.format("whitespace U+%04X at index %d", cp, i));
      }
      if (Character.isISOControl(cp)) {
        return Optional.of(String.format("control character U+%04X at index %d", cp, i));
      }
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        return Optional.of("not valid UTF-8 (unpaired surrogate at index " + i + ")");
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  /**
   * Quotes {@code s} for a one-line message: quotes, backslashes and invisible characters escaped.
   */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          boolean invisible =
              Character.isISOControl(c)
                  || Character.isWhitespace(c)
                  || Character.isSpaceChar(c)
                  || (Character.isSurrogate(c) && !wellPaired(s, i));
          if (c == ' ' || !invisible) {
            sb.append(c);
          } else {
            sb.append(String.format("\\u%04x", (int) c));
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static boolean wellPaired(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  private static Optional<String> utf8Problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return Optional.of("not valid UTF-8 (unpaired surrogate at index " + i + ")");
      }
    }
    return Optional.empty();
  }
}
