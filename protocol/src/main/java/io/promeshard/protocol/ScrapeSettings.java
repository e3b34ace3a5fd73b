package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A job's own scrape settings: a Prometheus {@code scrape_config} as a JSON object, with
 * Prometheus' key names, minus what prome-shard sets itself: {@code job_name} (the job's name) and
 * the service discovery ({@code file_sd_configs} pointing at the job's target file on each node).
 * This type only guards that boundary; the coordinator checks the settings themselves before they
 * are published, and the agent's check command and Prometheus' reload check them again.
 *
 * <p>Immutable: it holds its own copy of the object and hands out copies.
 */
public final class ScrapeSettings {
  private final ObjectNode settings;
  private final String text;

  private ScrapeSettings(ObjectNode settings) {
    this.settings = settings;
    this.text = settings.toString();
  }

  /**
   * The settings in {@code node}, which must be a JSON object without {@code job_name}, {@code
   * static_configs} or any {@code *_sd_configs}; a ProtocolException names the offending key.
   */
  @JsonCreator
  public static ScrapeSettings of(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new ProtocolException(
          "scrape: expected a JSON object (a Prometheus scrape_config), found "
              + (node == null
                  ? "nothing"
                  : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (setByPromeShard(key)) {
        throw new ProtocolException(
            "scrape."
                + key
                + ": set by prome-shard (job_name is the job's name; targets come from the job's"
                + " sources through file_sd)");
      }
    }
    return new ScrapeSettings(node.deepCopy());
  }

  /** Whether prome-shard sets {@code key} of a scrape_config itself. */
  public static boolean setByPromeShard(String key) {
    return key.equals("job_name") || key.equals("static_configs") || key.endsWith("_sd_configs");
  }

  /** A copy of the settings object. */
  @JsonValue
  public ObjectNode json() {
    return settings.deepCopy();
  }

  /** Compact JSON, in the order the settings were given. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScrapeSettings other && other.settings.equals(settings);
  }

  @Override
  public int hashCode() {
    return settings.hashCode();
  }
}
