package io.promeshard.agent.config;

import io.promeshard.protocol.ProtocolException;
import java.util.Locale;

/** The {@code reload_on} setting: which changes make the agent reload Prometheus. */
public enum ReloadOn {
  /**
   * Only when a rule file or a scrape config changed: Prometheus re-reads file_sd files by itself.
   */
  RULES,
  /** After any change to an output file. */
  ALWAYS,
  /** Never; rule files and scrape configs are written and an operator or another tool reloads. */
  NEVER;

  /**
   * Parses {@code rules}, {@code always} or {@code never}; anything else is a ProtocolException
   * naming the key.
   */
  public static ReloadOn parse(String value) {
    if (value == null) {
      return RULES;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "rules" -> RULES;
      case "always" -> ALWAYS;
      case "never" -> NEVER;
      default ->
          throw new ProtocolException(
              "reload_on: expected rules, always or never, found \"" + value + "\"");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
