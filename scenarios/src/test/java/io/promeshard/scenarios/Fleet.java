package io.promeshard.scenarios;

import io.promeshard.protocol.Defaults;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulCluster;
import io.promeshard.testkit.ConsulServer;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import io.promeshard.testkit.PrometheusServer;
import io.promeshard.testkit.PrometheusVersion;
import io.promeshard.testkit.Tmpfs;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The whole system on loopback: a Consul dev agent, Prometheus servers prom-1..prom-N each with a
 * prome-shard agent (a copy of the shaded jar) writing its file_sd directory, and the coordinators.
 * Logs stay in {@code dir}; closing stops coordinators, agents, Prometheus and Consul in that
 * order. A component that does not come up throws AssertionError with its log tail.
 */
final class Fleet implements Closeable {
  static final String SERVICE = Defaults.NODE_SERVICE;
  static final String SCRAPE_POOL = "prome-shard";

  /** The directory under each server's where its agent writes jobs' own scrape configs. */
  static final String SCRAPE_CONFIGS = "scrape_configs";

  /** The host name the coordinators run on, for {@link #consulUrl}. */
  static final String COORDINATOR_HOST = "coordinators";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Short, so that handovers (two scrapes on the new server) take seconds in the scenarios. */
  private static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(5);

  private static final Duration MAX_SCRAPE_TIMEOUT = Duration.ofSeconds(5);

  /** One Prometheus server and the agent beside it. */
  record Server(String name, Path dir, PrometheusServer prometheus, ManagedProcess agent) {}

  private final Path dir;
  private final Jars jars;
  private final KvLayout layout = KvLayout.defaults();
  private final List<Server> servers = new ArrayList<>();
  private final AgentLaunch launch;
  private final Map<String, Integer> agentOpsPorts = new TreeMap<>();
  private final Map<String, Tmpfs> fileSdMounts = new TreeMap<>();
  private ConsulServer consul;
  private ConsulCluster cluster;
  private ConsulKv kv;
  private Coordinators coordinators;
  private Duration scrapeInterval = DEFAULT_SCRAPE_INTERVAL;

  /** The {@code query_log} block of each agent.yml, or null: no query logs. */
  private String queryLog;

  /** How often each agent measures its targets' samples, or null: the agent's default. */
  private Duration samplesInterval;

  private Fleet(Path dir, Jars jars, AgentLaunch launch) {
    this.dir = dir;
    this.jars = jars;
    this.launch = launch;
  }

  /**
   * Starts Consul with {@code settings} and {@code jobs} in KV, then {@code count} servers with
   * their agents, and returns once every server's health check passes in Consul.
   */
  static Fleet start(Path dir, int count, String settings, Map<String, String> jobs) {
    return start(dir, count, settings, jobs, AgentLaunch.PLAIN);
  }

  /** As {@link #start(Path, int, String, Map)}, with agents started as {@code launch} says. */
  static Fleet start(
      Path dir, int count, String settings, Map<String, String> jobs, AgentLaunch launch) {
    return start(
        dir,
        count,
        settings,
        jobs,
        launch,
        f -> f.consul = ConsulServer.start(dir.resolve("consul")));
  }

  /**
   * As {@link #start(Path, int, String, Map)}, with every Prometheus scraping every {@code
   * scrapeInterval} (whole seconds; the scrape timeout is the interval, 5 s at most) instead of 15
   * s: for measuring when targets are scraped while they change owner.
   */
  static Fleet startScrapingEvery(
      Duration scrapeInterval, Path dir, int count, String settings, Map<String, String> jobs) {
    checkWholeSeconds("scrape interval", scrapeInterval);
    return startScraping(scrapeInterval, null, dir, count, settings, jobs);
  }

  /**
   * As {@link #startScrapingEvery}, with every agent measuring its targets' samples per scrape and
   * reporting them every {@code samplesInterval} (agent.yml {@code samples.interval}, whole
   * seconds, at least 10 s) instead of every 2 minutes: for placement by observed load.
   */
  static Fleet startMeasuringSamples(
      Duration scrapeInterval,
      Duration samplesInterval,
      Path dir,
      int count,
      String settings,
      Map<String, String> jobs) {
    checkWholeSeconds("scrape interval", scrapeInterval);
    checkWholeSeconds("samples interval", samplesInterval);
    return startScraping(scrapeInterval, samplesInterval, dir, count, settings, jobs);
  }

