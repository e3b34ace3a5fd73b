package io.promeshard.testkit;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A real Consul cluster on loopback: three servers ({@code -server -bootstrap-expect=3}, each with
 * its own ports and data dir, joined by {@code -retry-join}, short raft timings) and any number of
 * client agents joined to them, which is how hosts talk to Consul in a real deployment. Ready once
 * the servers agree on a raft leader with all three peers and every client accepts KV writes.
 * Servers can be killed with SIGKILL and restarted with their data. Failing to start throws
 * AssertionError with the log tails.
 */
public final class ConsulCluster implements Closeable {
  public static final int SERVERS = 3;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int START_ATTEMPTS = 3;

  /** One agent of the cluster: its ports (http, serf lan, serf wan, server) and its process. */
  private static final class Member {
    final String name;
    final boolean server;
    final Path dir;
    final int[] ports;
    ManagedProcess process;

    Member(String name, boolean server, Path dir, int[] ports) {
      this.name = name;
      this.server = server;
      this.dir = dir;
      this.ports = ports;
    }

    String url() {
      return "http://127.0.0.1:" + ports[0];
    }

    String raftAddress() {
      return "127.0.0.1:" + ports[3];
    }

    Path logFile() {
      return dir.resolve("consul.log");
    }

    boolean alive() {
      return process != null && process.isAlive();
    }
  }

  private final Path dir;
  private final List<Member> servers = new ArrayList<>();
  private final List<Member> clients = new ArrayList<>();

  private ConsulCluster(Path dir) {
    this.dir = dir;
  }

