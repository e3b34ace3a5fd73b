package io.promeshard.coordinator.run;

import io.promeshard.coordinator.dispatch.DispatchObserver;
import io.promeshard.coordinator.dispatch.HandoverPlanner;
import io.promeshard.coordinator.dispatch.Handovers;
import io.promeshard.coordinator.dispatch.LoadOutcome;
import io.promeshard.coordinator.membership.HealthSnapshot;
import io.promeshard.coordinator.membership.MembershipStatus;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.coordinator.source.SourceHealth;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** The coordinator's own metrics, registered in one registry served on {@code /metrics}. */
public final class CoordinatorMetrics implements DispatchObserver {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram dispatchDuration =
      Histogram.builder()
          .name("prome_shard_dispatch_duration_seconds")
          .help("Time to compute and publish one dispatch.")
          .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
          .register(registry);
  private final Histogram dispatchPhaseDuration =
      Histogram.builder()
          .name("prome_shard_dispatch_phase_duration_seconds")
          .help(
              "Time of each phase of a dispatch that went through: decide, shares (sharding and"
                  + " building the shares), guard, plan (encoding and diffing the parts), write.")
          .labelNames("phase")
          .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
          .register(registry);
  private final Counter dispatches =
      Counter.builder()
          .name("prome_shard_dispatches_total")
          .help("Dispatches by result (changed, unchanged, error).")
          .labelNames("result")
          .register(registry);
  private final Gauge lastSuccess =
      Gauge.builder()
          .name("prome_shard_last_successful_dispatch_timestamp_seconds")
          .help("Unix time of the last dispatch that succeeded.")
          .register(registry);
  private final Counter moved =
      Counter.builder()
          .name("prome_shard_moved_assignments_total")
          .help("Targets and rules that changed owner.")
          .register(registry);
  private final Counter keysWritten =
      Counter.builder()
          .name("prome_shard_kv_keys_written_total")
          .help("KV keys set or deleted by dispatches.")
          .register(registry);
  private final Counter bytesWritten =
      Counter.builder()
          .name("prome_shard_kv_bytes_written_total")
          .help("KV value bytes written by dispatches.")
          .register(registry);
  private final Gauge nodeTargets =
      Gauge.builder()
          .name("prome_shard_node_targets")
          .help("Targets assigned to a node.")
          .labelNames("node")
          .register(registry);
  private final Gauge nodeCost =
      Gauge.builder()
          .name("prome_shard_node_cost")
          .help("Cost (sum of target weights) assigned to a node.")
          .labelNames("node")
          .register(registry);
  private final Gauge nodeSeries =
      Gauge.builder()
          .name("prome_shard_node_estimated_series")
          .help(
              "Series a node is planned to hold when placing by load (load_aware): the smoothed"
                  + " samples per scrape of its targets, estimates for targets never measured.")
          .labelNames("node")
          .register(registry);
  private final Gauge nodeSeriesBound =
      Gauge.builder()
          .name("prome_shard_node_series_bound")
          .help(
              "The most series placing by load plans on a node: (1 + balance) times its share, or"
                  + " its Meta max_series when lower.")
          .labelNames("node")
          .register(registry);
  private final Counter loadMoves =
      Counter.builder()
          .name("prome_shard_load_moves_total")
          .help(
              "Targets moved because their observed load changed (re-weighing), within"
                  + " max_load_moves_per_hour; not counting moves off failed or onto new nodes.")
          .register(registry);
  private final Gauge loadDeferred =
      Gauge.builder()
          .name("prome_shard_load_deferred_changes")
          .help(
              "Cost changes of targets waiting for move budget (max_load_moves_per_hour) at the"
                  + " last dispatch.")
          .register(registry);
  private final Gauge unplaced =
      Gauge.builder()
          .name("prome_shard_unplaced_targets")
          .help(
              "Targets no node can take under its Meta max_series: not scraped until room appears."
                  + " Alert on > 0.")
          .register(registry);
  private final Set<String> loadNodesShown = new HashSet<>();
  private final Gauge nodeRules =
      Gauge.builder()
          .name("prome_shard_node_rules")
          .help("Recording rules assigned to a node.")
          .labelNames("node")
          .register(registry);
  private final Gauge healthyNodes =
      Gauge.builder()
          .name("prome_shard_healthy_nodes")
          .help("Members in the effective healthy set.")
          .register(registry);
  private final Gauge leader =
      Gauge.builder()
          .name("prome_shard_leader")
          .help("1 while this coordinator holds the leader lock.")
          .register(registry);
  private final Gauge epoch =
      Gauge.builder()
          .name("prome_shard_leader_epoch")
          .help("Leadership term of this coordinator (0 when standby).")
          .register(registry);
  private final Gauge configErrors =
      Gauge.builder()
          .name("prome_shard_config_errors")
          .help("Configuration keys currently rejected.")
          .register(registry);
  private final Gauge sourceErrors =
      Gauge.builder()
          .name("prome_shard_source_errors")
          .help("Errors seen per source since start.")
          .labelNames("job", "source")
          .register(registry);
  private final Gauge sourceFailing =
      Gauge.builder()
          .name("prome_shard_source_failing")
          .help("1 while a source's last attempt failed.")
          .labelNames("job", "source")
          .register(registry);
  private final Gauge sourceTargets =
      Gauge.builder()
          .name("prome_shard_source_targets")
          .help("Targets from a source's last good result.")
          .labelNames("job", "source")
          .register(registry);
  private final Gauge held =
      Gauge.builder()
          .name("prome_shard_dispatch_held")
          .help(
              "1 while a dispatch is held back (too many targets removed, no job, no healthy member):"
                  + " nothing is written until it is released.")
          .register(registry);
  private final Gauge rejectedTargets =
      Gauge.builder()
          .name("prome_shard_rejected_targets")
          .help(
              "Targets a source reported that cannot be published (bad address or label, over a"
                  + " size limit) and are left out.")
          .labelNames("job")
          .register(registry);
  private final Gauge handoversPending =
      Gauge.builder()
          .name("prome_shard_handovers_pending")
          .help(
              "Items (kind target or record) published on their new owners while their old owners"
                  + " keep them, until taken over or handover_timeout.")
          .labelNames("kind")
          .register(registry);
  private final Counter handoversStarted =
      Counter.builder()
          .name("prome_shard_handovers_started_total")
          .help("Moves from a live old owner that began as handovers (make-before-break).")
          .register(registry);
  private final Counter handoversCompleted =
      Counter.builder()
          .name("prome_shard_handovers_completed_total")
          .help("Handovers whose new owners all scraped the target or evaluated the record.")
          .labelNames("kind")
          .register(registry);
  private final Counter handoversTimedOut =
      Counter.builder()
          .name("prome_shard_handovers_timed_out_total")
          .help(
              "Handovers cut short at handover_timeout: the new owner never reported a scrape or"
                  + " evaluation.")
          .labelNames("kind")
          .register(registry);
  private final Counter handoversCancelled =
      Counter.builder()
          .name("prome_shard_handovers_cancelled_total")
          .help(
              "Handovers ended without a takeover: no live old owner left, or handovers turned"
                  + " off.")
          .register(registry);
  private final Histogram handoverDuration =
      Histogram.builder()
          .name("prome_shard_handover_duration_seconds")
          .help(
              "From a handover's start to the dispatch that removed the item from its old owners.")
          .labelNames("kind")
          .classicUpperBounds(1, 2.5, 5, 10, 20, 30, 60, 90, 120, 300)
          .register(registry);
  private final Set<String> jobsRejecting = new HashSet<>();
  private final Set<String> nodesShown = new HashSet<>();
  private final Set<List<String>> sourcesShown = new HashSet<>();

