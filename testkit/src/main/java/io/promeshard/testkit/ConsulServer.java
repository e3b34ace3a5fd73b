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
 * A real single Consul server on free loopback ports (DNS and gRPC off), ready once a leader is
 * elected and KV accepts writes: a {@code -dev} agent (everything in memory), or with {@link
 * #startWithDataDir} a real server keeping its raft data across restarts. Failing to start throws
 * AssertionError with the log tail.
 */
public final class ConsulServer implements Closeable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  private final Path workDir;
  private final Path logFile;
  private final Path extraConfigFile;
  private final String token;
  private final Path dataDir;
  private final LocalHttp http = new LocalHttp();
  private int[] ports; // http, serf lan, serf wan, server
  private ManagedProcess process;

  private ConsulServer(Path workDir, Path extraConfigFile, String token, Path dataDir) {
    this.workDir = workDir;
    this.dataDir = dataDir;
    this.logFile = workDir.resolve("consul.log");
    this.extraConfigFile = extraConfigFile;
    this.token = token;
  }

  public static ConsulServer start(Path workDir) {
    return start(workDir, null, null);
  }

  /** Starts with extra agent config (HCL, or JSON when it starts with '{'). */
  public static ConsulServer start(Path workDir, String extraConfig) {
    return start(workDir, extraConfig, null);
  }

  /**
   * Starts with extra agent config (HCL, or JSON when it starts with '{'), e.g. an {@code acl}
   * block; {@code token} (nullable) is used for the readiness write and by {@link #clearKv()}.
   */
  public static ConsulServer start(Path workDir, String extraConfig, String token) {
    return start(workDir, extraConfig, token, null);
  }

  /**
   * Starts a real server ({@code -server -bootstrap-expect=1}, not {@code -dev}) keeping its raft
   * data, KV, sessions and registered services in {@code workDir/data}: {@link #restart()} brings
   * them back, as after a host reboot.
   */
  public static ConsulServer startWithDataDir(Path workDir) {
    return start(workDir, null, null, workDir.resolve("data"));
  }

  private static ConsulServer start(Path workDir, String extraConfig, String token, Path dataDir) {
    Path config = null;
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(workDir.resolve("consul.log"));
      if (extraConfig != null && !extraConfig.isBlank()) {
        config = workDir.resolve(extraConfig.strip().startsWith("{") ? "extra.json" : "extra.hcl");
        Files.writeString(config, extraConfig, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("preparing consul work dir " + workDir, e);
    }
    ConsulServer server = new ConsulServer(workDir, config, token, dataDir);
    server.startFresh();
    return server;
  }

  public String url() {
    return "http://127.0.0.1:" + ports[0];
  }

  public int httpPort() {
    return ports[0];
  }

  /** The LAN gossip port other agents join ({@link ConsulClientAgent}). */
  public int serfLanPort() {
    return ports[1];
  }

  /** The agent's Consul node name. */
  public String nodeName() {
    return "testkit-" + ports[0];
  }

  public Path logFile() {
    return logFile;
  }

  public Path workDir() {
    return workDir;
  }

  /** The token given at start (null when none). */
  public String token() {
    return token;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the agent (SIGTERM); {@link #restart()} brings it back on the same ports. */
  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  /** Kills the agent with SIGKILL, as a crash would; {@link #restart()} brings it back. */
  public void kill() {
    if (process != null) {
      process.kill();
    }
  }

  /**
   * Starts the agent again on the same ports (after stopping it if it runs): a -dev agent comes
   * back with empty KV, one started {@link #startWithDataDir with a data dir} with everything it
   * had.
   */
  public void restart() {
    stop();
    launch();
    awaitReady(process);
  }

  /** Deletes every KV key (recursive delete of the root). */
  public void clearKv() {
    http.expectOk("DELETE", url() + "/v1/kv/?recurse=true", token, null);
  }

  /** The last {@code lines} lines of the agent log. */
  public String logTail(int lines) {
    return ManagedProcess.tail(logFile, lines);
  }

  @Override
  public void close() {
    stop();
  }

  private void startFresh() {
    AssertionError last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      ports = FreePorts.some(ConsulCommand.PORTS);
      launch();
      try {
        awaitReady(process);
        return;
      } catch (AssertionError e) {
        last = e;
        process.kill();
        if (!diedEarly(e)) {
          break; // only a lost port race is worth another attempt
        }
      }
    }
    throw last;
  }

  private static boolean diedEarly(AssertionError e) {
    return e.getMessage() != null && e.getMessage().contains("exited");
  }

  private void launch() {
    List<String> cmd = ConsulCommand.agent(nodeName(), ports);
    cmd.addAll(dataDir == null ? List.of("-dev") : ConsulCommand.persistentServer(dataDir, 1));
    if (extraConfigFile != null) {
      cmd.add("-config-file=" + extraConfigFile);
    }
    process = ManagedProcess.start("consul:" + ports[0], cmd, Map.of(), logFile);
  }

  private void awaitReady(ManagedProcess p) {
    String what =
        "consul at "
            + url()
            + " to elect a leader, accept KV writes and register its node (log "
            + logFile
            + ")";
    try {
      Await.until(
          START_TIMEOUT,
          what,
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError(
                  "consul exited during start (log " + logFile + "):\n" + logTail(40));
            }
            return ready();
          });
    } catch (AssertionError e) {
      if (e.getMessage() != null && e.getMessage().startsWith("timed out")) {
        throw new AssertionError(e.getMessage() + "\n" + logTail(40), e);
      }
      throw e;
    }
  }

  private boolean ready() {
    // sessions need the agent's own node in the catalog, which lands a moment after the election
    return new ConsulProbe(url(), token).acceptsWrites(nodeName());
  }

  @Override
  public String toString() {
    return "consul " + (ports == null ? "(not started)" : url());
  }
}
