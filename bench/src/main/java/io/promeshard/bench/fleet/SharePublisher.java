package io.promeshard.bench.fleet;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.coordinator.dispatch.DispatchInput;
import io.promeshard.coordinator.dispatch.DispatchOutput;
import io.promeshard.coordinator.dispatch.ShareBuilder;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.coordinator.publish.PublishPlanner;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.TxnResult;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Publishes shares the way the coordinator's dispatcher does ({@link ShareBuilder} → {@link
 * PublishPlanner} → {@link Publisher}), without leader election (unfenced writes), so the benchmark
 * knows exactly when the transactions ran. Keeps the stored state and previous assignments between
 * publishes, like the dispatcher. Failed writes throw UncheckedIOException.
 */
public final class SharePublisher {
  /** One publish: the plan and when its writes started and returned (System.nanoTime). */
  public record Published(PublishPlan plan, TxnResult written, long startNanos, long endNanos) {}

  private final Publisher publisher;
  private final PublishPlanner planner;
  private Map<String, StoredNode> stored = Map.of();
  private Map<String, Assignment> previous = Map.of();

  public SharePublisher(ConsulAccess consul, KvLayout layout) {
    this.publisher = new Publisher(consul.kv(), new TxnWriter(consul.http()), layout);
    this.planner = new PublishPlanner(layout);
  }

  /**
   * The shares of one job's {@code targets} over {@code nodes}, with {@code jobLabels} on every
   * target.
   */
  public Map<String, NodeShare> shares(
      String job, List<TargetGroup> targets, Map<String, String> jobLabels, List<String> nodes) {
    Map<String, Member> members = new TreeMap<>();
    nodes.forEach(n -> members.put(n, new Member(n, 1, "")));
    JobSpec spec =
        new JobSpec(List.of(new StaticSourceSpec(List.of(targets.get(0)))), jobLabels, 1.0, null);
    DispatchInput in =
        new DispatchInput(
            Settings.DEFAULTS, Map.of(job, spec), Map.of(job, targets), List.of(), members);
    DispatchOutput out = ShareBuilder.build(in, previous);
    previous = out.assignments();
    return out.shares();
  }

  /** The incremental writes from what was published last to {@code shares}. */
  public PublishPlan plan(Map<String, NodeShare> shares) {
    return planner.plan(shares, stored, 1, Instant.now().toString());
  }

  /**
   * Writes {@code plan} (parts, then manifests, then deletions) and remembers the result as stored.
   */
  public Published publish(PublishPlan plan) {
    long start = System.nanoTime();
    try {
      TxnResult written = publisher.publish(plan, Fence.NONE);
      long end = System.nanoTime();
      stored = plan.after();
      return new Published(plan, written, start, end);
    } catch (IOException e) {
      throw new UncheckedIOException("publishing " + plan.keyCount() + " keys", e);
    }
  }
}
