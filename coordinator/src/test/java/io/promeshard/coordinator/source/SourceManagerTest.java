package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.ConsulSourceSpec;
import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceManagerTest {
  private static final long WAIT_SECONDS = 10;
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  /** Holds the notifier before each hand-over until the test releases it. */
  private static final class Gate implements SourceManager.HandOver {
    final BlockingQueue<String> entered = new LinkedBlockingQueue<>();
    final Semaphore permits = new Semaphore(0);

    @Override
    public void await() throws InterruptedException {
      entered.add("hand-over");
      permits.acquire();
    }

    void awaitEntered() throws InterruptedException {
      assertEquals(
          "hand-over",
          entered.poll(WAIT_SECONDS, TimeUnit.SECONDS),
          "notifier did not wake for a change");
    }
  }

  private final FakeSources fakes = new FakeSources();
  private final BlockingQueue<Map<String, JobTargets>> notified = new LinkedBlockingQueue<>();
  private final Gate gate = new Gate();
  private SourceManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  private void startGated() {
    manager = new SourceManager(fakes, notified::add, Clock.fixed(NOW, ZoneOffset.UTC), gate);
    manager.start();
  }

  private static SourceSpec spec(String marker) {
    return new StaticSourceSpec(List.of(TargetGroup.of(marker + ":1", Map.of())));
  }

  private static TargetGroup group(Map<String, String> labels, String... addresses) {
    return new TargetGroup(List.of(addresses), labels);
  }

  private static List<String> addresses(JobTargets t) {
    return RecordingListener.addresses(t.groups());
  }

  /** Lets one hand-over pass and returns the notification it produced. */
  private Map<String, JobTargets> releaseAndTake() throws InterruptedException {
    gate.awaitEntered();
    gate.permits.release();
    Map<String, JobTargets> snapshot = notified.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(snapshot, "no notification after the hand-over");
    return snapshot;
  }

  @Test
  void updatesArrivingWhileTheNotifierIsBusyAreHandedOverAsOneSnapshot() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a"))));
    FakeSources.FakeSource s = fakes.latest("web/0 (static)");
    gate.awaitEntered(); // the new job woke the notifier
    for (int i = 1; i <= 5; i++) {
      s.emit(TargetGroup.of("10.0.0." + i + ":80", Map.of()));
    }
    gate.permits.release();

    Map<String, JobTargets> snapshot = notified.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(snapshot);
    assertEquals(List.of("10.0.0.5:80"), addresses(snapshot.get("web")));
    assertTrue(snapshot.get("web").complete());
    assertNull(
        notified.poll(200, TimeUnit.MILLISECONDS), "a second notification for the same burst");
    assertTrue(gate.entered.isEmpty(), "the notifier woke again without a change");

    s.emit(TargetGroup.of("10.0.0.6:80", Map.of()));
    assertEquals(List.of("10.0.0.6:80"), addresses(releaseAndTake().get("web")));
  }

  @Test
  void aContinuousStreamIsHandedOverWithoutDelayAndEndsOnTheLastState() throws Exception {
    List<Long> times = new CopyOnWriteArrayList<>();
    BlockingQueue<Map<String, JobTargets>> seen = new LinkedBlockingQueue<>();
    manager =
        new SourceManager(
            fakes,
            snapshot -> {
              times.add(System.nanoTime());
              seen.add(snapshot);
            });
    manager.start();
    manager.setJobs(Map.of("web", List.of(spec("a"))));
    FakeSources.FakeSource s = fakes.latest("web/0 (static)");
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
    int n = 0;
    while (System.nanoTime() < end) {
      n++;
      s.emit(TargetGroup.of("10.0.0.1:" + n, Map.of()));
      Thread.sleep(5); // paces the producer, not a synchronisation
    }
    String last = "10.0.0.1:" + n;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Map<String, JobTargets> snapshot = null;
    while (snapshot == null || !addresses(snapshot.get("web")).equals(List.of(last))) {
      snapshot = seen.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(snapshot, "final state " + last + " never notified");
    }
    // no time-based coalescing here (the dispatcher debounces): the stream is followed closely
    assertTrue(times.size() > n / 2, times.size() + " notifications for " + n + " updates");
  }

  @Test
  void failingSourceKeepsItsLastGoodTargetsAndRecordsTheError() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a"))));
    FakeSources.FakeSource s = fakes.latest("web/0 (static)");
    s.emit(group(Map.of("env", "prod"), "10.0.0.1:80", "10.0.0.2:80"));
    assertEquals(List.of("10.0.0.1:80", "10.0.0.2:80"), addresses(releaseAndTake().get("web")));

    s.fail("GET http://sd/targets: HTTP 500");
    s.fail("GET http://sd/targets: connection refused");
    assertEquals(List.of("10.0.0.1:80", "10.0.0.2:80"), addresses(manager.snapshot().get("web")));
    SourceHealth h = manager.health().get("web").get(0);
    assertTrue(h.failing());
    assertEquals(2, h.errorCount());
    assertEquals("GET http://sd/targets: connection refused", h.lastError());
    assertEquals(NOW, h.lastErrorTime());
    assertEquals(NOW, h.lastSuccess());
    assertEquals(2, h.targets());
    assertEquals("web/0 (static)", h.source());
    assertNull(
        gate.entered.poll(200, TimeUnit.MILLISECONDS), "an error alone changed the snapshot");

    s.emit(group(Map.of(), "10.0.0.3:80"));
    assertEquals(List.of("10.0.0.3:80"), addresses(releaseAndTake().get("web")));
    h = manager.health().get("web").get(0);
    assertFalse(h.failing());
    assertEquals(2, h.errorCount());
  }

  @Test
  void multiAddressGroupsAreSplitAndDuplicateAddressesMergedFirstSourceFirst() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a"), spec("b"))));
    fakes.latest("web/1 (static)").emit(group(Map.of("from", "second"), "b:1", "c:1"));
    JobTargets partial = manager.snapshot().get("web");
    assertFalse(partial.complete());
    assertEquals(List.of("b:1", "c:1"), addresses(partial));
    assertEquals(List.of("0:static"), partial.missing(), "the source not heard from yet");

    fakes
        .latest("web/0 (static)")
        .emit(group(Map.of("from", "first"), "b:1", "a:1"), group(Map.of("x", "y"), "a:1"));
    JobTargets t = manager.snapshot().get("web");
    assertTrue(t.complete());
    assertEquals(List.of(), t.missing());
    // a job with several sources labels each target with the source that reported it
    String src = TargetGroup.SOURCE_LABEL;
    assertEquals(
        List.of(
            TargetGroup.of("a:1", Map.of("from", "first", src, "0:static")),
            TargetGroup.of("b:1", Map.of("from", "first", src, "0:static")),
            TargetGroup.of("c:1", Map.of("from", "second", src, "1:static"))),
        t.groups());
    assertEquals(2, t.duplicates());
    assertEquals(
        List.of(3, 2), manager.health().get("web").stream().map(SourceHealth::targets).toList());
  }

  @Test
  void replacedJobRestartsOnlyItselfAndServesOldTargetsUntilItsNewSourcesReport() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a")), "db", List.of(spec("d"))));
    FakeSources.FakeSource web = fakes.latest("web/0 (static)");
    FakeSources.FakeSource db = fakes.latest("db/0 (static)");
    web.emit(group(Map.of(), "w:1"));
    db.emit(group(Map.of(), "d:1"));
    Map<String, JobTargets> first = releaseAndTake();
    assertEquals(List.of("db", "web"), List.copyOf(first.keySet()));

    manager.setJobs(Map.of("web", List.of(spec("a2")), "db", List.of(spec("d"))));
    assertTrue(web.closed, "old web source still open");
    assertFalse(db.closed, "unchanged db job was restarted");
    assertEquals(1, fakes.createdCount("db/0 (static)"));
    assertEquals(2, fakes.createdCount("web/0 (static)"));
    JobTargets interim = manager.snapshot().get("web");
    assertEquals(List.of("w:1"), addresses(interim));
    assertFalse(interim.complete());

    web.emit(group(Map.of(), "stale:1")); // the closed source is ignored
    fakes.latest("web/0 (static)").emit(group(Map.of(), "w:2"));
    Map<String, JobTargets> next = releaseAndTake();
    assertEquals(List.of("w:2"), addresses(next.get("web")));
    assertTrue(next.get("web").complete());
    assertEquals(List.of("d:1"), addresses(next.get("db")));
  }

  @Test
  void anEditOfOneSourceIsServedAtOnceWhileAnUnchangedSourceOfTheJobIsDown() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a"), spec("b"))));
    fakes.latest("web/0 (static)").emit(group(Map.of(), "a:1"));
    fakes.latest("web/1 (static)").emit(group(Map.of(), "b:1"));
    assertTrue(releaseAndTake().get("web").complete());

    // source 0 edited; source 1 unchanged, restarted, and failing from now on
    manager.setJobs(Map.of("web", List.of(spec("a2"), spec("b"))));
    fakes.latest("web/1 (static)").fail("connection refused");
    fakes.latest("web/0 (static)").emit(group(Map.of(), "a2:1"));
    JobTargets now = manager.snapshot().get("web");
    assertTrue(now.complete(), "source 1 keeps the result it had under the unchanged spec");
    assertEquals(List.of("a2:1", "b:1"), addresses(now));
  }

  @Test
  void removedJobDisappearsAndItsSourcesClose() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a")), "db", List.of(spec("d"))));
    fakes.latest("web/0 (static)").emit(group(Map.of(), "w:1"));
    fakes.latest("db/0 (static)").emit(group(Map.of(), "d:1"));
    assertEquals(2, releaseAndTake().size());

    manager.setJobs(Map.of("db", List.of(spec("d"))));
    assertTrue(fakes.latest("web/0 (static)").closed);
    Map<String, JobTargets> next = releaseAndTake();
    assertEquals(List.of("db"), List.copyOf(next.keySet()));
    assertEquals(List.of("db"), List.copyOf(manager.health().keySet()));
  }

  @Test
  void sourceThatCannotBeCreatedIsReportedAndOtherJobsRun() throws Exception {
    startGated();
    fakes.refuse("web/1 (consul)");
    manager.setJobs(
        Map.of(
            "web",
            List.of(spec("a"), new ConsulSourceSpec("svc", List.of(), null)),
            "db",
            List.of(spec("d"))));
    fakes.latest("web/0 (static)").emit(group(Map.of(), "w:1"));
    fakes.latest("db/0 (static)").emit(group(Map.of(), "d:1"));
    SourceHealth broken = manager.health().get("web").get(1);
    assertTrue(broken.failing() && broken.lastError().contains("no backend"), broken.toString());
    assertFalse(manager.snapshot().get("web").complete());
    assertTrue(manager.snapshot().get("db").complete());
  }

  @Test
  void invalidJobNameIsRejectedAndNothingChanges() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a"))));
    assertThrows(
        ProtocolException.class,
        () -> manager.setJobs(Map.of("web", List.of(spec("b")), "../etc", List.of(spec("c")))));
    assertEquals(1, fakes.createdCount("web/0 (static)"));
    assertFalse(fakes.latest("web/0 (static)").closed);
  }

  @Test
  void closeStopsEverySource() throws Exception {
    startGated();
    manager.setJobs(Map.of("web", List.of(spec("a"), spec("b"))));
    manager.close();
    assertTrue(fakes.latest("web/0 (static)").closed);
    assertTrue(fakes.latest("web/1 (static)").closed);
    assertThrows(IllegalStateException.class, () -> manager.setJobs(Map.of()));
  }
}
