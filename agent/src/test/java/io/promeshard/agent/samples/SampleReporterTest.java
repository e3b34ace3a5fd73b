package io.promeshard.agent.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.observe.TargetSamples;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.SampleReport;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FailingProxy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the reporter writes to a real Consul, one measurement at a time (measurements are stubbed):
 * only changes beyond the rounding are written, failures write nothing and are counted.
 */
class SampleReporterTest {
  private static final String NODE = "prom-1";

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private final KvLayout layout = KvLayout.defaults();
  private final AtomicReference<Object> next = new AtomicReference<>();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private ConsulHttp http;
  private KvClient kv;
  private SampleReporter reporter;

  @BeforeEach
  void setUp() {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
    reporter =
        new SampleReporter(
            NODE,
            Duration.ofMinutes(2),
            () -> {
              Object n = next.get();
              if (n instanceof IOException e) {
                throw e;
              }
              return (TargetSamples) n;
            },
            kv,
            layout,
            () -> 7,
            registry,
            Clock.fixed(Instant.parse("2026-12-01T19:30:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  @Test
  void onlyChangesBeyondTheRoundingAreWrittenAndAnEmptyNodeSaysSo() throws IOException {
    measure(Map.of(), 0);
    assertEquals(Optional.empty(), stored(), "nothing measured, nothing to say");

    measure(Map.of("web/h:1", 1049L, "web/h:2", 13L), 1);
    KvEntry first = stored().orElseThrow();
    SampleReport report = SampleReport.decode(first.key(), first.value());
    assertEquals(Map.of("web/h:1", 1000L, "web/h:2", 13L), report.samples());
    assertEquals(7, report.generation());
    assertEquals(1, report.unmeasured());
    assertEquals(Duration.ofMinutes(2), report.interval());

    measure(Map.of("web/h:1", 1050L, "web/h:2", 13L), 4);
    assertEquals(first.modifyIndex(), stored().orElseThrow().modifyIndex(), "within 5 %: kept");

    measure(Map.of("web/h:1", 1050L, "web/h:2", 14L), 0);
    assertEquals(
        Map.of("web/h:1", 1000L, "web/h:2", 14L), decode(stored().orElseThrow()).samples());

    measure(Map.of(), 0);
    assertEquals(Map.of(), decode(stored().orElseThrow()).samples(), "every target gone");
    assertEquals(3.0, counter("written"));
    assertEquals(2.0, counter("unchanged"));
    assertEquals(0.0, gauge("prome_shard_agent_samples_reported_targets"));
  }

  @Test
  void aFailedMeasurementWritesNothingAndIsCounted() throws IOException {
    measure(Map.of("web/h:1", 5L), 0);
    long index = stored().orElseThrow().modifyIndex();
    next.set(new IOException("GET http://127.0.0.1:9090/api/v1/targets: connection refused"));
    reporter.report();
    assertEquals(index, stored().orElseThrow().modifyIndex());
    assertEquals(1.0, counter("measure_failed"));
    assertEquals(1.0, gauge("prome_shard_agent_samples_reported_targets"));
  }

  @Test
  void aWriteConsulRefusesIsRetriedAtTheNextMeasurement() throws IOException {
    String key = layout.sampleReport("prom-2");
    try (FailingProxy proxy = FailingProxy.start(consul.url());
        ConsulHttp viaProxy = ConsulHttp.create(ConsulSettings.of(proxy.url()))) {
      FailingProxy.Rule refuse =
          proxy.fail(new FailingProxy.Match("PUT", "/v1/kv/" + key, ""), 1, 1);
      PrometheusRegistry metrics = new PrometheusRegistry();
      SampleReporter flaky =
          new SampleReporter(
              "prom-2",
              Duration.ofMinutes(2),
              () -> new TargetSamples(Map.of("web/h:1", 5L), 0),
              new KvClient(viaProxy),
              layout,
              () -> 1,
              metrics,
              Clock.systemUTC());
      flaky.report();
      assertEquals(1, refuse.failed());
      assertTrue(kv.get(key).isEmpty());
      flaky.report();
      assertEquals(Map.of("web/h:1", 5L), decode(kv.get(key).orElseThrow()).samples());
      assertEquals(1.0, counter(metrics, "write_failed"));
      assertEquals(1.0, counter(metrics, "written"));
    }
  }

  private void measure(Map<String, Long> samples, int unmeasured) {
    next.set(new TargetSamples(samples, unmeasured));
    reporter.report();
  }

  private Optional<KvEntry> stored() throws IOException {
    return kv.get(layout.sampleReport(NODE));
  }

  private static SampleReport decode(KvEntry e) {
    return SampleReport.decode(e.key(), e.value());
  }

  private double counter(String result) {
    return counter(registry, result);
  }

  private static double counter(PrometheusRegistry registry, String result) {
    return registry.scrape().stream()
        .filter(s -> s instanceof CounterSnapshot)
        .filter(s -> s.getMetadata().getName().equals("prome_shard_agent_sample_reports"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(d -> d.getLabels().get("result").equals(result))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private double gauge(String name) {
    return registry.scrape().stream()
        .filter(s -> s instanceof GaugeSnapshot && s.getMetadata().getName().equals(name))
        .flatMap(s -> ((GaugeSnapshot) s).getDataPoints().stream())
        .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
        .sum();
  }
}
