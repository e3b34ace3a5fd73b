package io.promeshard.agent.run;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.AgentConfigFile;
import io.promeshard.agent.config.Overrides;
import io.promeshard.agent.config.Tuning;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.lifecycle.RetryPolicy;
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

  /** The value of the sample {@code name{labels}} in a text exposition, or -1 when absent. */
  public static double sample(String exposition, String nameAndLabels) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(nameAndLabels) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
            .matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
