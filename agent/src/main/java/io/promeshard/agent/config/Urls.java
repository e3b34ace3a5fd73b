package io.promeshard.agent.config;

import io.promeshard.protocol.ProtocolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Checks of URL, address and duration settings; failures are ProtocolExceptions naming the key and
 * the value.
 */
final class Urls {
  private Urls() {}

  /** An http(s) URL with a host and no query or fragment, without a trailing slash. */
  static URI http(String key, String value) {
    URI uri;
    try {
      uri = new URI(value == null ? "" : value.strip());
    } catch (URISyntaxException e) {
      throw new ProtocolException(key + ": expected http(s) URL, found " + value, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new ProtocolException(key + ": expected http(s) URL, found " + value);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ProtocolException(key + ": query and fragment are not allowed, found " + value);
    }
    String s = uri.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }

  /**
   * An http(s) URL whose path ends in {@code /-/reload}, so Prometheus' /metrics can be found
   * beside it.
   */
  static URI reload(String key, String value) {
    URI uri = http(key, value);
    if (uri.getRawPath() == null || !uri.getRawPath().endsWith("/-/reload")) {
      throw new ProtocolException(
          key + ": expected a URL whose path ends in /-/reload, found " + value);
    }
    return uri;
  }

  static Duration positive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new ProtocolException(key + ": expected a positive duration, found " + d);
    }
    return d;
  }

  /** {@code host:port} ({@code [v6]:port} too), or "" to disable. */
  static String listen(String key, String value) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty()) {
      return "";
    }
    int colon = v.lastIndexOf(':');
    String port = colon < 0 ? "" : v.substring(colon + 1);
    if (colon < 0 || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      throw new ProtocolException(
          key + ": expected host:port (or \"\" to disable), found \"" + value + "\"");
    }
    return v;
  }
}
