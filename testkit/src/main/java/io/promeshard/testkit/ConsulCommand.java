package io.promeshard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line every testkit Consul agent shares: loopback only, the given ports (http, serf
 * LAN, serf WAN, server RPC), DNS and gRPC off, a node name, debug log. Servers that keep their
 * data also get short raft timings ({@code raft_multiplier = 1}, a config-file-only setting in
 * Consul 1.8) so an election after a kill takes about a second.
 */
final class ConsulCommand {
  /** Ports in the order {@link #agent} expects them. */
  static final int PORTS = 4;

  private static final String FAST_RAFT = "performance { raft_multiplier = 1 }\n";

  private ConsulCommand() {}

  /** {@code consul agent} on loopback with {@code ports} = http, serf lan, serf wan, server. */
  static List<String> agent(String node, int[] ports) {
    if (ports.length != PORTS) {
      throw new IllegalArgumentException("expected " + PORTS + " ports, found " + ports.length);
    }
    return new ArrayList<>(
        List.of(
            Binaries.consul().toString(),
            "agent",
            "-bind=127.0.0.1",
            "-client=127.0.0.1",
            "-http-port=" + ports[0],
            "-serf-lan-port=" + ports[1],
            "-serf-wan-port=" + ports[2],
            "-server-port=" + ports[3],
            "-dns-port=-1",
            "-grpc-port=-1",
            "-node=" + node,
            "-log-level=debug"));
  }

  /**
   * Arguments of a server keeping its raft data in {@code dataDir} that bootstraps once {@code
   * expect} servers are joined; writes the short-raft-timings file into {@code dataDir}'s parent.
   */
  static List<String> persistentServer(Path dataDir, int expect) {
    Path config = dataDir.resolveSibling("raft.hcl");
    try {
      Files.createDirectories(dataDir);
      Files.writeString(config, FAST_RAFT, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing consul data dir " + dataDir, e);
    }
    return List.of(
        "-server", "-bootstrap-expect=" + expect, "-data-dir=" + dataDir, "-config-file=" + config);
  }

  /**
   * Arguments of a client agent keeping its state in {@code dataDir}; it does not leave the cluster
   * gracefully on SIGTERM (a few seconds each), so a test's teardown does not wait for it.
   */
  static List<String> client(Path dataDir) {
    Path config = dataDir.resolveSibling("client.hcl");
    try {
      Files.createDirectories(dataDir);
      Files.writeString(config, "leave_on_terminate = false\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing consul data dir " + dataDir, e);
    }
    return List.of("-data-dir=" + dataDir, "-config-file=" + config);
  }

  /** Arguments that join the agents at {@code serfLanPorts}, retrying every second. */
  static List<String> retryJoin(List<Integer> serfLanPorts) {
    List<String> args = new ArrayList<>();
    serfLanPorts.forEach(p -> args.add("-retry-join=127.0.0.1:" + p));
    args.add("-retry-interval=1s");
    return args;
  }
}
