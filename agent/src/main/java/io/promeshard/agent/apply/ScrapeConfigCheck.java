package io.promeshard.agent.apply;

import io.promeshard.agent.render.Escaping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Vets a staged scrape-config file with promtool: writes a temporary {@code prometheus.yml} holding
 * only {@code scrape_config_files: [<staged file>]} and runs {@code promtool check config} on it. A
 * rejection (or a promtool that cannot run or overruns) throws an ApplyException with promtool's
 * output; the temporary files are always deleted.
 */
record ScrapeConfigCheck(Path promtool, Duration timeout) {
  ScrapeConfigCheck {
    Objects.requireNonNull(promtool, "promtool");
    Objects.requireNonNull(timeout, "timeout");
  }

  void check(Path staged) throws ApplyException {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("prome-shard-scrape-check-");
      Path config = dir.resolve("prometheus.yml");
      String yaml =
          "scrape_config_files:\n  - \""
              + Escaping.YAML.escape(staged.toAbsolutePath().toString())
              + "\"\n";
      Files.writeString(config, yaml, StandardCharsets.UTF_8);
      new CheckCommand(
              List.of(promtool.toString(), "check", "config", CheckCommand.PLACEHOLDER), timeout)
          .check(config);
    } catch (IOException e) {
      throw new ApplyException("writing a config for promtool: " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve("prometheus.yml"));
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a leftover file in the system temp dir is harmless
    }
  }
}
