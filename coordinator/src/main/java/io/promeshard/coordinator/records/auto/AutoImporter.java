package io.promeshard.coordinator.records.auto;

import io.promeshard.coordinator.config.RecordsAutoImport;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.protocol.lifecycle.Lifecycle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the automatic import of the agents' slow-query reports on a thread of its own, so it never
 * holds up a dispatch: while this coordinator is the leader and {@code records_auto_import} is on,
 * one run at the start of the term (or when turned on) and one every {@code records_interval}
 * after. What it remembers (refused records, held-back candidates) lasts one term. Each run's
 * status goes to {@code onRun} (null once the import is turned off); a run that fails is logged,
 * counted and tried again at the next interval.
 */
public final class AutoImporter extends Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(AutoImporter.class);

  /** How often leadership and settings are looked at between runs (in memory, no I/O). */
  static final Duration TICK = Duration.ofSeconds(1);

  /** The leadership term a run writes under. */
  public record Term(long epoch, Fence fence) {}

  private final Supplier<RecordsAutoImport> settings;
  private final Supplier<Term> term;
  private final Consumer<RecordsImportStatus> onRun;
  private final Clock clock;
  private final AutoImportMetrics metrics;
  private final AutoImportRun runner;
  private TermMemory memory;
  private Instant lastRun;
  private boolean wasEnabled;

  /**
   * @param settings the settings in force (read on this thread, each tick)
   * @param term this coordinator's term, or null while it is not the leader
   * @param env the process environment, for {@code records_redis_password_env}
   */
  public AutoImporter(
      KvClient kv,
      TxnWriter txn,
      KvLayout layout,
      Supplier<RecordsAutoImport> settings,
      Supplier<Term> term,
      AutoImportMetrics metrics,
      Consumer<RecordsImportStatus> onRun,
      Clock clock,
      Map<String, String> env) {
    super("records-auto-import", Duration.ofSeconds(5));
    this.settings = settings;
    this.term = term;
    this.onRun = onRun;
    this.clock = clock;
    this.metrics = metrics;
    this.runner = new AutoImportRun(kv, txn, layout, metrics, clock, Map.copyOf(env));
  }

  @Override
  public AutoImporter start() {
    super.start();
    return this;
  }

  @Override
  protected void run() {
    while (isRunning()) {
      step(this::tick);
      if (!pause(TICK)) {
        return;
      }
    }
  }

  /** Follows the term and the settings; runs an import when one is due. */
  private void tick() {
    Term t = term.get();
    RecordsAutoImport cfg = settings.get();
    if (t == null) {
      if (memory != null) {
        log.info("[records-auto] not the leader any more: automatic import stops");
        metrics.held(0); // what is held is the next leader's to report
      }
      memory = null;
      return;
    }
    if (memory == null || memory.epoch != t.epoch()) {
      memory = new TermMemory(t.epoch());
      lastRun = null;
    }
    if (!cfg.enabled()) {
      if (wasEnabled) {
        log.info("[records-auto] records_auto_import off");
        metrics.held(0);
        onRun.accept(null); // status shows no run of an import that is off
      }
      wasEnabled = false;
      return;
    }
    if (!wasEnabled) {
      log.info(
          "[records-auto] importing slow queries of {} or more every {} (at most {} new per run,"
              + " {} records in all)",
          Durations.format(cfg.minDuration()),
          Durations.format(cfg.interval()),
          cfg.maxNewPerInterval(),
          cfg.maxTotal());
      wasEnabled = true;
      lastRun = null;
    }
    Instant now = clock.instant();
    if (lastRun != null && now.isBefore(lastRun.plus(cfg.interval()))) {
      return;
    }
    lastRun = now;
    onRun.accept(runner.run(cfg, memory, t.fence()));
  }
}
