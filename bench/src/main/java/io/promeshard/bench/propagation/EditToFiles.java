package io.promeshard.bench.propagation;

import io.promeshard.bench.fleet.AgentFleet;
import io.promeshard.bench.fleet.ConsulAccess;
import io.promeshard.bench.fleet.FileArrivals;
import io.promeshard.bench.fleet.Pace;
import io.promeshard.bench.fleet.Targets;
import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.run.Coordinator;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.ConsulConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One KV-edit row: an in-process coordinator (leader of its own prefix) and in-process agents; each
 * edit PUTs {@code config/jobs/web} and the clock runs until all agents' files hold the edit. Two
 * kinds of edit: a job label on a job whose targets come from file_sd files (the sources are
 * unchanged, so the dispatch follows the edit after {@code settings.debounce}), and a label inside
 * the groups of a static source (the source is restarted and its result passes the source manager's
 * own debounce first; inline targets must fit Consul's 512 KiB value limit, so this row is
 * smaller).
 */
public final class EditToFiles {
  /** Which part of the job spec each edit changes. */
  public enum Edit {
    JOB_LABEL,
    SOURCE_GROUPS
  }

  /**
   * Per edit: until the last agent's files, and until the dispatch report (publish and status
   * done).
   */
  @SuppressWarnings(
      "ArrayRecordComponent") // measured samples for the report; never compared or hashed
  public record Samples(
      Edit edit,
      String debounce,
      int targets,
      double[] filesMs,
      double[] dispatchedMs,
      int fallbackHits) {}

  private record Stamped(long nanos, DispatchReport report) {}

  private EditToFiles() {}

  static Samples run(
      ConsulAccess consul,
      String prefix,
      List<String> nodes,
      Path root,
      int targetsPerAgent,
      Edit edit,
      String debounce,
      int edits,
      Duration gap,
      Duration timeout) {
    KvLayout layout = new KvLayout(prefix);
    List<TargetGroup> targets = Targets.groups(targetsPerAgent * nodes.size());
    Path sdDir = root.resolve("targets");
    if (edit == Edit.JOB_LABEL) {
      Targets.writeFileSd(sdDir, targets.size(), 10);
    }
    String sdPattern = sdDir.toAbsolutePath() + "/*.json";
    consul.putKv(
        layout.settings(),
        "{\"debounce\":\"" + debounce + "\",\"flap_hold\":\"0s\",\"resync_interval\":\"1h\"}");
    consul.putKv(
        layout.job(PublishToFiles.JOB),
        jobSpec(targets, sdPattern, edit, PublishToFiles.marker(0)));
    BlockingQueue<Stamped> reports = new LinkedBlockingQueue<>();
    CoordinatorConfig config =
        new CoordinatorConfig(
            new ConsulConfig(consul.url(), null, null),
            prefix,
            "",
            Duration.ofSeconds(10),
            Duration.ZERO,
            Duration.ofSeconds(2)); // startup_grace: the first dispatch waits all of it
    try (AgentFleet agents = AgentFleet.start(consul.url(), prefix, nodes, root);
        FileArrivals arrivals = new FileArrivals(agents.fileSdDirs());
        Coordinator coordinator =
            new Coordinator(
                config,
                DispatchMode.PUBLISH,
                r -> reports.add(new Stamped(System.nanoTime(), r)))) {
      List<Path> files = agents.jobFiles(PublishToFiles.JOB);
      FileArrivals.Expectation first =
          arrivals.expect(files, "\"" + PublishToFiles.marker(0) + "\"");
      start(coordinator);
      first.await(
          timeout.plus(Duration.ofSeconds(30))); // leader election and the first full publish
      double[] filesMs = new double[edits];
      double[] dispatchedMs = new double[edits];
      for (int e = 0; e < edits; e++) {
        Pace.sleep(gap);
        reports.clear();
        String marker = PublishToFiles.marker(e + 1);
        String spec = jobSpec(targets, sdPattern, edit, marker);
        FileArrivals.Expectation exp = arrivals.expect(files, "\"" + marker + "\"");
        long t0 = System.nanoTime();
        consul.putKv(layout.job(PublishToFiles.JOB), spec);
        long[] at = exp.await(timeout);
        long last = at[0];
        for (long a : at) {
          last = Math.max(last, a);
        }
        filesMs[e] = (last - t0) / 1e6;
        dispatchedMs[e] = (dispatchedAt(reports, timeout) - t0) / 1e6;
      }
      return new Samples(
          edit, debounce, targets.size(), filesMs, dispatchedMs, arrivals.fallbackHits());
    }
  }

  private static void start(Coordinator coordinator) {
    try {
      coordinator.start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting the coordinator", e);
    }
  }

  /** When the dispatch that published the edit reported (the first report with writes). */
  private static long dispatchedAt(BlockingQueue<Stamped> reports, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Stamped s;
      try {
        s =
            reports.poll(
                Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for a dispatch report", ex);
      }
      if (s != null && !s.report().plan().isEmpty()) {
        return s.nanos();
      }
    }
    throw new AssertionError("no dispatch report with writes within " + timeout);
  }

  /**
   * The job spec: for a job-label edit, a file source over {@code sdPattern} and the marker as a
   * job label; for a source edit, a static source of {@code targets} with the marker in every
   * group.
   */
  static String jobSpec(List<TargetGroup> targets, String sdPattern, Edit edit, String marker) {
    if (edit == Edit.JOB_LABEL) {
      return "{\"sources\":[{\"type\":\"file\",\"files\":[\""
          + sdPattern
          + "\"]}],\"labels\":{\"bench_change\":\""
          + marker
          + "\"}}";
    }
    StringBuilder sb =
        new StringBuilder(targets.size() * 100)
            .append("{\"sources\":[{\"type\":\"static\",\"groups\":[");
    for (int i = 0; i < targets.size(); i++) {
      TargetGroup g = targets.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"targets\":[\"")
          .append(g.targets().get(0))
          .append("\"],\"labels\":{");
      for (Map.Entry<String, String> l : g.labels().entrySet()) {
        sb.append('"').append(l.getKey()).append("\":\"").append(l.getValue()).append("\",");
      }
      sb.append("\"bench_change\":\"").append(marker).append("\"}}");
    }
    return sb.append("]}]}").toString();
  }
}
