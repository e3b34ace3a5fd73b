package io.promeshard.bench.propagation;

import io.promeshard.bench.fleet.AgentFleet;
import io.promeshard.bench.fleet.ConsulAccess;
import io.promeshard.bench.fleet.FileArrivals;
import io.promeshard.bench.fleet.Pace;
import io.promeshard.bench.fleet.SharePublisher;
import io.promeshard.bench.fleet.Targets;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One propagation row: {@code changes} times, a new assignment (every target relabelled, so every
 * node's share changes) is published the coordinator's way and the clock runs until all agents'
 * files hold it. Latency is measured from the return of the publish (the commit of the transaction
 * carrying the manifests) and from its start.
 */
public final class PublishToFiles {
  static final String JOB = "web";

  /**
   * Per change: until the last agent (from publish return and from publish start) and until the
   * first agent; per agent and change from publish return.
   */
  @SuppressWarnings(
      "ArrayRecordComponent") // measured samples for the report; never compared or hashed
  public record Samples(
      int targets,
      int batches,
      long bytes,
      double[] lastFromCommitMs,
      double[] lastFromStartMs,
      double[] firstFromCommitMs,
      double[] eachFromCommitMs,
      int fallbackHits) {}

  private PublishToFiles() {}

  static Samples run(
      ConsulAccess consul,
      String prefix,
      List<String> nodes,
      Path root,
      int targetsPerAgent,
      int changes,
      Duration gap,
      Duration timeout) {
    List<TargetGroup> targets = Targets.groups(targetsPerAgent * nodes.size());
    SharePublisher publisher = new SharePublisher(consul, new KvLayout(prefix));
    try (AgentFleet agents = AgentFleet.start(consul.url(), prefix, nodes, root);
        FileArrivals arrivals = new FileArrivals(agents.fileSdDirs())) {
      List<Path> files = agents.jobFiles(JOB);
      change(publisher, arrivals, files, targets, nodes, 0).await(timeout);
      double[] last = new double[changes];
      double[] lastFromStart = new double[changes];
      double[] first = new double[changes];
      double[] each = new double[changes * nodes.size()];
      int batches = 0;
      long bytes = 0;
      for (int c = 0; c < changes; c++) {
        Pace.sleep(gap);
        Change ch = change(publisher, arrivals, files, targets, nodes, c + 1);
        long[] at = ch.await(timeout);
        long lastAt = at[0];
        long firstAt = at[0];
        for (int a = 0; a < at.length; a++) {
          each[c * at.length + a] = (at[a] - ch.published.endNanos()) / 1e6;
          lastAt = Math.max(lastAt, at[a]);
          firstAt = Math.min(firstAt, at[a]);
        }
        last[c] = (lastAt - ch.published.endNanos()) / 1e6;
        first[c] = (firstAt - ch.published.endNanos()) / 1e6;
        lastFromStart[c] = (lastAt - ch.published.startNanos()) / 1e6;
        batches = Math.max(batches, ch.published.written().batches());
        bytes = Math.max(bytes, ch.published.written().bodyBytes());
      }
      return new Samples(
          targets.size(),
          batches,
          bytes,
          last,
          lastFromStart,
          first,
          each,
          arrivals.fallbackHits());
    }
  }

  private record Change(FileArrivals.Expectation expectation, SharePublisher.Published published) {
    long[] await(Duration timeout) {
      return expectation.await(timeout);
    }
  }

  private static Change change(
      SharePublisher publisher,
      FileArrivals arrivals,
      List<Path> files,
      List<TargetGroup> targets,
      List<String> nodes,
      int n) {
    String marker = marker(n);
    Map<String, NodeShare> shares =
        publisher.shares(JOB, targets, Map.of("bench_change", marker), nodes);
    PublishPlan plan = publisher.plan(shares);
    FileArrivals.Expectation e = arrivals.expect(files, "\"" + marker + "\"");
    return new Change(e, publisher.publish(plan));
  }

  static String marker(int n) {
    return "chg-" + n;
  }
}
