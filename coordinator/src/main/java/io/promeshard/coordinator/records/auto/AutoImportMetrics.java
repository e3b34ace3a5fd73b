package io.promeshard.coordinator.records.auto;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics of the automatic import of slow queries ({@code prome_shard_records_auto_import_*}):
 * candidates per node, records added, candidates refused by reason, runs by result, the last
 * successful run, and the candidates held back by a limit.
 */
public final class AutoImportMetrics {
  static final String INVALID = "invalid";
  static final String OVER_LIMIT = "over_limit";

  private final Counter candidates;
  private final Counter added;
  private final Counter rejected;
  private final Counter runs;
  private final Gauge lastSuccess;
  private final Gauge held;

  public AutoImportMetrics(PrometheusRegistry registry) {
    candidates =
        Counter.builder()
            .name("prome_shard_records_auto_import_candidates_total")
            .help(
                "Queries at or above records_min_duration in the slow-query reports read, by the"
                    + " node that reported them (each report counted once).")
            .labelNames("node")
            .register(registry);
    added =
        Counter.builder()
            .name("prome_shard_records_auto_import_added_total")
            .help("Records the automatic import added to the registry.")
            .register(registry);
    rejected =
        Counter.builder()
            .name("prome_shard_records_auto_import_rejected_total")
            .help(
                "Candidates not registered, by reason: invalid (promtool refused it, or empty or"
                    + " too long), over_limit (held back by records_max_new_per_interval or"
                    + " records_max_total; counted when first held, retried when there is room).")
            .labelNames("reason")
            .register(registry);
    runs =
        Counter.builder()
            .name("prome_shard_records_auto_import_runs_total")
            .help("Automatic import runs by result (ok, failed).")
            .labelNames("result")
            .register(registry);
    lastSuccess =
        Gauge.builder()
            .name("prome_shard_records_auto_import_last_success_timestamp_seconds")
            .help("Unix time of the last automatic import run that succeeded.")
            .register(registry);
    held =
        Gauge.builder()
            .name("prome_shard_records_auto_import_held")
            .help("Candidates held back by a limit after the last run, waiting for room.")
            .register(registry);
    rejected.labelValues(INVALID);
    rejected.labelValues(OVER_LIMIT);
    runs.labelValues("ok");
    runs.labelValues("failed");
  }

  void candidates(String node, int count) {
    candidates.labelValues(node).inc(count);
  }

  void added(int count) {
    added.inc(count);
  }

  void rejected(String reason, int count) {
    rejected.labelValues(reason).inc(count);
  }

  void run(boolean ok, long epochMillis) {
    runs.labelValues(ok ? "ok" : "failed").inc();
    if (ok) {
      lastSuccess.set(epochMillis / 1000.0);
    }
  }

  void held(int count) {
    held.set(count);
  }
}
