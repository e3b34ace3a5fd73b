package io.promeshard.agent.samples;

import io.promeshard.agent.observe.TargetSamples;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.SampleReport;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.lifecycle.Lifecycle;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the samples per scrape of this node's targets every {@code interval}, on its own thread
 * ("agent-samples"), and writes them to {@code reports/<node>/samples} when a rounded count changed
 * or targets came or went (see the package comment). The first measurement is one interval after
 * start, when Prometheus has scraped what the agent wrote. A failed measurement or write is counted
 * and logged (WARN once, DEBUG while it lasts) and retried at the next interval.
 */
public final class SampleReporter extends Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(SampleReporter.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  /** Where the counts come from: the local Prometheus ({@code PrometheusApi::targetSamples}). */
  @FunctionalInterface
  public interface Measure {
    TargetSamples measure() throws IOException;
  }

  private final String node;
  private final Duration interval;
  private final Measure measure;
  private final KvClient kv;
  private final String key;
  private final LongSupplier generation;
  private final Clock clock;
  private final Counter reports;
  private final Gauge reportedTargets;
  private final Gauge unmeasuredTargets;

  // confined to the loop thread
  private Map<String, Long> reported = Map.of(); // every rounded count of the last write
  private String failing = "";

  /**
   * Reports for {@code node} every {@code interval} what {@code measure} finds; {@code generation}
   * is the generation the agent has applied (any thread).
   */
  public SampleReporter(
      String node,
      Duration interval,
      Measure measure,
      KvClient kv,
      KvLayout layout,
      LongSupplier generation,
      PrometheusRegistry registry,
      Clock clock) {
    super("agent-samples", CLOSE_WAIT);
    this.node = Names.node(node);
    this.interval = Objects.requireNonNull(interval, "interval");
    this.measure = Objects.requireNonNull(measure, "measure");
    this.kv = Objects.requireNonNull(kv, "kv");
    this.key = layout.sampleReport(node);
    this.generation = Objects.requireNonNull(generation, "generation");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reports =
        Counter.builder()
            .name("prome_shard_agent_sample_reports_total")
            .help(
                "Sample measurements by result: written (a report written), unchanged (nothing to"
                    + " write), measure_failed (Prometheus not read), write_failed (Consul refused)")
            .labelNames("result")
            .register(registry);
    for (String result : new String[] {"written", "unchanged", "measure_failed", "write_failed"}) {
      reports.labelValues(result);
    }
    this.reportedTargets =
        Gauge.builder()
            .name("prome_shard_agent_samples_reported_targets")
            .help("Targets whose samples per scrape the last written sample report carries")
            .register(registry);
    this.unmeasuredTargets =
        Gauge.builder()
            .name("prome_shard_agent_samples_unmeasured_targets")
            .help(
                "Targets of this node's files, at the last measurement, whose samples could not"
                    + " be told apart (not up, no series yet, or a label set shared with another"
                    + " target)")
            .register(registry);
  }

  @Override
  public SampleReporter start() {
    super.start();
    log.info(
        "[samples] {}: reporting samples per target to {} every {}",
        node,
        key,
        Durations.format(interval));
    return this;
  }

  @Override
  protected void run() {
    while (pause(interval)) {
      step(this::report);
    }
  }

  /** One measurement and, when something changed, one write. */
  void report() {
    TargetSamples measured;
    try {
      measured = measure.measure();
    } catch (IOException | RuntimeException e) {
      reports.labelValues("measure_failed").inc();
      problem(
          "cannot measure samples per target, retrying in "
              + Durations.format(interval)
              + ": "
              + e);
      return;
    }
    unmeasuredTargets.set(measured.unmeasured());
    Map<String, Long> rounded = StableCounts.round(reported, measured.samples());
    if (rounded.equals(reported)) {
      reports.labelValues("unchanged").inc();
      problem("");
      log.debug("[samples] {}: {} targets, nothing changed", node, rounded.size());
      return;
    }
    SampleReport.Encoded encoded =
        new SampleReport(
                node,
                generation.getAsLong(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                interval,
                rounded,
                0,
                measured.unmeasured())
            .encodeWithin(SampleReport.MAX_BYTES);
    try {
      kv.put(key, encoded.bytes());
    } catch (IOException | RuntimeException e) {
      reports.labelValues("write_failed").inc();
      problem("writing " + key + " failed, retrying in " + Durations.format(interval) + ": " + e);
      return;
    }
    reports.labelValues("written").inc();
    problem("");
    SampleReport written = encoded.report();
    reportedTargets.set(written.samples().size());
    int changed = changes(reported, rounded);
    reported = rounded;
    String line =
        "[samples] {}: reported {} targets ({} changed, {} unmeasured, {} left out to stay within"
            + " {} bytes; {} bytes)";
    Object[] args = {
      node,
      written.samples().size(),
      changed,
      written.unmeasured(),
      written.omitted(),
      SampleReport.MAX_BYTES,
      encoded.size()
    };
    if (written.omitted() > 0) {
      log.warn(line, args);
    } else {
      log.info(line, args);
    }
  }

  /** Targets added, removed or with another number. */
  private static int changes(Map<String, Long> before, Map<String, Long> after) {
    int n = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        n++;
      }
    }
    for (String k : before.keySet()) {
      if (!after.containsKey(k)) {
        n++;
      }
    }
    return n;
  }

  /** Logs a problem at WARN once, at DEBUG while it lasts, and at INFO when it is over (""). */
  private void problem(String problem) {
    if (problem.isEmpty()) {
      if (!failing.isEmpty()) {
        log.info("[samples] {}: measuring and reporting again", node);
      }
    } else if (failing.isEmpty()) {
      log.warn("[samples] {}: {}", node, problem);
    } else {
      log.debug("[samples] {}: still failing: {}", node, problem);
    }
    failing = problem;
  }
}
