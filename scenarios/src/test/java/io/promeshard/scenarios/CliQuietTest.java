package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.testkit.ConsulExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's shaded jar, as an operator runs it: {@code plan}, {@code explain} and {@code
 * status} print their answer on stdout and nothing on stderr; {@code -v} brings the log back; the
 * service keeps its INFO log.
 */
class CliQuietTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;

  /** Exit code, stdout and stderr of one run of the jar. */
  record Run(int exit, String out, String err) {}

  private Run coordinator(Jars jars, String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(Jars.command(jars.coordinator(), args))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("coordinator " + List.of(args) + " did not exit within 120 s");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private String[] with(Path cfg, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--config");
    all.add(2, cfg.toString());
    return all.toArray(String[]::new);
  }

  @Test
  void answersAreTheOnlyOutputAndVerboseBringsTheLogBack() throws Exception {
    Jars jars = Jars.copiedTo(dir.resolve("jars"));
    Path conf = Files.createDirectories(dir.resolve("conf/jobs"));
    Files.writeString(conf.resolveSibling("settings.json"), "{\"flap_hold\":\"1s\"}");
    Files.writeString(
        conf.resolve("web.json"),
        "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":"
            + "[\"127.0.0.1:9001\",\"127.0.0.1:9002\"]}]}]}");
    Path cfg =
        Files.writeString(
            dir.resolve("coordinator.yml"),
            "consul:\n  address: "
                + consul.url()
                + "\nlisten: \"\"\nlock_delay: 0s\nsession_ttl: 10s\n");
    Run put =
        coordinator(jars, "config", "put", "--consul", consul.url(), conf.getParent().toString());
    assertEquals(0, put.exit(), put.err());
    register("p1");
    Run once = coordinator(jars, with(cfg, "run", "--once", "--timeout", "60s"));
    assertEquals(0, once.exit(), once.err());
    assertTrue(once.err().contains(" INFO "), "the service logs INFO: " + once.err());

    Run plan = coordinator(jars, with(cfg, "plan"));
    assertEquals(0, plan.exit(), plan.err());
    assertTrue(plan.out().startsWith("NODE "), plan.out());
    assertTrue(plan.out().contains("(nothing to change)"), plan.out());
    assertEquals("", plan.err(), "plan prints its answer and nothing else");

    Run verbose = coordinator(jars, with(cfg, "plan", "-v"));
    assertEquals(0, verbose.exit(), verbose.err());
    assertTrue(verbose.err().contains(" INFO "), "-v logs INFO on stderr: " + verbose.err());
    assertEquals(plan.out(), verbose.out(), "the answer is the same");

    Run explain = coordinator(jars, with(cfg, "explain", "web", "127.0.0.1:9001"));
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(explain.out().contains("owned by [p1]"), explain.out());
    assertEquals("", explain.err());

    Run status = coordinator(jars, with(cfg, "status", "--output", "json"));
    assertEquals(0, status.exit(), status.err());
    assertEquals("", status.err());
    JsonNode nodes = Json.MAPPER.readTree(status.out()).get("nodes");
    assertEquals("p1", nodes.get(0).get("node").asText(), status.out());
    assertEquals(2, nodes.get(0).get("targets").asInt(), status.out());
  }

  private static void register(String node) throws Exception {
    String body =
        "{\"ID\":\""
            + node
            + "\",\"Name\":\"prome-shard-node\",\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(consul.url() + "/v1/agent/service/register"))
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