  /**
   * Plain agents, every Prometheus scraping every {@code scrapeInterval}; samples null: default.
   */
  private static Fleet startScraping(
      Duration scrapeInterval,
      Duration samplesInterval,
      Path dir,
      int count,
      String settings,
      Map<String, String> jobs) {
    return start(
        dir,
        count,
        settings,
        jobs,
        AgentLaunch.PLAIN,
        f -> {
          f.scrapeInterval = scrapeInterval;
          f.samplesInterval = samplesInterval;
          f.consul = ConsulServer.start(dir.resolve("consul"));
        });
  }

  private static void checkWholeSeconds(String what, Duration d) {
    if (d.toMillis() < 1000 || d.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(what + ": expected whole seconds, found " + d);
    }
  }

  /**
   * As {@link #start(Path, int, String, Map)}, with agents serving /metrics, and every Prometheus
   * writing its query log to {@link #queryLog} ({@code query_log_file}), which its agent follows
   * and reports queries of {@code minDuration} or more from, every {@code reportInterval}.
   */
  static Fleet startWithQueryLogs(
      Path dir,
      int count,
      String settings,
      Map<String, String> jobs,
      Duration minDuration,
      Duration reportInterval) {
    return start(
        dir,
        count,
        settings,
        jobs,
        AgentLaunch.WITH_OPS,
        f -> {
          f.queryLog =
              "min_duration: "
                  + minDuration.toMillis()
                  + "ms, report_interval: "
                  + reportInterval.toSeconds()
                  + "s";
          f.consul = ConsulServer.start(dir.resolve("consul"));
        });
  }

  /** The query log {@code name}'s Prometheus writes (with {@link #startWithQueryLogs}). */
  Path queryLog(String name) {
    return dir.resolve(name).resolve("query.log");
  }

  /** How often every Prometheus of this fleet scrapes each target. */
  Duration scrapeInterval() {
    return scrapeInterval;
  }

  /**
   * Like {@link #start}, on a single real Consul server that keeps its data dir (not {@code -dev}),
   * so {@link #consul()} can be killed and restarted with its KV, sessions and services.
   */
  static Fleet startWithConsulDataDir(
      Path dir, int count, String settings, Map<String, String> jobs) {
    return start(
        dir,
        count,
        settings,
        jobs,
        AgentLaunch.PLAIN,
        f -> f.consul = ConsulServer.startWithDataDir(dir.resolve("consul")));
  }

  /**
   * Like {@link #start}, on a three-server Consul cluster as deployed: every host runs a Consul
   * client agent and talks only to it (prom-i to client i, the coordinators and this test's KV
   * calls to one more client), so losing any one server, the raft leader included, cuts no process
   * off from Consul and no registration or session is bound to a server's node.
   */
  static Fleet startOnConsulCluster(
      Path dir, int count, String settings, Map<String, String> jobs) {
    return start(
        dir,
        count,
        settings,
        jobs,
        AgentLaunch.PLAIN,
        f -> f.cluster = ConsulCluster.start(dir.resolve("consul"), count + 1));
  }

  private static Fleet start(
      Path dir,
      int count,
      String settings,
      Map<String, String> jobs,
      AgentLaunch launch,
      java.util.function.Consumer<Fleet> startConsul) {
    Fleet fleet = new Fleet(dir, Jars.copiedTo(dir.resolve("jars")), launch);
    try {
      startConsul.accept(fleet);
      return fleet.startHosts(count, settings, jobs);
    } catch (RuntimeException | Error e) {
      System.out.println(fleet.logTails(40));
      fleet.close();
      throw e;
    }
  }

  /** Writes settings and jobs, starts the coordinators' handle and {@code count} servers. */
  private Fleet startHosts(int count, String settings, Map<String, String> jobs) {
    kv = new ConsulKv(consulUrl(COORDINATOR_HOST));
    coordinators =
        new Coordinators(
            dir.resolve("coordinators"), jars.coordinator(), consulUrl(COORDINATOR_HOST), layout);
    kv.put(layout.settings(), settings);
    jobs.forEach((job, spec) -> kv.put(layout.job(job), spec));
    for (int i = 1; i <= count; i++) {
      servers.add(startServer("prom-" + i));
    }
    for (Server s : servers) {
      ConsulKv local = new ConsulKv(consulUrl(s.name()));
      Await.until(
          START_TIMEOUT,
          s.name() + "'s agent registering its Prometheus in Consul",
          () -> {
            if (!s.agent().isAlive()) {
              throw new AssertionError(
                  "agent of " + s.name() + " exited:\n" + s.agent().logTail(40));
            }
            return local.agentServices().contains(s.name());
          });
    }
    List<String> names = servers.stream().map(Server::name).toList();
    Await.until(
        START_TIMEOUT,
        "the health checks of " + names + " passing in Consul",
        () -> passing().containsAll(names));
    return this;
  }

