package io.promeshard.coordinator.records.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promeshard.coordinator.config.RecordsAutoImport;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The importer's schedule against a real Consul and promtool: nothing while not the leader or
 * turned off, one run as soon as a term starts, and a new term forgets what the last one refused.
 */
class AutoImporterTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final long WAIT_SECONDS = 10;

  private static Optional<RecordsImportStatus> next(
      BlockingQueue<Optional<RecordsImportStatus>> runs) throws InterruptedException {
    Optional<RecordsImportStatus> r = runs.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(r, "nothing from the importer within " + WAIT_SECONDS + " s");
    return r;
  }

  @Test
  void itRunsAtTheStartOfEachTermOnlyWhileEnabledAndANewTermChecksRefusalsAgain() throws Exception {
    consul.clearKv();
    KvLayout layout = KvLayout.defaults();
    RecordsAutoImport on =
        new RecordsAutoImport(
            true,
            Duration.ZERO,
            Duration.ofMinutes(5),
            20,
            1000,
            null,
            null,
            null,
            RecordsAutoImport.DEFAULT_REDIS_PASSWORD_ENV,
            RecordsAutoImport.DEFAULT_REDIS_SET,
            Binaries.promtool());
    AtomicReference<RecordsAutoImport> settings = new AtomicReference<>(on);
    AtomicReference<AutoImporter.Term> term = new AtomicReference<>();
    BlockingQueue<Optional<RecordsImportStatus>> runs = new LinkedBlockingQueue<>();
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(consul.url()))) {
      KvClient kv = new KvClient(http);
      kv.put(
          layout.queryReport("p1"),
          Json.encode(
              new QueryReport(
                  "p1",
                  "2026-12-01T00:00:00Z",
                  "/q.log",
                  0,
                  List.of(new QueryReport.Entry("sum(", 1, 1)),
                  1,
                  0,
                  0)));
      AutoImporter importer =
          new AutoImporter(
                  kv,
                  new TxnWriter(http),
                  layout,
                  settings::get,
                  term::get,
                  new AutoImportMetrics(new PrometheusRegistry()),
                  status -> runs.add(Optional.ofNullable(status)),
                  Clock.systemUTC(),
                  Map.of())
              .start();
      try {
        // standby: the first tick finds no term
        assertNull(runs.poll(AutoImporter.TICK.toMillis() * 2, TimeUnit.MILLISECONDS));

        term.set(new AutoImporter.Term(1, Fence.NONE));
        RecordsImportStatus first = next(runs).orElseThrow();
        assertEquals(1, first.invalid(), first.line());

        settings.set(RecordsAutoImport.DEFAULTS);
        assertEquals(Optional.empty(), next(runs), "turned off: no last run in status");
        term.set(new AutoImporter.Term(2, Fence.NONE));
        assertNull(runs.poll(AutoImporter.TICK.toMillis() * 2, TimeUnit.MILLISECONDS), "off");

        settings.set(on);
        RecordsImportStatus second = next(runs).orElseThrow();
        assertEquals(1, second.invalid(), "checked again in the new term: " + second.line());
        assertEquals(0, second.refusedBefore(), second.line());
      } finally {
        importer.close();
      }
    }
  }
}
