package io.promeshard.agent.status;

import io.promeshard.agent.apply.ApplyMetrics;
import io.promeshard.agent.apply.ReloadResult;
import io.promeshard.agent.apply.Stall;
import io.promeshard.agent.observe.ObserveMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;

/**
 * The agent's metrics, registered in one registry that {@code /metrics} serves: applied generation,
 * last apply time, apply step duration, files written, reloads by result, snapshots by kind, watch
 * errors, Consul and registration state, failed status writes, applies failing and retried by
 * reason (output not writable, Prometheus not answering), and what Prometheus has not done yet
 * (targets not scraped, rule groups not evaluated, failed reads of its API), and jobs whose scrape
 * settings the local Prometheus cannot take. Registering twice in one registry throws
 * IllegalArgumentException.
 */
public final class AgentMetrics implements ApplyMetrics, ObserveMetrics {
  private final PrometheusRegistry registry;
  private final Gauge appliedGeneration;
  private final Gauge lastApply;
  private final Counter filesWritten;
  private final Counter reloads;
  private final Counter snapshots;
  private final Counter watchErrors;
  private final Gauge consulUp;
  private final Gauge registered;
  private final Counter statusWriteErrors;
  private final Counter manifestRegressions;
  private final Counter applyFailures;
  private final Gauge applyStalled;
  private final Gauge unscraped;
  private final Gauge unevaluated;
  private final Gauge jobsUnsupported;
  private final Counter observeErrors;
  private final Histogram applyDuration;

  public AgentMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    appliedGeneration =
        Gauge.builder()
            .name("prome_shard_agent_applied_generation")
            .help("Generation of the share whose files are all in place (0: none yet)")
            .register(registry);
    lastApply =
        Gauge.builder()
            .name("prome_shard_agent_last_apply_timestamp_seconds")
            .help("When a complete share was last applied, Unix time")
            .register(registry);
    filesWritten =
        Counter.builder()
            .name("prome_shard_agent_files_written_total")
            .help("Output files created, updated or removed, by kind (targets, rules)")
            .labelNames("kind")
            .register(registry);
    reloads =
        Counter.builder()
            .name("prome_shard_agent_reloads_total")
            .help("Prometheus reloads by result (ok, failed, unreachable: no answer)")
            .labelNames("result")
            .register(registry);
    snapshots =
        Counter.builder()
            .name("prome_shard_agent_snapshots_total")
            .help(
                "Reads of this node's KV directory by outcome (complete, incomplete, malformed, no_manifest)")
            .labelNames("result")
            .register(registry);
    watchErrors =
        Counter.builder()
            .name("prome_shard_agent_watch_errors_total")
            .help("Failed reads of this node's KV directory (each is retried)")
            .register(registry);
    consulUp =
        Gauge.builder()
            .name("prome_shard_agent_consul_up")
            .help("1 when the last read from Consul succeeded, else 0")
            .register(registry);
    registered =
        Gauge.builder()
            .name("prome_shard_agent_registered")
            .help("1 when the Prometheus service is registered in the local Consul agent, else 0")
            .register(registry);
    statusWriteErrors =
        Counter.builder()
            .name("prome_shard_agent_status_write_errors_total")
            .help("Failed writes of status/<node>")
            .register(registry);
    manifestRegressions =
        Counter.builder()
            .name("prome_shard_agent_manifest_regressions_total")
            .help(
                "Manifests older (lower epoch or generation) than one seen before; applied anyway")
            .register(registry);
    applyFailures =
        Counter.builder()
            .name("prome_shard_agent_apply_failures_total")
            .help(
                "Apply steps failed for a reason that passes by itself and retried, by reason"
                    + " (output_unwritable, prometheus_unreachable, reload_failed)")
            .labelNames("reason")
            .register(registry);
    applyStalled =
        Gauge.builder()
            .name("prome_shard_agent_apply_stalled")
            .help(
                "1 while the agent keeps old files and retries because of this reason"
                    + " (output_unwritable, prometheus_unreachable, reload_failed), else 0")
            .labelNames("reason")
            .register(registry);
    unscraped =
        Gauge.builder()
            .name("prome_shard_agent_targets_unscraped")
            .help(
                "Targets of this agent's file_sd files that Prometheus has not scraped since they"
                    + " were added")
            .register(registry);
    unevaluated =
        Gauge.builder()
            .name("prome_shard_agent_rule_groups_unevaluated")
            .help(
                "Rule groups that gained records in a reload and that Prometheus has not evaluated"
                    + " since")
            .register(registry);
    observeErrors =
        Counter.builder()
            .name("prome_shard_agent_observe_errors_total")
            .help(
                "Failed reads of Prometheus' /api/v1/targets or /api/v1/rules (pending targets and"
                    + " groups then stay pending)")
            .register(registry);
    jobsUnsupported =
        Gauge.builder()
            .name("prome_shard_agent_jobs_unsupported")
            .help(
                "Jobs of this node's share whose scrape settings the local Prometheus cannot take"
                    + " (older than 2.43: no scrape_config_files); they are not scraped")
            .register(registry);
    applyDuration =
        Histogram.builder()
            .name("prome_shard_agent_apply_duration_seconds")
            .help(
                "Time of one apply step: writing the changed files and, when rules or scrape"
                    + " configs changed, the reload of Prometheus")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
    for (Stall.Reason r : Stall.Reason.values()) {
      applyFailures.initLabelValues(r.label());
      applyStalled.labelValues(r.label()).set(0);
    }
    for (String kind : new String[] {"targets", "rules", "scrape_configs"}) {
      filesWritten.initLabelValues(kind);
    }
    for (String result : new String[] {"ok", "failed", "unreachable"}) {
      reloads.initLabelValues(result);
    }
    for (String result :
        new String[] {"complete", "incomplete", "malformed", "too_large", "no_manifest"}) {
      snapshots.initLabelValues(result);
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void applied(long generation, Instant at) {
    appliedGeneration.set((double) generation);
    lastApply.set(at.toEpochMilli() / 1000.0);
  }

  @Override
  public void applyTook(double seconds) {
    applyDuration.observe(seconds);
  }

  @Override
  public void filesWritten(String kind, int count) {
    if (count > 0) {
      filesWritten.labelValues(kind).inc(count);
    }
  }

  @Override
  public void reload(ReloadResult result) {
    reloads.labelValues(result.ok() ? "ok" : result.unreachable() ? "unreachable" : "failed").inc();
  }

  @Override
  public void applyFailed(String reason) {
    applyFailures.labelValues(reason).inc();
  }

  @Override
  public void stalled(String reason, boolean stalled) {
    applyStalled.labelValues(reason).set(stalled ? 1 : 0);
  }

  @Override
  public void snapshot(String result) {
    snapshots.labelValues(result).inc();
  }

  @Override
  public void pending(int unscrapedTargets, int unevaluatedGroups) {
    unscraped.set(unscrapedTargets);
    unevaluated.set(unevaluatedGroups);
  }

  @Override
  public void observeFailed() {
    observeErrors.inc();
  }

  public void watchError() {
    watchErrors.inc();
  }

  public void consulUp(boolean up) {
    consulUp.set(up ? 1 : 0);
  }

  public void registered(boolean isRegistered) {
    registered.set(isRegistered ? 1 : 0);
  }

  public void statusWriteFailed() {
    statusWriteErrors.inc();
  }

  public void manifestRegression() {
    manifestRegressions.inc();
  }

  @Override
  public void jobsUnsupported(int jobs) {
    jobsUnsupported.set(jobs);
  }
}
