package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.lifecycle.RetryPolicy;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recursive KV watches against a real Consul agent. */
class KvWatchTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private ConsulHttp http;
  private KvClient kv;
  private final List<BlockingWatch<?>> watches = new ArrayList<>();

  @BeforeEach
  void setUp() {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
  }

  @AfterEach
  void tearDown() {
    watches.forEach(BlockingWatch::close);
    http.close();
  }

  private Events watch(String prefix, WatchOptions options) {
    Events events = new Events();
    watches.add(KvWatch.of(kv, prefix, events, options).start());
    return events;
  }

  @Test
  void watchSeesEachChangeWithinOneSecond() throws Exception {
    Events events = watch("lat/", WatchOptions.defaults());
    assertEquals(Map.of(), events.awaitState(s -> true));
    for (int i = 1; i <= 5; i++) {
      String value = "v" + i;
      long t0 = System.nanoTime();
      kv.put("lat/key", value.getBytes(UTF_8));
      Events.Change c = events.next(Duration.ofSeconds(5));
      long millis = TimeUnit.NANOSECONDS.toMillis(c.receivedNanos() - t0);
      System.out.println("[KvWatchTest] change " + i + " seen after " + millis + " ms");
      assertEquals(Map.of("lat/key", value), c.state());
      assertTrue(millis < 1000, "change " + i + " took " + millis + " ms (limit 1000 ms)");
    }
  }

  @Test
  void deletingTheKeyWithTheHighestIndexStillDeliversTheRightState() throws Exception {
    kv.put("idx/a", "1".getBytes(UTF_8));
    kv.put("idx/b", "2".getBytes(UTF_8));
    kv.put("idx/c", "3".getBytes(UTF_8));
    long highest = kv.get("idx/c").orElseThrow().modifyIndex();
    Events events = watch("idx/", WatchOptions.defaults());
    Events.Change first = events.next(Duration.ofSeconds(5));
    assertEquals(Map.of("idx/a", "1", "idx/b", "2", "idx/c", "3"), first.state());
    assertEquals(highest, first.index());

    kv.delete("idx/c");
    Events.Change afterDelete = events.next(Duration.ofSeconds(5));
    assertEquals(Map.of("idx/a", "1", "idx/b", "2"), afterDelete.state());
    System.out.println(
        "[KvWatchTest] index "
            + first.index()
            + " -> "
            + afterDelete.index()
            + " after deleting idx/c");

    kv.put("idx/b", "22".getBytes(UTF_8));
    assertEquals(Map.of("idx/a", "1", "idx/b", "22"), events.next(Duration.ofSeconds(5)).state());
    kv.put("idx/c", "33".getBytes(UTF_8));
    assertEquals(
        Map.of("idx/a", "1", "idx/b", "22", "idx/c", "33"),
        events.next(Duration.ofSeconds(5)).state());
    assertEquals(List.of(), events.errors);
  }

  @Test
  void closedWatchStopsPromptlyWhileABlockingQueryIsInFlight() throws Exception {
    BlockingQueue<Long> fetches = new LinkedBlockingQueue<>();
    Fetcher<List<KvEntry>> real = KvWatch.fetcher(kv, "close/");
    Fetcher<List<KvEntry>> observed =
        new Fetcher<>() {
          @Override
          public ConsulResponse<List<KvEntry>> fetch(long index, Duration wait) throws IOException {
            fetches.add(index);
            return real.fetch(index, wait);
          }

          @Override
          public void cancel() {
            real.cancel();
          }
        };
    Events events = new Events();
    BlockingWatch<List<KvEntry>> w =
        new BlockingWatch<>("close/", observed, events, WatchOptions.defaults());
    watches.add(w.start());
    events.next(Duration.ofSeconds(5));
    assertEquals(0L, fetches.poll(5, TimeUnit.SECONDS));
    Long blockingIndex = fetches.poll(5, TimeUnit.SECONDS);
    assertTrue(
        blockingIndex != null && blockingIndex > 0,
        "second fetch blocks at index " + blockingIndex);

    long t0 = System.nanoTime();
    w.close();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("[KvWatchTest] close returned after " + millis + " ms");
    assertTrue(millis < 1000, "close took " + millis + " ms");
    assertFalse(w.isAlive());

    kv.put("close/x", "1".getBytes(UTF_8));
    assertNull(events.changes.poll(500, TimeUnit.MILLISECONDS));
    assertNull(fetches.poll(0, TimeUnit.MILLISECONDS));
  }

  @Test
  void consulOutageIsRetriedWithBackoffAndTheWatchRecovers() throws Exception {
    kv.put("out/a", "before".getBytes(UTF_8));
    WatchOptions options =
        WatchOptions.defaults()
            .withRetry(RetryPolicy.fullJitter(Duration.ofMillis(50), Duration.ofMillis(400)));
    Events events = watch("out/", options);
    assertEquals(Map.of("out/a", "before"), events.next(Duration.ofSeconds(5)).state());

    consul.server().stop();
    events.awaitErrors(3, Duration.ofSeconds(20));
    List<Integer> attempts = events.errors.stream().map(e -> e.attempt).toList();
    assertEquals(List.of(1, 2, 3), attempts.subList(0, 3));
    assertTrue(
        events.errors.stream().allMatch(e -> e.retryIn.compareTo(Duration.ofMillis(400)) <= 0));
    assertEquals(0, events.recovered.size());

    consul.server().restart(); // -dev: KV comes back empty, with a lower index
    kv.put("out/a", "after".getBytes(UTF_8));
    assertEquals(
        Map.of("out/a", "after"), events.awaitState(s -> s.equals(Map.of("out/a", "after"))));
    assertEquals(1, events.recovered.size());
  }

  /** Collects what a watch delivers. */
  static final class Events implements WatchListener<List<KvEntry>> {
    record Change(Map<String, String> state, long index, long receivedNanos) {}

    record Failure(Exception error, int attempt, Duration retryIn) {}

    final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    final List<Failure> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<Long> recovered = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onChange(List<KvEntry> value, long index) {
      Map<String, String> state = new LinkedHashMap<>();
      value.forEach(e -> state.put(e.key(), e.valueUtf8()));
      changes.add(new Change(state, index, System.nanoTime()));
    }

    @Override
    public void onError(Exception error, int attempt, Duration retryIn) {
      errors.add(new Failure(error, attempt, retryIn));
    }

    @Override
    public void onRecovered() {
      recovered.add(System.nanoTime());
    }

    Change next(Duration timeout) throws InterruptedException {
      Change c = changes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (c == null) {
        throw new AssertionError("no change delivered within " + timeout + "; errors " + errors);
      }
      return c;
    }

    Map<String, String> awaitState(Predicate<Map<String, String>> wanted)
        throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      List<Map<String, String>> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        Change c = changes.poll(100, TimeUnit.MILLISECONDS);
        if (c != null) {
          seen.add(c.state());
          if (wanted.test(c.state())) {
            return c.state();
          }
        }
      }
      throw new AssertionError("wanted state not delivered; saw " + seen + "; errors " + errors);
    }

    void awaitErrors(int n, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (errors.size() < n) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("only " + errors.size() + " errors within " + timeout);
        }
        Thread.sleep(20);
      }
    }
  }
}
