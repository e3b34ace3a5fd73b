package io.promeshard.agent.apply;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.ScrapeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The blackbox-style job settings for tests: each target probed through an exporter. */
public final class Blackbox {
  private Blackbox() {}

  /**
   * {@code metrics_path: /probe}, {@code params: {module: [http_2xx]}}, the address relabeled to
   * {@code __param_target} and {@code instance}, then replaced by {@code exporter}.
   */
  public static ScrapeSettings settings(String exporter, String interval, String timeout) {
    try {
      return ScrapeSettings.of(
          Json.MAPPER.readTree(
              """
              {"metrics_path": "/probe", "params": {"module": ["http_2xx"]},
               "scrape_interval": "%s", "scrape_timeout": "%s",
               "relabel_configs": [
                 {"source_labels": ["__address__"], "target_label": "__param_target"},
                 {"source_labels": ["__param_target"], "target_label": "instance"},
                 {"target_label": "__address__", "replacement": "%s"}]}
              """
                  .formatted(interval, timeout, exporter)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
