package io.promeshard.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus on a free loopback port with the given config and lifecycle API enabled, ready
 * once {@code /-/ready} answers 200. Failing to start throws AssertionError with the log tail.
 */
public final class PrometheusServer implements Closeable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path workDir;
  private final Path configFile;
  private final Path logFile;
  private final int port;
  private final Path binary;
  private final LocalHttp http = new LocalHttp();
  private ManagedProcess process;

  private PrometheusServer(Path binary, Path workDir, int port) {
    this.binary = binary;
    this.workDir = workDir.toAbsolutePath();
    this.configFile = this.workDir.resolve("prometheus.yml");
    this.logFile = this.workDir.resolve("prometheus.log");
    this.port = port;
  }

  /**
   * Writes {@code prometheusYml} to {@code workDir/prometheus.yml} and starts Prometheus on it: the
   * binary {@link Binaries#prometheus()} finds (2.42 unless {@code PROMETHEUS_BIN} says otherwise).
   */
  public static PrometheusServer start(Path workDir, String prometheusYml) {
    return start(Binaries.prometheus(), workDir, prometheusYml);
  }

  /** As {@link #start(Path, String)}, on the given Prometheus release. */
  public static PrometheusServer start(
      PrometheusVersion version, Path workDir, String prometheusYml) {
    return start(Binaries.prometheus(version), workDir, prometheusYml);
  }

  private static PrometheusServer start(Path binary, Path workDir, String prometheusYml) {
    PrometheusServer server = new PrometheusServer(binary, workDir, FreePorts.one());
    try {
      Files.createDirectories(server.workDir);
      Files.deleteIfExists(server.logFile);
      Files.writeString(server.configFile, prometheusYml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing prometheus work dir " + workDir, e);
    }
    server.start();
    return server;
  }

  /** Starts (again, after stop or kill) on the same port and waits for {@code /-/ready}. */
  public void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("prometheus at " + url() + " is already running");
    }
    List<String> cmd =
        List.of(
            binary.toString(),
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + workDir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--web.enable-lifecycle");
    process = ManagedProcess.start("prometheus:" + port, cmd, Map.of(), logFile);
    ManagedProcess p = process;
    try {
      Await.until(
          START_TIMEOUT,
          "prometheus at " + url() + " to be ready (log " + logFile + ")",
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError(
                  "prometheus exited during start (log " + logFile + "):\n" + logTail(40));
            }
            try {
              return http.send("GET", url() + "/-/ready", null, null).status() == 200;
            } catch (IOException e) {
              return false;
            }
          });
    } catch (AssertionError e) {
      p.kill();
      throw new AssertionError(e.getMessage() + "\n" + logTail(40), e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path configFile() {
    return configFile;
  }

  public Path workDir() {
    return workDir;
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** HTTP GET of {@code pathAndQuery} (e.g. {@code /api/v1/targets}); AssertionError unless 2xx. */
  public String get(String pathAndQuery) {
    return http.expectOk("GET", url() + pathAndQuery, null, null);
  }

  /** HTTP POST of {@code pathAndQuery} (e.g. {@code /-/reload}); AssertionError unless 2xx. */
  public String post(String pathAndQuery) {
    return http.expectOk("POST", url() + pathAndQuery, null, "");
  }

  public String logTail(int lines) {
    return ManagedProcess.tail(logFile, lines);
  }

  /** SIGTERM, then SIGKILL after a deadline. */
  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  /** SIGKILL. */
  public void kill() {
    if (process != null) {
      process.kill();
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "prometheus " + url();
  }
}
