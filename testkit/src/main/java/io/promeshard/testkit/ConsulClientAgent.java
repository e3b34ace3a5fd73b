package io.promeshard.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Consul client agent (not a server) with a Consul node name of its own, joined to a {@link
 * ConsulServer} over loopback: a second Consul node, for tests where two hosts matter (services it
 * registers live on its node). Ready once the server's catalog lists its node. Failing to start
 * throws AssertionError with the log tail.
 */
public final class ConsulClientAgent implements Closeable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path workDir;
  private final Path logFile;
  private final String nodeName;
  private final int[] ports; // http, serf lan
  private final LocalHttp http = new LocalHttp();
  private ConsulServer server;
  private ManagedProcess process;

  private ConsulClientAgent(Path workDir, String nodeName) {
    this.workDir = workDir.toAbsolutePath();
    this.logFile = this.workDir.resolve("consul-client.log");
    this.nodeName = nodeName;
    this.ports = FreePorts.some(2);
  }

  /** Starts a client agent named {@code nodeName} and waits until {@code server} lists it. */
  public static ConsulClientAgent start(Path workDir, ConsulServer server, String nodeName) {
    ConsulClientAgent agent = new ConsulClientAgent(workDir, nodeName);
    try {
      Files.createDirectories(agent.workDir.resolve("data"));
      Files.deleteIfExists(agent.logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing consul client dir " + workDir, e);
    }
    agent.launch(server);
    return agent;
  }

  private void launch(ConsulServer server) {
    this.server = server;
    List<String> cmd =
        List.of(
            Binaries.consul().toString(),
            "agent",
            "-data-dir=" + workDir.resolve("data"),
            "-bind=127.0.0.1",
            "-client=127.0.0.1",
            "-http-port=" + ports[0],
            "-serf-lan-port=" + ports[1],
            "-dns-port=-1",
            "-grpc-port=-1",
            "-node=" + nodeName,
            "-retry-join=127.0.0.1:" + server.serfLanPort(),
            "-retry-interval=1s",
            "-log-level=debug");
    process = ManagedProcess.start("consul-client:" + nodeName, cmd, Map.of(), logFile);
    ManagedProcess p = process;
    try {
      Await.until(
          START_TIMEOUT,
          "consul client " + nodeName + " to join " + server + " (log " + logFile + ")",
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError(
                  "consul client exited during start (log " + logFile + "):\n" + logTail(40));
            }
            return joined(server);
          });
    } catch (AssertionError e) {
      p.kill();
      throw new AssertionError(e.getMessage() + "\n" + logTail(40), e);
    }
  }

  private boolean joined(ConsulServer server) {
    try {
      LocalHttp.Reply self = http.send("GET", url() + "/v1/agent/self", server.token(), null);
      LocalHttp.Reply node =
          http.send("GET", server.url() + "/v1/catalog/node/" + nodeName, server.token(), null);
      return self.status() == 200 && node.status() == 200 && !node.body().strip().equals("null");
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + ports[0];
  }

  public String nodeName() {
    return nodeName;
  }

  public String logTail(int lines) {
    return ManagedProcess.tail(logFile, lines);
  }

  /** Stops the agent (SIGTERM): it leaves the cluster gracefully. */
  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  /** Starts the agent again (same ports, node name and data) and waits until it has rejoined. */
  public void restart() {
    stop();
    launch(server);
  }

  /** Kills the agent (SIGKILL): the servers see the node fail. */
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
    return "consul client " + nodeName + " " + url();
  }
}
