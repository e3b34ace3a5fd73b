package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the coordinator lays out shares in KV ({@code share_encoding} in {@code config/settings}).
 * {@link #COMPACT}, the default, writes gzip-compressed base parts plus small delta parts, so a
 * membership change writes about what moved (manifest format {@link NodeManifest#FORMAT_COMPACT});
 * {@link #PLAIN} writes every changed part whole as JSON (format 0, or 1 with scrape settings),
 * which agents before the compact layout read: keep it until every agent is upgraded.
 */
public enum ShareEncoding {
  COMPACT("compact"),
  PLAIN("plain");

  private final String name;

  ShareEncoding(String name) {
    this.name = name;
  }

  @JsonValue
  public String configName() {
    return name;
  }

  /**
   * The encoding named {@code value} in {@code config/settings}.
   *
   * @throws ProtocolException naming {@code share_encoding} for anything but the two names
   */
  @JsonCreator
  public static ShareEncoding parse(String value) {
    for (ShareEncoding e : values()) {
      if (e.name.equals(value)) {
        return e;
      }
    }
    throw new ProtocolException(
        "share_encoding: expected \"compact\" or \"plain\", found " + Names.quote(value));
  }
}