  /**
   * The Consul address {@code host} uses: the single server, or on a cluster the host's own client
   * agent (prom-i: client i-1; {@link #COORDINATOR_HOST}: the last client).
   */
  String consulUrl(String host) {
    if (cluster == null) {
      return consul.url();
    }
    if (host.equals(COORDINATOR_HOST)) {
      return cluster.clientUrl(servers.size());
    }
    return cluster.clientUrl(Integer.parseInt(host.substring("prom-".length())) - 1);
  }

  /** The single Consul server (null on a cluster). */
  ConsulServer consul() {
    return consul;
  }

  /** The Consul cluster (null on a single server). */
  ConsulCluster cluster() {
    return cluster;
  }

  private Server startServer(String name) {
    Path serverDir = dir.resolve(name);
    Path fileSd = serverDir.resolve("file_sd");
    Path rules = serverDir.resolve("rules");
    Path scrapeConfigs = serverDir.resolve(SCRAPE_CONFIGS);
    try {
      Files.createDirectories(fileSd);
      Files.createDirectories(rules);
      Files.createDirectories(scrapeConfigs);
      if (launch.fileSdTmpfs() != null) {
        fileSdMounts.put(name, Tmpfs.mount(fileSd, launch.fileSdTmpfs()));
      }
      launch.own(fileSd, rules, scrapeConfigs);
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + serverDir, e);
    }
    PrometheusServer prometheus =
        PrometheusServer.start(
            PrometheusVersion.newest(),
            serverDir,
            String.join(
                "\n",
                "global: {scrape_interval: "
                    + scrapeInterval.toSeconds()
                    + "s, scrape_timeout: "
                    + min(scrapeInterval, MAX_SCRAPE_TIMEOUT).toSeconds()
                    + "s, evaluation_interval: 30s,",
                // each server of a real fleet has its own external labels, which also gives each
                // its own scrape phase (Prometheus seeds a target's offset with them)
                "  external_labels: {replica: "
                    + name
                    + "}"
                    + (queryLog == null ? "" : ", query_log_file: '" + queryLog(name) + "'")
                    + "}",
                "rule_files: ['" + rules + "/*.yml']",
                // jobs with scrape settings of their own, written by the agent
                "scrape_config_files: ['" + scrapeConfigs + "/*.yml']",
                "scrape_configs:",
                "  - job_name: " + SCRAPE_POOL,
                "    file_sd_configs:",
                "      - files: ['" + fileSd + "/*.json']",
                ""));
    Path agentYml = serverDir.resolve("agent.yml");
    String listen = "";
    if (launch.ops()) {
      agentOpsPorts.put(name, FreePorts.one());
      listen = "127.0.0.1:" + agentOpsPorts.get(name);
    }
    try {
      Files.writeString(
          agentYml,
          String.join(
              "\n",
              "consul: {address: '" + consulUrl(name) + "'}",
              "prefix: " + layout.prefix(),
              "node: " + name,
              "file_sd_dir: '" + fileSd + "'",
              "rules_dir: '" + rules + "'",
              "scrape_config_dir: '" + scrapeConfigs + "'",
              "prometheus_url: '" + prometheus.url() + "'",
              "listen: '" + listen + "'",
              queryLog == null
                  ? ""
                  : "query_log: {file: '" + queryLog(name) + "', " + queryLog + "}",
              samplesInterval == null
                  ? ""
                  : "samples: {enabled: true, interval: " + samplesInterval.toSeconds() + "s}",
              ""),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + agentYml, e);
    }
    ManagedProcess agent =
        ManagedProcess.start(
            "agent-" + name,
            launch.command(Jars.command(jars.agent(), "run", "--config", agentYml.toString())),
            Map.of(),
            serverDir.resolve("agent.log"));
    return new Server(name, serverDir, prometheus, agent);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  List<Server> servers() {
    return List.copyOf(servers);
  }

  Server server(String name) {
    return servers.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no server " + name));
  }

  /**
   * The loopback port of the agent of {@code name}'s /metrics and /healthz; only with a launch that
   * serves them.
   */
  int agentOpsPort(String name) {
    Integer port = agentOpsPorts.get(name);
    if (port == null) {
      throw new IllegalStateException("the agent of " + name + " serves no /metrics: " + launch);
    }
    return port;
  }

  /** The tmpfs under {@code name}'s file_sd directory; only with a launch that mounts them. */
  Tmpfs fileSdTmpfs(String name) {
    Tmpfs fs = fileSdMounts.get(name);
    if (fs == null) {
      throw new IllegalStateException("no tmpfs under the file_sd of " + name + ": " + launch);
    }
    return fs;
  }

