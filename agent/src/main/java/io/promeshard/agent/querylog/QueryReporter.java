package io.promeshard.agent.querylog;

import io.promeshard.agent.config.QueryLogSettings;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.protocol.consul.KvClient;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the local Prometheus' query log on a thread of its own and writes what it found to {@code
 * reports/<node>/queries}: never on the apply loop, at most once per {@code report_interval}, and
 * only when there is something new. A report Consul does not take is retried at the next interval
 * while the next window fills. A missing or unreadable log is logged once and looked for again at
 * each poll.
 */
public final class QueryReporter implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(QueryReporter.class);

  /** How often the log is read. */
  static final Duration POLL = Duration.ofSeconds(2);

  private final QueryLogSettings settings;
  private final KvClient kv;
  private final String key;
  private final String node;
  private final Clock clock;
  private final QueryLogFollower follower;
  private final SlowQueries window;
  private final Counter lines;
  private final Counter reports;
  private final Gauge readable;
  private final Thread thread;
  private volatile boolean stopped;
  private QueryReport unsent;
  private Instant nextReport;
  private String lastProblem = "";

  public QueryReporter(
      QueryLogSettings settings,
      KvClient kv,
      KvLayout layout,
      String node,
      PrometheusRegistry registry,
      Clock clock) {
    this.settings = settings;
    this.kv = kv;
    this.key = layout.queryReport(node);
    this.node = node;
    this.clock = clock;
    this.follower = new QueryLogFollower(settings.file());
    this.window =
        new SlowQueries(
            BigDecimal.valueOf(settings.minDuration().toNanos(), 9),
            settings.maxQueries(),
            QueryLogSettings.MAX_REPORT_BYTES);
    this.lines =
        Counter.builder()
            .name("prome_shard_agent_query_log_lines_total")
            .help(
                "Query-log lines read, by result (kept: at or above min_duration, below_threshold,"
                    + " rule: a rule evaluation, malformed)")
            .labelNames("result")
            .register(registry);
    for (SlowQueries.Kind k : SlowQueries.Kind.values()) {
      if (k != SlowQueries.Kind.BLANK) {
        lines.labelValues(label(k));
      }
    }
    this.reports =
        Counter.builder()
            .name("prome_shard_agent_query_reports_total")
            .help("Slow-query reports written to Consul, by result (ok, failed)")
            .labelNames("result")
            .register(registry);
    reports.labelValues("ok");
    reports.labelValues("failed");
    this.readable =
        Gauge.builder()
            .name("prome_shard_agent_query_log_readable")
            .help("1 while the configured query log can be read")
            .register(registry);
    this.nextReport = clock.instant().plus(settings.reportInterval());
    this.thread = new Thread(this::loop, "query-log");
    this.thread.setDaemon(true);
  }

  public QueryReporter start() {
    thread.start();
    log.info(
        "[query-log] following {}; reporting queries of {} or more to {} at most every {}",
        settings.file(),
        settings.minDuration(),
        key,
        settings.reportInterval());
    return this;
  }

  private void loop() {
    while (!stopped) {
      step();
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One poll of the log and, when due, one report. */
  void step() {
    read();
    if (!clock.instant().isBefore(nextReport)) {
      nextReport = clock.instant().plus(settings.reportInterval());
      report();
    }
  }

  private void read() {
    try {
      boolean found = follower.poll(line -> lines.labelValues(label(window.accept(line))).inc());
      readable.set(found ? 1 : 0);
      problem(found ? "" : settings.file() + " does not exist (yet)");
    } catch (IOException | RuntimeException e) {
      readable.set(0);
      problem("cannot read " + settings.file() + ": " + e);
    }
  }

  private void report() {
    if (unsent == null && !window.isEmpty()) {
      unsent = window.report(node, clock.instant().toString(), settings.file().toString());
    }
    if (unsent == null) {
      return;
    }
    try {
      kv.put(key, Json.encode(unsent));
      reports.labelValues("ok").inc();
      log.info(
          "[query-log] reported {} queries of {} or more ({} lines, {} malformed, {} over the"
              + " bounds)",
          unsent.queries().size(),
          settings.minDuration(),
          unsent.lines(),
          unsent.malformed(),
          unsent.dropped());
      unsent = null;
    } catch (IOException | RuntimeException e) {
      reports.labelValues("failed").inc();
      log.warn(
          "[query-log] writing {} failed, retried in {}: {}",
          key,
          settings.reportInterval(),
          e.toString());
    }
  }

  /** Logs a problem with the log once, and when it is over. */
  private void problem(String problem) {
    if (problem.equals(lastProblem)) {
      return;
    }
    if (problem.isEmpty()) {
      log.info("[query-log] reading {} again", settings.file());
    } else {
      log.warn("[query-log] {}", problem);
    }
    lastProblem = problem;
  }

  private static String label(SlowQueries.Kind k) {
    return k.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(5_000);
      follower.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.debug("[query-log] closing {}: {}", settings.file(), e.toString());
    }
  }
}
