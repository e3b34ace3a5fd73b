package io.promeshard.bench.propagation;

import io.promeshard.bench.fleet.ConsulAccess;
import io.promeshard.bench.report.Machine;
import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import io.promeshard.protocol.Defaults;
import io.promeshard.testkit.ConsulServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 2: propagation latency through a real Consul to in-process agents (one JVM, each agent
 * with its own directories, default watch timings, no Prometheus). Table A: from the coordinator's
 * publish to all agents' files, over {@code changes} changes per share size. Table B: from a PUT of
 * {@code config/jobs/<job>} to all agents' files, through an in-process coordinator.
 */
public final class PropagationBench {
  public static final String SERVICE = Defaults.NODE_SERVICE;

  /** What to run; sizes are targets per agent. */
  public record Config(
      int agents,
      List<Integer> targetsPerAgent,
      int changes,
      int editTargetsPerAgent,
      int edits,
      List<String> debounces,
      int sourceEditTargetsPerAgent,
      Duration gap,
      Duration timeout) {}

  /** The measured rows. */
  public record Result(List<PublishToFiles.Samples> publish, List<EditToFiles.Samples> edits) {}

  private final Config config;
  private final Path workDir;
  private final PrintStream out;

  public PropagationBench(Config config, Path workDir, PrintStream out) {
    this.config = config;
    this.workDir = workDir;
    this.out = out;
  }

  public Result run() {
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= config.agents(); i++) {
      nodes.add(String.format("prom-%02d", i));
    }
    List<PublishToFiles.Samples> publish = new ArrayList<>();
    List<EditToFiles.Samples> edits = new ArrayList<>();
    try (ConsulServer server = ConsulServer.start(workDir.resolve("consul"));
        ConsulAccess consul = new ConsulAccess(server.url())) {
      String loadA = Machine.loadAverage();
      for (int tpa : config.targetsPerAgent()) {
        String prefix = "bench-publish-" + tpa + "/";
        publish.add(
            PublishToFiles.run(
                consul,
                prefix,
                nodes,
                workDir.resolve(prefix),
                tpa,
                config.changes(),
                config.gap(),
                config.timeout()));
      }
      printPublish(publish, loadA);
      nodes.forEach(n -> consul.register(SERVICE, n));
      String loadB = Machine.loadAverage();
      int row = 0;
      for (String debounce : config.debounces()) {
        String prefix = "bench-edit-" + row++ + "/";
        edits.add(
            EditToFiles.run(
                consul,
                prefix,
                nodes,
                workDir.resolve(prefix),
                config.editTargetsPerAgent(),
                EditToFiles.Edit.JOB_LABEL,
                debounce,
                config.edits(),
                config.gap(),
                config.timeout()));
      }
      if (config.sourceEditTargetsPerAgent() > 0) {
        String last = config.debounces().get(config.debounces().size() - 1);
        String prefix = "bench-edit-" + row + "/";
        edits.add(
            EditToFiles.run(
                consul,
                prefix,
                nodes,
                workDir.resolve(prefix),
                config.sourceEditTargetsPerAgent(),
                EditToFiles.Edit.SOURCE_GROUPS,
                last,
                config.edits(),
                config.gap(),
                config.timeout()));
      }
      printEdits(edits, loadB);
    }
    return new Result(publish, edits);
  }

  private void printPublish(List<PublishToFiles.Samples> rows, String loadBefore) {
    Table t =
        new Table(
            "Propagation A: coordinator publish → files on all "
                + config.agents()
                + " agents (real Consul, "
                + "in-process agents; load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "targets (per agent)",
            "changes",
            "txn batches",
            "txn bytes",
            "p50 ms",
            "p99 ms",
            "max ms",
            "p50 from publish start ms",
            "first agent p50 ms",
            "per-agent p50 / p99 ms",
            "fallback reads");
    for (PublishToFiles.Samples s : rows) {
      t.row(
          Stats.n(s.targets()) + " (" + Stats.n(s.targets() / config.agents()) + ")",
          s.lastFromCommitMs().length,
          s.batches(),
          Stats.n(s.bytes()),
          Stats.f(Stats.median(s.lastFromCommitMs()), 1),
          Stats.f(Stats.percentile(s.lastFromCommitMs(), 99), 1),
          Stats.f(Stats.max(s.lastFromCommitMs()), 1),
          Stats.f(Stats.median(s.lastFromStartMs()), 1),
          Stats.f(Stats.median(s.firstFromCommitMs()), 1),
          Stats.f(Stats.median(s.eachFromCommitMs()), 1)
              + " / "
              + Stats.f(Stats.percentile(s.eachFromCommitMs(), 99), 1),
          s.fallbackHits());
    }
    out.println(t.render());
    out.println(
        "Latency = until the last of the agents' <job>.json holds the change, from the return of the publish "
            + "(the commit of the transaction carrying the manifests); every change rewrites every agent's share.");
    out.println();
  }

  private void printEdits(List<EditToFiles.Samples> rows, String loadBefore) {
    Table t =
        new Table(
            "Propagation B: PUT config/jobs/web → files on all "
                + config.agents()
                + " agents (in-process "
                + "coordinator; load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "edit",
            "settings.debounce",
            "targets",
            "edits",
            "dispatched p50 ms",
            "files p50 ms",
            "files p99 ms",
            "files max ms");
    for (EditToFiles.Samples s : rows) {
      t.row(
          s.edit() == EditToFiles.Edit.JOB_LABEL
              ? "job label (file_sd source)"
              : "label in static source groups",
          s.debounce(),
          Stats.n(s.targets()),
          s.filesMs().length,
          Stats.f(Stats.median(s.dispatchedMs()), 1),
          Stats.f(Stats.median(s.filesMs()), 1),
          Stats.f(Stats.percentile(s.filesMs(), 99), 1),
          Stats.f(Stats.max(s.filesMs()), 1));
    }
    out.println(t.render());
    out.println(
        "dispatched = until the coordinator reported the dispatch (shares built, published, status written).");
    out.println();
  }
}