  /** Starts three servers and {@code clients} client agents under {@code dir}. */
  public static ConsulCluster start(Path dir, int clients) {
    AssertionError last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      ConsulCluster cluster = new ConsulCluster(dir.resolve("attempt-" + attempt));
      try {
        cluster.launchAll(clients);
        cluster.awaitReady();
        return cluster;
      } catch (AssertionError e) {
        last = e;
        cluster.close();
        if (!e.getMessage().lines().findFirst().orElse("").contains("exited during start")) {
          break; // only a lost port race is worth another attempt
        }
      }
    }
    throw last;
  }

  /** HTTP address of server {@code i} (0-based). */
  public String serverUrl(int i) {
    return servers.get(i).url();
  }

  /** HTTP address of client agent {@code i} (0-based). */
  public String clientUrl(int i) {
    return clients.get(i).url();
  }

  /** The node name of server {@code i}, e.g. {@code server-1}. */
  public String serverName(int i) {
    return servers.get(i).name;
  }

  public boolean isRunning(int server) {
    return servers.get(server).alive();
  }

  /**
   * The running server that is the raft leader, as the running servers report it ({@code GET
   * /v1/status/leader} matched to a server port), or -1 when there is none or they disagree.
   */
  public int leader() {
    int found = -1;
    for (Member m : servers) {
      if (!m.alive()) {
        continue;
      }
      String address = new ConsulProbe(m.url(), null).leader();
      int index = indexOfRaftAddress(address);
      if (index < 0 || !servers.get(index).alive() || (found >= 0 && found != index)) {
        return -1;
      }
      found = index;
    }
    return found;
  }

  /** Waits until the running servers agree on a running raft leader; returns its index. */
  public int awaitLeader(Duration timeout) {
    return Await.value(
        timeout,
        "the running consul servers to agree on a raft leader",
        () -> {
          int l = leader();
          return l < 0 ? null : l;
        });
  }

  /** Kills server {@code i} with SIGKILL; its data dir stays. */
  public void kill(int i) {
    servers.get(i).process.kill();
  }

  /**
   * Starts server {@code i} again with its data dir on its ports and waits until it follows a
   * leader with all three peers and has applied what the leader had applied by then (so a stale
   * read from it sees every write made before).
   */
  public void restart(int i) {
    Member m = servers.get(i);
    if (m.alive()) {
      m.process.stop();
    }
    launch(m);
    Await.until(
        START_TIMEOUT,
        m.name + " back in the cluster with " + SERVERS + " raft peers",
        () -> {
          failIfExited(m);
          ConsulProbe probe = new ConsulProbe(m.url(), null);
          return probe.leader() != null && probe.peers() == SERVERS;
        });
    int leader = awaitLeader(START_TIMEOUT);
    long target = new ConsulProbe(servers.get(leader).url(), null).appliedIndex();
    Await.until(
        START_TIMEOUT,
        m.name + " applying the raft log up to index " + target,
        () -> new ConsulProbe(m.url(), null).appliedIndex() >= target);
  }

  /** The last {@code lines} lines of every agent's log. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (Member m : members()) {
      out.append("----- ")
          .append(m.name)
          .append(" ")
          .append(m.logFile())
          .append(" -----\n")
          .append(ManagedProcess.tail(m.logFile(), lines))
          .append('\n');
    }
    return out.toString();
  }

  /** Stops every agent (SIGTERM, all at once). */
  @Override
  public void close() {
    members().parallelStream().forEach(ConsulCluster::stop);
  }

  private static void stop(Member m) {
    if (m.process != null) {
      m.process.stop();
    }
  }

  private List<Member> members() {
    List<Member> all = new ArrayList<>(servers);
    all.addAll(clients);
    return all;
  }

  private int indexOfRaftAddress(String address) {
    return IntStream.range(0, servers.size())
        .filter(i -> servers.get(i).raftAddress().equals(address))
        .findFirst()
        .orElse(-1);
  }

  private void launchAll(int clientCount) {
    int[] ports = FreePorts.some(ConsulCommand.PORTS * (SERVERS + clientCount));
    for (int i = 0; i < SERVERS + clientCount; i++) {
      boolean server = i < SERVERS;
      String name = server ? "server-" + (i + 1) : "client-" + (i - SERVERS + 1);
      int[] own = new int[ConsulCommand.PORTS];
      System.arraycopy(ports, i * ConsulCommand.PORTS, own, 0, ConsulCommand.PORTS);
      (server ? servers : clients).add(new Member(name, server, dir.resolve(name), own));
    }
    members().forEach(this::launch);
  }

  private void launch(Member m) {
    List<String> cmd = ConsulCommand.agent(m.name, m.ports);
    Path data = m.dir.resolve("data");
    cmd.addAll(
        m.server ? ConsulCommand.persistentServer(data, SERVERS) : ConsulCommand.client(data));
    cmd.addAll(
        ConsulCommand.retryJoin(
            servers.stream().filter(s -> s != m).map(s -> s.ports[1]).toList()));
    m.process = ManagedProcess.start("consul-" + m.name, cmd, Map.of(), m.logFile());
  }

  private void awaitReady() {
    try {
      Await.until(
          START_TIMEOUT,
          "a raft leader with " + SERVERS + " peers on every consul server",
          () -> {
            members().forEach(ConsulCluster::failIfExited);
            return leader() >= 0
                && servers.stream()
                    .allMatch(s -> new ConsulProbe(s.url(), null).peers() == SERVERS);
          });
      for (Member c : clients) {
        Await.until(
            START_TIMEOUT,
            "consul " + c.name + " at " + c.url() + " accepting KV writes",
            () -> {
              failIfExited(c);
              return new ConsulProbe(c.url(), null).acceptsWrites(c.name);
            });
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + logTails(30), e);
    }
  }

  private static void failIfExited(Member m) {
    if (!m.alive()) {
      throw new AssertionError(
          "consul " + m.name + " exited during start (log " + m.logFile() + ")");
    }
  }

  @Override
  public String toString() {
    return "consul cluster "
        + servers.stream().map(Member::url).toList()
        + " clients "
        + clients.stream().map(Member::url).toList();
  }
}
