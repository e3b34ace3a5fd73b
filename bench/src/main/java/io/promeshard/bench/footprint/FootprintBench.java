package io.promeshard.bench.footprint;

import io.promeshard.bench.fleet.AgentFleet;
import io.promeshard.bench.fleet.ConsulAccess;
import io.promeshard.bench.fleet.FileArrivals;
import io.promeshard.bench.fleet.Pace;
import io.promeshard.bench.fleet.SharePublisher;
import io.promeshard.bench.fleet.Targets;
import io.promeshard.bench.report.Machine;
import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.ConsulServer;
import io.promeshard.testkit.ManagedProcess;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark 3: the agent as a subprocess (the shaded jar with the package launcher's JVM options)
 * and a share of {@code targets} targets: time from process start to the first rendered file,
 * resident memory and CPU while idle (blocked on its Consul long-poll), and while applying a series
 * of changes that rewrite the whole share. One row per set of JVM options; with the launcher's own,
 * where it keeps a class-data archive, two: the first start (which writes the archive as it stops)
 * and a later one (which maps it).
 */
public final class FootprintBench {
  static final String NODE = "footprint";
  static final String JOB = "web";

  /**
   * What to run: each entry of {@code jvmOptionSets} is one row (null = the launcher's own
   * environment and options; else {@code NAME=value} words for the environment and JVM options, as
   * in {@link AgentCommand#with}). With {@code nativeMemory} every row runs with {@link
   * NativeMemory#TRACKING} and a second table gives the breakdown at the end of the idle window.
   */
  public record Config(
      int targets,
      Duration settle,
      Duration idle,
      int changes,
      Duration gap,
      Duration timeout,
      List<List<String>> jvmOptionSets,
      boolean nativeMemory) {
    public Config(
        int targets,
        Duration settle,
        Duration idle,
        int changes,
        Duration gap,
        Duration timeout,
        List<List<String>> jvmOptionSets) {
      this(targets, settle, idle, changes, gap, timeout, jvmOptionSets, false);
    }
  }

  /**
   * One row. Memory in KiB, times in ms; {@code error} is empty unless the run failed (then the
   * figures are 0); {@code nativeMemory} is null unless the config asked for it.
   */
  public record Row(
      String settings,
      String error,
      double startToRenderMs,
      long rssAtRenderKb,
      long idleRssKb,
      long idleAnonKb,
      long idleFileKb,
      double idleCpuPercent,
      long changeMaxRssKb,
      double cpuMsPerChange,
      double applyP50Ms,
      long rssAfterKb,
      long peakRssKb,
      NativeMemory.Summary nativeMemory) {}

  private final Config config;
  private final AgentCommand command;
  private final Path workDir;
  private final PrintStream out;

  public FootprintBench(Config config, AgentCommand command, Path workDir, PrintStream out) {
    this.config = config;
    this.command = command;
    this.workDir = workDir;
    this.out = out;
  }

  public List<Row> run() {
    List<Row> rows = new ArrayList<>();
    String loadBefore = Machine.loadAverage();
    try (ConsulServer server = ConsulServer.start(workDir.resolve("consul"));
        ConsulAccess consul = new ConsulAccess(server.url())) {
      int n = 0;
      for (List<String> options : config.jvmOptionSets()) {
        AgentCommand cmd = options == null ? command : command.with(options);
        if (config.nativeMemory()) {
          cmd = cmd.plus(NativeMemory.TRACKING);
        }
        rows.add(measure(consul, cmd, workDir.resolve("run-" + n++), "bench-footprint-" + n + "/"));
      }
    }
    print(rows, loadBefore);
    return rows;
  }

  private Row measure(ConsulAccess consul, AgentCommand cmd, Path dir, String prefix) {
    List<TargetGroup> targets = Targets.groups(config.targets());
    SharePublisher publisher = new SharePublisher(consul, new KvLayout(prefix));
    Path fileSd = dir.resolve("file_sd");
    Path file = fileSd.resolve(JOB + ".json");
    Path yml = AgentFleet.writeConfig(consul.url(), prefix, NODE, dir, fileSd);
    publish(publisher, targets, 0);
    if (cmd.classArchive()) {
      cmd = cmd.readingClassArchive(writeClassArchive(cmd, yml, dir));
    }
    try (FileArrivals arrivals = new FileArrivals(List.of(fileSd))) {
      FileArrivals.Expectation first = arrivals.expect(List.of(file), "\"chg-0\"");
      long t0 = System.nanoTime();
      ManagedProcess agent =
          ManagedProcess.start(
              "agent",
              cmd.command("run", "--config", yml.toString()),
              cmd.environment(),
              dir.resolve("agent.log"));
      try {
        ProcStats proc = new ProcStats(agent.pid());
        double startToRender = (awaitWhileAlive(first, agent, config.timeout())[0] - t0) / 1e6;
        long rssAtRender = proc.rssKb();
        Pace.sleep(config.settle());
        long cpu0 = proc.cpuMillis();
        long idleStart = System.nanoTime();
        long idleRss;
        try (RssSampler sampler = new RssSampler(proc, 100).start()) {
          Pace.sleep(config.idle());
          idleRss = sampler.maxKb();
        }
        long idleAnon = proc.rssAnonKb();
        long idleFile = proc.rssFileKb();
        NativeMemory.Summary nmt = config.nativeMemory() ? NativeMemory.summary(agent.pid()) : null;
        double idleCpu = (proc.cpuMillis() - cpu0) / ((System.nanoTime() - idleStart) / 1e6) * 100;
        double[] apply = new double[config.changes()];
        long changeMax;
        long cpu1 = proc.cpuMillis();
        try (RssSampler sampler = new RssSampler(proc, 20).start()) {
          for (int c = 1; c <= config.changes(); c++) {
            FileArrivals.Expectation e = arrivals.expect(List.of(file), "\"chg-" + c + "\"");
            SharePublisher.Published p = publish(publisher, targets, c);
            apply[c - 1] = (awaitWhileAlive(e, agent, config.timeout())[0] - p.endNanos()) / 1e6;
            Pace.sleep(config.gap());
          }
          changeMax = sampler.maxKb();
        }
        double cpuPerChange = (proc.cpuMillis() - cpu1) / (double) config.changes();
        return new Row(
            cmd.settings(),
            "",
            startToRender,
            rssAtRender,
            idleRss,
            idleAnon,
            idleFile,
            idleCpu,
            changeMax,
            cpuPerChange,
            Stats.median(apply),
            proc.rssKb(),
            proc.peakRssKb(),
            nmt);
      } catch (AssertionError | RuntimeException e) {
        String tail = agent.logTail(20);
        String why =
            tail.lines()
                .filter(l -> l.contains("java.lang.OutOfMemoryError"))
                .map(l -> l.substring(l.indexOf("java.lang.OutOfMemoryError")))
                .findFirst()
                .orElse(e.getMessage());
        System.err.println(
            "[bench] footprint run with "
                + cmd.settings()
                + " failed: "
                + e
                + "; agent log "
                + agent.logFile()
                + ":\n"
                + tail);
        return new Row(cmd.settings(), why, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
      } finally {
        agent.stop();
      }
    }
  }

  /**
   * What the launcher does before the service's first start: a dry run (reads the share, renders
   * it, writes nothing) that writes the classes it loaded to an archive as it exits.
   */
  private Path writeClassArchive(AgentCommand cmd, Path yml, Path dir) {
    Path archive = dir.resolve("class-archive.jsa");
    ManagedProcess dryRun =
        ManagedProcess.start(
            "agent-dry-run",
            cmd.writingClassArchive(archive)
                .command("run", "--dry-run", "--config", yml.toString()),
            cmd.environment(),
            dir.resolve("dry-run.log"));
    try {
      int exit = dryRun.awaitExit(config.timeout());
      if (exit != 0 || !Files.isRegularFile(archive)) {
        throw new IllegalStateException(
            "the dry run that writes the class archive exited "
                + exit
                + " without "
                + archive
                + "; its log "
                + dryRun.logFile()
                + ":\n"
                + dryRun.logTail(20));
      }
      return archive;
    } finally {
      dryRun.stop();
    }
  }

  /**
   * Like {@link FileArrivals.Expectation#await} but gives up as soon as the agent process has
   * exited.
   */
  private static long[] awaitWhileAlive(
      FileArrivals.Expectation e, ManagedProcess agent, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!e.arrivedWithin(Duration.ofMillis(200))) {
      if (!agent.isAlive()) {
        throw new IllegalStateException("the agent exited before rendering");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the agent rendered nothing within " + timeout.toSeconds() + " s");
      }
    }
    return e.await(Duration.ZERO);
  }

  private static SharePublisher.Published publish(
      SharePublisher publisher, List<TargetGroup> targets, int change) {
    return publisher.publish(
        publisher.plan(
            publisher.shares(
                JOB, targets, Map.of("bench_change", "chg-" + change), List.of(NODE))));
  }

  private void print(List<Row> rows, String loadBefore) {
    Table t =
        new Table(
            "Agent footprint: subprocess, "
                + Stats.n(config.targets())
                + " targets in its share (load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "environment and JVM options",
            "start → first render ms",
            "RSS at render MiB",
            "idle RSS MiB",
            "idle anon / file MiB",
            "idle CPU %",
            "change: max RSS MiB",
            "change: CPU ms each",
            "change: apply p50 ms",
            "RSS after MiB",
            "peak RSS (VmHWM) MiB");
    for (Row r : rows) {
      if (!r.error().isEmpty()) {
        t.row("`" + r.settings() + "`", "failed: " + r.error(), "", "", "", "", "", "", "", "", "");
        continue;
      }
      t.row(
          "`" + r.settings() + "`",
          Stats.f(r.startToRenderMs(), 0),
          mib(r.rssAtRenderKb()),
          mib(r.idleRssKb()),
          mib(r.idleAnonKb()) + " / " + mib(r.idleFileKb()),
          Stats.f(r.idleCpuPercent(), 2),
          mib(r.changeMaxRssKb()),
          Stats.f(r.cpuMsPerChange(), 0),
          Stats.f(r.applyP50Ms(), 1),
          mib(r.rssAfterKb()),
          mib(r.peakRssKb()));
    }
    out.println(t.render());
    out.println(
        "Idle: "
            + config.idle().toSeconds()
            + " s after "
            + config.settle().toSeconds()
            + " s of settling; change: "
            + config.changes()
            + " changes each rewriting all "
            + Stats.n(config.targets())
            + " targets, "
            + config.gap().toMillis()
            + " ms apart; CPU = utime + stime from /proc/<pid>/stat, RSS = VmRSS sampled every 20-100 ms; anon / file = "
            + "RssAnon / RssFile at the end of the idle window (file pages: libjvm.so, the CDS archive, the jar; shared "
            + "between JVMs).");
    out.println();
    String nmt =
        NativeMemoryTable.render(
            "Agent native memory (NMT), " + Stats.n(config.targets()) + " targets, idle", rows);
    if (!nmt.isEmpty()) {
      out.println(nmt);
    }
  }

  private static String mib(long kb) {
    return Stats.f(kb / 1024.0, 1);
  }
}
