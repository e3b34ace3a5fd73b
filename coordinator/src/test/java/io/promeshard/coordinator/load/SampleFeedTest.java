package io.promeshard.coordinator.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.SampleReport;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agents' sample reports, read from a real Consul, become the load the dispatcher places by.
 */
class SampleFeedTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2026-12-01T20:00:00Z");

  private final KvLayout layout = KvLayout.defaults();
  private ConsulHttp http;
  private SampleFeed feed;

  @AfterEach
  void close() {
    if (feed != null) {
      feed.close();
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void reportsOfEveryServerAreMergedAndAChangeOrDeferredMovesAskForADispatch() throws Exception {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    KvClient kv = new KvClient(http);
    kv.put(layout.sampleReport("p1"), report("p1", T0, Map.of("web/a:1", 120L, "web/b:1", 9L)));
    kv.put(layout.sampleReport("p2"), report("p2", T0, Map.of("kube/k:1", 45_000L)));
    kv.put(layout.sampleReport("p3"), "not a report".getBytes(StandardCharsets.UTF_8));
    kv.put(layout.queryReport("p1"), "{}".getBytes(StandardCharsets.UTF_8));
    AtomicBoolean wanted = new AtomicBoolean(true);
    AtomicBoolean pending = new AtomicBoolean(false);
    AtomicInteger dispatches = new AtomicInteger();
    feed =
        new SampleFeed(
                kv,
                layout,
                () -> Duration.ofMillis(200),
                wanted::get,
                pending::get,
                dispatches::incrementAndGet)
            .start();

    Map<String, Long> first = Map.of("web/a:1", 120L, "web/b:1", 9L, "kube/k:1", 45_000L);
    Await.until(WAIT, "the reports of p1 and p2 read", () -> feed.samples().equals(first));
    assertEquals(1, dispatches.get(), "one dispatch for the new samples");

    // p2's target moved to p1, which measured it later: the later measurement counts
    kv.put(
        layout.sampleReport("p1"),
        report("p1", T0.plusSeconds(120), Map.of("web/a:1", 120L, "kube/k:1", 90_000L)));
    Await.until(WAIT, "the later measurement", () -> feed.samples().get("kube/k:1") == 90_000L);
    Await.until(WAIT, "a dispatch for it", () -> dispatches.get() == 2);

    pending.set(true);
    Await.until(WAIT, "dispatches while moves wait for budget", () -> dispatches.get() >= 4);
    pending.set(false);

    wanted.set(false);
    Await.until(WAIT, "nothing kept when not wanted", () -> feed.samples().isEmpty());
  }

  @Test
  void turningLoadAwarenessOnIsFollowedWithinASecondWhateverTheReadInterval() throws Exception {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    KvClient kv = new KvClient(http);
    kv.put(layout.sampleReport("p1"), report("p1", T0, Map.of("web/a:1", 120L)));
    AtomicBoolean wanted = new AtomicBoolean(false);
    AtomicInteger dispatches = new AtomicInteger();
    feed =
        new SampleFeed(
                kv,
                layout,
                () -> Duration.ofHours(1),
                wanted::get,
                () -> false,
                dispatches::incrementAndGet)
            .start();
    Thread.sleep(300); // the feed has looked once and found itself not wanted
    assertEquals(Map.of(), feed.samples());

    wanted.set(true);
    Await.until(
        Duration.ofSeconds(5),
        "the report read soon after load awareness is wanted, not after the hour",
        () -> feed.samples().equals(Map.of("web/a:1", 120L)));
    assertEquals(1, dispatches.get());
  }

  private static byte[] report(String node, Instant at, Map<String, Long> samples) {
    return new SampleReport(node, 1, at, Duration.ofMinutes(2), samples, 0, 0).encode();
  }
}