  public CoordinatorMetrics() {
    // every labelled series exists from the start, so rates and alerts have a zero to start from
    for (String result : List.of("changed", "unchanged", "held", "error")) {
      dispatches.labelValues(result);
    }
    for (String phase : List.of("decide", "shares", "guard", "plan", "write")) {
      dispatchPhaseDuration.labelValues(phase);
    }
    for (String kind : List.of("target", "record")) {
      handoversPending.labelValues(kind).set(0);
      handoversCompleted.labelValues(kind);
      handoversTimedOut.labelValues(kind);
      handoverDuration.labelValues(kind);
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void phases(Map<String, Double> seconds) {
    seconds.forEach((phase, s) -> dispatchPhaseDuration.labelValues(phase).observe(s));
  }

  @Override
  public void dispatched(String result, double seconds) {
    dispatches.labelValues(result).inc();
    dispatchDuration.observe(seconds);
    if (!result.equals("error")) {
      lastSuccess.set(System.currentTimeMillis() / 1000.0);
    }
  }

  @Override
  public void published(int movedCount, int keys, long bytes) {
    moved.inc(movedCount);
    keysWritten.inc(keys);
    bytesWritten.inc(bytes);
  }

  @Override
  public synchronized void nodes(
      Map<String, Integer> targets, Map<String, Double> cost, Map<String, Integer> rules) {
    for (String gone : nodesShown) {
      if (!targets.containsKey(gone)) {
        nodeTargets.remove(gone);
        nodeCost.remove(gone);
        nodeRules.remove(gone);
      }
    }
    nodesShown.clear();
    nodesShown.addAll(targets.keySet());
    targets.forEach((n, v) -> nodeTargets.labelValues(n).set(v));
    cost.forEach((n, v) -> nodeCost.labelValues(n).set(v));
    rules.forEach((n, v) -> nodeRules.labelValues(n).set(v));
  }

  @Override
  public synchronized void load(LoadOutcome load) {
    for (String gone : loadNodesShown) {
      if (!load.boundByNode().containsKey(gone)) {
        nodeSeries.remove(gone);
        nodeSeriesBound.remove(gone);
      }
    }
    loadNodesShown.clear();
    loadNodesShown.addAll(load.boundByNode().keySet());
    load.seriesByNode().forEach((n, v) -> nodeSeries.labelValues(n).set(v));
    load.boundByNode().forEach((n, v) -> nodeSeriesBound.labelValues(n).set(v));
    loadMoves.inc(load.moves());
    loadDeferred.set(load.deferred());
    unplaced.set(load.unplaced().size());
  }

  /**
   * Registers the gauges read from the membership watcher's latest view at each scrape: node names
   * in conflict and registrations ignored. Call once.
   */
  void followMembership(Supplier<MembershipStatus> view) {
    GaugeWithCallback.builder()
        .name("prome_shard_node_name_conflicts")
        .help(
            "Node names claimed by live registrations on two or more Consul nodes; each is left"
                + " without targets until only one host claims it.")
        .callback(cb -> cb.call(rawCount(view, s -> s.conflicts().size())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("prome_shard_node_registrations_ignored")
        .help(
            "Registrations of node_service ignored: invalid service ID, or (node_binding"
                + " consul_node) registered on a Consul node of another name.")
        .callback(cb -> cb.call(rawCount(view, HealthSnapshot::ignored)))
        .register(registry);
  }

  /**
   * Registers the per-node generation gauges, read from {@code view} at each scrape: published by
   * the leader and applied by each node's agent (see {@link NodeGenerations}). Call once.
   */
  void followGenerations(Supplier<NodeGenerations> view) {
    GaugeWithCallback.builder()
        .name("prome_shard_node_published_generation")
        .help("Generation of the manifest the leader published for a member node (leader only).")
        .labelNames("node")
        .callback(cb -> view.get().published().forEach((node, g) -> cb.call(g, node)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("prome_shard_node_applied_generation")
        .help(
            "Generation a member node's agent last reported applying in status/<node>, 0 before"
                + " its first report (leader only).")
        .labelNames("node")
        .callback(cb -> view.get().applied().forEach((node, g) -> cb.call(g, node)))
        .register(registry);
  }

  private static double rawCount(
      Supplier<MembershipStatus> view, ToIntFunction<HealthSnapshot> count) {
    MembershipStatus s = view.get();
    return s == null ? 0 : count.applyAsInt(s.raw());
  }

  void healthyNodes(int count) {
    healthyNodes.set(count);
  }

  @Override
  public void leadership(boolean isLeader, long term) {
    leader.set(isLeader ? 1 : 0);
    epoch.set(isLeader ? (double) term : 0);
    if (!isLeader) {
      forgetNodes();
    }
  }

  /** A standby's per-node loads would be its last term's: the new leader reports the current. */
  private synchronized void forgetNodes() {
    nodeTargets.clear();
    nodeCost.clear();
    nodeRules.clear();
    nodesShown.clear();
    nodeSeries.clear();
    nodeSeriesBound.clear();
    loadNodesShown.clear();
  }

  void configErrors(int count) {
    configErrors.set(count);
  }

  synchronized void sources(Map<String, List<SourceHealth>> health) {
    Set<List<String>> now = new HashSet<>();
    health.forEach(
        (job, list) ->
            list.forEach(
                h -> {
                  List<String> labels = List.of(job, h.source());
                  now.add(labels);
                  sourceErrors.labelValues(job, h.source()).set((double) h.errorCount());
                  sourceFailing.labelValues(job, h.source()).set(h.failing() ? 1 : 0);
                  sourceTargets.labelValues(job, h.source()).set(h.targets());
                }));
    for (List<String> gone : sourcesShown) {
      if (!now.contains(gone)) {
        String[] lv = gone.toArray(String[]::new);
        sourceErrors.remove(lv);
        sourceFailing.remove(lv);
        sourceTargets.remove(lv);
      }
    }
    sourcesShown.clear();
    sourcesShown.addAll(now);
  }

  @Override
  public void handovers(HandoverPlanner.Result r, Handovers inProgress) {
    int records =
        (int) inProgress.all().values().stream().filter(Handovers.Handover::isRecord).count();
    handoversPending.labelValues("target").set(inProgress.size() - records);
    handoversPending.labelValues("record").set(records);
    handoversStarted.inc(r.started());
    handoversCompleted.labelValues("target").inc(r.completedTargets().size());
    handoversCompleted.labelValues("record").inc(r.completedRecords().size());
    handoversTimedOut.labelValues("target").inc(r.timedOutTargets());
    handoversTimedOut.labelValues("record").inc(r.timedOutRecords());
    handoversCancelled.inc(r.cancelled());
    r.completedTargets()
        .forEach(d -> handoverDuration.labelValues("target").observe(d.toMillis() / 1000.0));
    r.completedRecords()
        .forEach(d -> handoverDuration.labelValues("record").observe(d.toMillis() / 1000.0));
  }

  @Override
  public void held(boolean isHeld) {
    held.set(isHeld ? 1 : 0);
  }

  /** Targets rejected per job, from the latest source results. */
  public synchronized void rejected(Map<String, JobTargets> targets) {
    for (String gone : jobsRejecting) {
      if (!targets.containsKey(gone)) {
        rejectedTargets.remove(gone);
      }
    }
    jobsRejecting.clear();
    targets.forEach(
        (job, jt) -> {
          rejectedTargets.labelValues(job).set(jt.rejected().size());
          jobsRejecting.add(job);
        });
  }
}
