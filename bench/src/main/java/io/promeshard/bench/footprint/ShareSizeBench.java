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
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.ConsulServer;
import io.promeshard.testkit.ManagedProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark 5: where the agent stops. For each share size, a new agent subprocess (the shaded jar
 * with the package launcher's JVM options, {@code -Xmx64m}) is started on a share of that many
 * targets in one job and then given {@code changes} changes rewriting all of them. Per size: the
 * share's bytes in KV, what happened (applied; refused with the error in {@code status/<node>}; or
 * the process died), the first apply and the changes' apply times, CPU, and the process's peak
 * resident set ({@code VmHWM}).
 */
public final class ShareSizeBench {
  static final String NODE = "sharesize";
  static final String JOB = "web";

  /** What to run. */
  public record Config(List<Integer> sizes, int changes, Duration gap, Duration timeout) {}

  /** One row; times in ms, memory in KiB; {@code outcome} says what the agent did. */
  public record Row(
      int targets,
      long kvBytes,
      String outcome,
      double firstApplyMs,
      double changeApplyP50Ms,
      double cpuMsPerChange,
      long rssAfterKb,
      long peakRssKb) {}

  private final Config config;
  private final AgentCommand command;
  private final Path workDir;
  private final PrintStream out;

  public ShareSizeBench(Config config, AgentCommand command, Path workDir, PrintStream out) {
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
      for (int size : config.sizes()) {
        rows.add(measure(consul, size, workDir.resolve("run-" + size), "bench-size-" + size + "/"));
      }
    }
    print(rows, loadBefore);
    return rows;
  }

  private Row measure(ConsulAccess consul, int size, Path dir, String prefix) {
    List<TargetGroup> targets = Targets.groups(size);
    KvLayout layout = new KvLayout(prefix);
    SharePublisher publisher = new SharePublisher(consul, layout);
    Path fileSd = dir.resolve("file_sd");
    Path file = fileSd.resolve(JOB + ".json");
    Path yml = AgentFleet.writeConfig(consul.url(), prefix, NODE, dir, fileSd);
    long kvBytes = publish(publisher, targets, 0).kvBytes;
    try (FileArrivals arrivals = new FileArrivals(List.of(fileSd))) {
      FileArrivals.Expectation first = arrivals.expect(List.of(file), "\"chg-0\"");
      long t0 = System.nanoTime();
      ManagedProcess agent =
          ManagedProcess.start(
              "agent",
              command.command("run", "--config", yml.toString()),
              command.environment(),
              dir.resolve("agent.log"));
      ProcStats proc = new ProcStats(agent.pid());
      try {
        String outcome = await(first, agent, consul, layout);
        if (!outcome.equals("applied")) {
          boolean alive = agent.isAlive();
          return new Row(
              size,
              kvBytes,
              outcome,
              0,
              0,
              0,
              alive ? proc.rssKb() : 0,
              alive ? proc.peakRssKb() : 0);
        }
        double firstMs = (first.await(Duration.ZERO)[0] - t0) / 1e6;
        double[] apply = new double[config.changes()];
        long cpu0 = proc.cpuMillis();
        for (int c = 1; c <= config.changes(); c++) {
          FileArrivals.Expectation e = arrivals.expect(List.of(file), "\"chg-" + c + "\"");
          Published p = publish(publisher, targets, c);
          String o = await(e, agent, consul, layout);
          if (!o.equals("applied")) {
            return new Row(size, kvBytes, "change " + c + ": " + o, firstMs, 0, 0, 0, 0);
          }
          apply[c - 1] = (e.await(Duration.ZERO)[0] - p.endNanos) / 1e6;
          Pace.sleep(config.gap());
        }
        double cpu = (proc.cpuMillis() - cpu0) / (double) config.changes();
        return new Row(
            size,
            kvBytes,
            "applied",
            firstMs,
            Stats.median(apply),
            cpu,
            proc.rssKb(),
            proc.peakRssKb());
      } catch (RuntimeException e) {
        return new Row(size, kvBytes, "failed: " + e.getMessage(), 0, 0, 0, 0, 0);
      } finally {
        agent.stop();
      }
    }
  }

  /**
   * "applied" when the expected file arrived; "refused: ..." when the agent reported an error in
   * its status instead; "died: ..." when the process ended (its last OutOfMemoryError line).
   */
  private String await(
      FileArrivals.Expectation e, ManagedProcess agent, ConsulAccess consul, KvLayout layout) {
    long deadline = System.nanoTime() + config.timeout().toNanos();
    while (!e.arrivedWithin(Duration.ofMillis(200))) {
      if (!agent.isAlive()) {
        return "died: "
            + agent
                .logTail(20)
                .lines()
                .filter(l -> l.contains("java.lang.OutOfMemoryError") && !l.startsWith("### "))
                .findFirst()
                .orElse("exit without OutOfMemoryError");
      }
      String error = statusError(consul, layout);
      if (!error.isEmpty()) {
        return "refused: " + error;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nothing within " + config.timeout().toSeconds() + " s");
      }
    }
    return "applied";
  }

  private static String statusError(ConsulAccess consul, KvLayout layout) {
    try {
      return consul
          .kv()
          .get(layout.nodeStatus(NODE))
          .map(v -> Json.decode(v.key(), v.value(), NodeStatus.class).lastError())
          .orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private record Published(long kvBytes, long endNanos) {}

  private static Published publish(
      SharePublisher publisher, List<TargetGroup> targets, int change) {
    Map<String, NodeShare> shares =
        publisher.shares(JOB, targets, Map.of("bench_change", "chg-" + change), List.of(NODE));
    long bytes = 0;
    for (byte[] part : Parts.encode(shares.get(NODE)).values()) {
      bytes += part.length;
    }
    SharePublisher.Published p = publisher.publish(publisher.plan(shares));
    return new Published(bytes, p.endNanos());
  }

  private void print(List<Row> rows, String loadBefore) {
    Table t =
        new Table(
            "Agent share size under the launcher's options ("
                + command.settings()
                + "; load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "targets",
            "share in KV MiB",
            "outcome",
            "start → first apply ms",
            "change: apply p50 ms",
            "change: CPU ms each",
            "RSS after MiB",
            "peak RSS (VmHWM) MiB");
    for (Row r : rows) {
      t.row(
          Stats.n(r.targets()),
          Stats.f(r.kvBytes() / 1048576.0, 1),
          r.outcome().length() > 160 ? r.outcome().substring(0, 160) + "…" : r.outcome(),
          Stats.f(r.firstApplyMs(), 0),
          Stats.f(r.changeApplyP50Ms(), 0),
          Stats.f(r.cpuMsPerChange(), 0),
          Stats.f(r.rssAfterKb() / 1024.0, 1),
          Stats.f(r.peakRssKb() / 1024.0, 1));
    }
    out.println(t.render());
    out.println(
        "Each size: a new agent process, "
            + config.changes()
            + " changes rewriting every target, "
            + config.gap().toMillis()
            + " ms apart; apply = publish returned → file renamed into place.");
    out.println();
  }
}
