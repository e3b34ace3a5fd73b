package io.promeshard.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.AgentConfigFile;
import io.promeshard.agent.config.Overrides;
import io.promeshard.agent.config.Tuning;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import io.promeshard.testkit.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Agent configurations and small HTTP helpers for the agent's integration tests. */
public final class AgentFixture {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AgentFixture() {}

  /** Short waits and backoff so outages and recoveries show within seconds. */
  public static Tuning fastTuning() {
    return Tuning.defaults()
        .withWatch(
            WatchOptions.defaults()
                .withWait(Duration.ofSeconds(20))
                .withRetry(RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(1))))
        .withRegistrationCheck(Duration.ofMillis(500))
        .withStatusRetry(Duration.ofMillis(500));
  }

  /**
   * YAML for node {@code node} writing under {@code out}/file_sd and {@code out}/rules; {@code
   * extra} lines appended.
   */
  public static String yaml(
      String consulUrl,
      String node,
      Path fileSd,
      Path rules,
      String prometheusUrl,
      String... extra) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "consul: {address: '" + consulUrl + "'}",
                "node: " + node,
                "file_sd_dir: '" + fileSd + "'",
                "rules_dir: '" + rules + "'",
                "prometheus_url: '" + prometheusUrl + "'",
                "listen: '127.0.0.1:0'",
                "debounce: 200ms",
                "unhealthy_after: 2s"));
    lines.addAll(List.of(extra));
    return String.join("\n", lines) + "\n";
  }

  public static AgentConfig config(String yaml) {
    return AgentConfig.resolve(
        AgentConfigFile.parse("test agent.yml", yaml), Overrides.NONE, () -> "unused");
  }

  public record Reply(int status, String body) {}

  public static Reply get(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Reply put(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(5))
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A Prometheus reading file_sd files from {@code fileSd} and rule files from {@code rules},
   * evaluating rarely (tests ask for the loaded rules, not their results).
   */
  public static PrometheusServer prometheus(Path dir, Path fileSd, Path rules) {
    return PrometheusServer.start(
        dir,
        String.join(
            "\n",
            "global: {scrape_interval: 1h, evaluation_interval: 1h}",
            "rule_files: ['" + rules + "/*.yml']",
            "scrape_configs:",
            "  - job_name: fsd",
            "    file_sd_configs:",
            "      - files: ['" + fileSd + "/*.json']",
            ""));
  }

  /** The rule names per group that {@code prom} has loaded ({@code /api/v1/rules}). */
  public static Map<String, List<String>> loadedRules(PrometheusServer prom) {
    Map<String, List<String>> out = new TreeMap<>();
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(prom.get("/api/v1/rules"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode g : root.at("/data/groups")) {
      List<String> names = new ArrayList<>();
      g.get("rules").forEach(r -> names.add(r.get("name").asText()));
      out.put(g.get("name").asText(), names);
    }
    return out;
  }

  /** The value of the sample {@code name{labels}} in a text exposition, or -1 when absent. */
  public static double sample(String exposition, String nameAndLabels) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(nameAndLabels) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
            .matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
