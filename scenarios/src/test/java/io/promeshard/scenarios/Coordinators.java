package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Coordinator processes (the shaded jar) sharing one Consul: the first to take the leader lock
 * publishes, the others stand by. Each gets its own coordinator.yml with a short session TTL and
 * lock-delay so a takeover shows within seconds. A process that exits during start throws
 * AssertionError with its log tail.
 */
final class Coordinators implements Closeable {
  static final Duration SESSION_TTL = Duration.ofSeconds(10);
  static final Duration LOCK_DELAY = Duration.ofSeconds(1);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Path jar;
  private final String consulUrl;
  private final ConsulKv kv;
  private final KvLayout layout;
  private final List<ManagedProcess> processes = new ArrayList<>();

  Coordinators(Path dir, Path jar, String consulUrl, KvLayout layout) {
    this.dir = dir;
    this.jar = jar;
    this.consulUrl = consulUrl;
    this.kv = new ConsulKv(consulUrl);
    this.layout = layout;
  }

  /** Starts one more coordinator and returns once its /healthz port answers. */
  ManagedProcess start() {
    String name = "coordinator-" + (processes.size() + 1);
    int port = FreePorts.one();
    Path config = dir.resolve(name + ".yml");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          config,
          String.join(
              "\n",
              "consul: {address: '" + consulUrl + "'}",
              "prefix: " + layout.prefix(),
              "listen: '127.0.0.1:" + port + "'",
              "session_ttl: " + SESSION_TTL.toSeconds() + "s",
              "lock_delay: " + LOCK_DELAY.toSeconds() + "s",
              ""),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + config, e);
    }
    ManagedProcess p =
        ManagedProcess.start(
            name,
            Jars.command(jar, "run", "--config", config.toString()),
            Map.of(),
            dir.resolve(name + ".log"));
    processes.add(p);
    Await.until(
        START_TIMEOUT,
        name + " serving /healthz on 127.0.0.1:" + port,
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError(name + " exited during start:\n" + p.logTail(40));
          }
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
          } catch (IOException e) {
            return false;
          }
        });
    return p;
  }

  /** The running coordinator whose session holds the leader key, if any. */
  Optional<ManagedProcess> leader() {
    Optional<JsonNode> entry = kv.entry(layout.leader());
    if (entry.isEmpty() || entry.get().path("Session").asText("").isEmpty()) {
      return Optional.empty();
    }
    long pid = holderPid(Base64.getDecoder().decode(entry.get().path("Value").asText("")));
    return processes.stream().filter(p -> p.isAlive() && p.pid() == pid).findFirst();
  }

  /** The leadership epoch written in the leader key (-1 when there is none). */
  long epoch() {
    return kv.entry(layout.leader())
        .map(
            e ->
                readTree(Base64.getDecoder().decode(e.path("Value").asText("")))
                    .path("epoch")
                    .asLong(-1))
        .orElse(-1L);
  }

  /**
   * The epoch in {@code status/coordinator}, which the leader writes after its dispatches (-1 when
   * none).
   */
  long statusEpoch() {
    return kv.entry(layout.coordinatorStatus())
        .map(
            e ->
                readTree(Base64.getDecoder().decode(e.path("Value").asText("")))
                    .path("epoch")
                    .asLong(-1))
        .orElse(-1L);
  }

  /**
   * What {@code p}'s {@code /healthz} answers, as {@code "<status> <body>"} (e.g. {@code "200
   * standby"}); its port is read back from the config file {@link #start()} wrote for it.
   */
  String health(ManagedProcess p) {
    HttpResponse<String> r = get(p, "/healthz");
    return r.statusCode() + " " + r.body().strip();
  }

  /**
   * The value of the sample {@code series} (name and labels as exposed) in {@code p}'s /metrics.
   */
  double metric(ManagedProcess p, String series) {
    String body = get(p, "/metrics").body();
    return body.lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(p.name() + " exports no " + series));
  }

  /** The whole text {@code p}'s /metrics answers. */
  String metrics(ManagedProcess p) {
    HttpResponse<String> r = get(p, "/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError(p.name() + " /metrics: HTTP " + r.statusCode() + "\n" + r.body());
    }
    return r.body();
  }

  /** {@code host:port} of {@code p}'s /metrics and /healthz, read back from its config file. */
  String opsAddress(ManagedProcess p) {
    Path config = dir.resolve(p.name() + ".yml");
    try {
      String listen =
          Files.readAllLines(config, StandardCharsets.UTF_8).stream()
              .filter(l -> l.startsWith("listen: "))
              .findFirst()
              .orElseThrow(() -> new AssertionError(config + " has no listen line"));
      return listen.substring("listen: ".length()).replace("'", "").strip();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + config, e);
    }
  }

  private HttpResponse<String> get(ManagedProcess p, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://" + opsAddress(p) + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " of " + p.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + path + " of " + p.name(), e);
    }
  }

  ManagedProcess awaitLeader(Duration timeout) {
    return Await.value(
        timeout, "a coordinator holding " + layout.leader(), () -> leader().orElse(null));
  }

  List<ManagedProcess> alive() {
    return processes.stream().filter(ManagedProcess::isAlive).toList();
  }

  List<ManagedProcess> all() {
    return List.copyOf(processes);
  }

  @Override
  public void close() {
    processes.forEach(ManagedProcess::stop);
  }

  /** The pid at the end of the holder ("host/pid") the coordinator writes into the leader key. */
  private static long holderPid(byte[] value) {
    String holder = readTree(value).path("holder").asText("");
    try {
      return Long.parseLong(holder.substring(holder.lastIndexOf('/') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode readTree(byte[] value) {
    try {
      return Json.MAPPER.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException("leader key: not JSON", e);
    }
  }
}