  Coordinators coordinators() {
    return coordinators;
  }

  ConsulKv kv() {
    return kv;
  }

  /** The shaded agent jar the servers' agents run. */
  Path agentJar() {
    return jars.agent();
  }

  KvLayout layout() {
    return layout;
  }

  /** The jars the fleet runs (for coordinators started with another Consul address). */
  Jars jars() {
    return jars;
  }

  /** The Consul the coordinators and this test's KV calls talk to. */
  String consulUrl() {
    return consulUrl(COORDINATOR_HOST);
  }

  /** What each running Prometheus scrapes now (stopped servers: nothing). */
  Placement active() {
    return active(SCRAPE_POOL);
  }

  /**
   * What each running Prometheus scrapes now in {@code scrapePool} (a job with scrape settings of
   * its own has a pool of its own).
   */
  Placement active(String scrapePool) {
    Map<String, Set<String>> byNode = new TreeMap<>();
    for (Server s : servers) {
      byNode.put(
          s.name(),
          s.prometheus().isRunning() ? ActiveTargets.of(s.prometheus(), scrapePool) : Set.of());
    }
    return Placement.of(byNode);
  }

  /** The published shares of {@code job}, or null while a write is half seen. */
  Shares shares(String job) {
    return Shares.read(kv, layout, job);
  }

  /**
   * True when every one of {@code targets} is active in exactly one Prometheus and the servers
   * scraping some are those the published shares of {@code job} give some; false while a share is
   * half written.
   */
  boolean settled(String job, Set<String> targets) {
    Shares shares = shares(job);
    return shares != null && settled(shares, targets);
  }

  /** As {@link #settled(String, Set)}, against shares already read. */
  boolean settled(Shares shares, Set<String> targets) {
    Placement now = active();
    return now.exactlyOnce(targets) && now.nonEmpty().equals(shares.placement().nonEmpty());
  }

  /** Waits up to {@code wait} until {@link #settled(String, Set)}. */
  void awaitSettled(String job, Set<String> targets, Duration wait) {
    Await.until(
        wait,
        "every one of "
            + targets.size()
            + " targets scraped once, where the shares of "
            + job
            + " say",
        () -> settled(job, targets));
  }

  /**
   * Waits up to {@code wait} until every one of {@code targets} is active in exactly one
   * Prometheus, whatever the shares say.
   */
  void awaitExactlyOnce(Set<String> targets, Duration wait) {
    Await.until(
        wait,
        "every one of " + targets.size() + " targets active in exactly one Prometheus",
        () -> active().exactlyOnce(targets));
  }

  /** Every server's file_sd directory. */
  List<Path> fileSdDirs() {
    return servers.stream().map(s -> s.dir().resolve("file_sd")).toList();
  }

  /** Every server's file_sd and rules directories: all the agents write. */
  List<Path> outputDirs() {
    List<Path> dirs = new ArrayList<>();
    for (Server s : servers) {
      dirs.add(s.dir().resolve("file_sd"));
      dirs.add(s.dir().resolve("rules"));
    }
    return dirs;
  }

  /** The status {@code node}'s agent last wrote to Consul, or null when there is none. */
  NodeStatus status(String node) {
    return kv.entry(layout.nodeStatus(node))
        .map(
            e ->
                Json.decode(
                    node + " status",
                    Base64.getDecoder().decode(e.path("Value").asText("")),
                    NodeStatus.class))
        .orElse(null);
  }

  /** The generation {@code node}'s agent reports as applied, -1 when it reports none. */
  long appliedGeneration(String node) {
    NodeStatus s = status(node);
    return s == null ? -1 : s.appliedGeneration();
  }

  /** Servers whose health check passes in Consul. */
  List<String> passing() {
    return kv.passing(SERVICE);
  }

  /** The last {@code lines} lines of every process log. */
  String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> logs = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
      logs.filter(p -> p.toString().endsWith(".log"))
          .sorted()
          .forEach(
              p ->
                  out.append("----- ")
                      .append(p)
                      .append(" (last ")
                      .append(lines)
                      .append(" lines) -----\n")
                      .append(ManagedProcess.tail(p, lines))
                      .append('\n'));
    } catch (IOException e) {
      out.append("(listing logs under ").append(dir).append(": ").append(e).append(")\n");
    }
    return out.toString();
  }

  @Override
  public void close() {
    if (coordinators != null) {
      coordinators.close();
    }
    servers.forEach(s -> s.agent().stop());
    servers.forEach(s -> s.prometheus().stop());
    if (consul != null) {
      consul.close();
    }
    fileSdMounts.values().forEach(Tmpfs::close);
    if (cluster != null) {
      cluster.close();
    }
  }
}
