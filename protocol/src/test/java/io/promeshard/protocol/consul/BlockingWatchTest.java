package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watch loop against a scripted fetcher: which replies are delivered, which index is sent next.
 */
class BlockingWatchTest {
  private static final WatchOptions FAST =
      new WatchOptions(
          Duration.ofSeconds(30),
          Duration.ZERO,
          Duration.ZERO,
          RetryPolicy.noJitter(Duration.ofMillis(1), Duration.ofMillis(4)));

  private final Scripted fetcher = new Scripted();
  private final Recorder listener = new Recorder();
  private BlockingWatch<String> watch;

  @AfterEach
  void closeWatch() {
    if (watch != null) {
      watch.close();
    }
  }

  private void start(WatchOptions options) {
    watch = new BlockingWatch<>("test", fetcher, listener, options).start();
  }

  @Test
  void deliversTheFirstReplyThenOnlyValuesThatChangedAtANewIndex() throws Exception {
    fetcher.reply("a", 10).reply("a", 10).reply("a", 11).reply("b", 12);
    start(FAST);
    assertEquals("change a@10", listener.next());
    assertEquals("change b@12", listener.next());
    assertEquals(List.of(0L, 10L, 10L, 11L, 12L), fetcher.requests(5));
    assertNull(listener.events.poll(100, TimeUnit.MILLISECONDS));
  }

  @Test
  void lowerIndexRestartsTheLoopFromZero() throws Exception {
    fetcher.reply("a", 10).reply("stale", 5).reply("b", 6).reply("c", 7);
    start(FAST);
    assertEquals("change a@10", listener.next());
    assertEquals("change b@6", listener.next());
    assertEquals("change c@7", listener.next());
    assertEquals(List.of(0L, 10L, 0L, 6L, 7L), fetcher.requests(5));
  }

  @Test
  void afterAResetAnUnchangedValueIsNotDeliveredAgain() throws Exception {
    fetcher.reply("a", 10).reply("a", 3).reply("a", 3).reply("b", 4);
    start(FAST);
    assertEquals("change a@10", listener.next());
    assertEquals("change b@4", listener.next());
    assertEquals(List.of(0L, 10L, 0L, 3L, 4L), fetcher.requests(5));
  }

  @Test
  void indexSentIsNeverZeroAfterTheFirstReply() throws Exception {
    fetcher.reply("a", 0).reply("a", 0).reply("b", 2);
    start(FAST);
    assertEquals("change a@0", listener.next());
    assertEquals("change b@2", listener.next());
    assertEquals(List.of(0L, 1L, 1L, 2L), fetcher.requests(4));
  }

  @Test
  void errorsAreRetriedWithTheRetryPolicyAndRecoveryIsReported() throws Exception {
    fetcher.fail("down 1").fail("down 2").fail("down 3").reply("a", 1);
    start(FAST);
    assertEquals("error 1 in PT0.001S: down 1", listener.next());
    assertEquals("error 2 in PT0.002S: down 2", listener.next());
    assertEquals("error 3 in PT0.004S: down 3", listener.next());
    assertEquals("recovered", listener.next());
    assertEquals("change a@1", listener.next());
    assertEquals(List.of(0L, 0L, 0L, 0L), fetcher.requests(4));
  }

  @Test
  void afterAnErrorTheLoopRestartsFromZeroSoARestartedAgentCannotStallIt() throws Exception {
    fetcher.reply("a", 10).fail("agent restarting").reply("a", 3).reply("b", 4);
    start(FAST);
    assertEquals("change a@10", listener.next());
    assertEquals("error 1 in PT0.001S: agent restarting", listener.next());
    assertEquals("recovered", listener.next());
    assertEquals("change b@4", listener.next());
    assertEquals(List.of(0L, 10L, 0L, 3L), fetcher.requests(4));
  }

  @Test
  void pollsAreAtLeastTheMinimumIntervalApart() throws Exception {
    for (int i = 1; i <= 4; i++) {
      fetcher.reply("v" + i, i);
    }
    start(
        new WatchOptions(
            Duration.ofSeconds(30),
            Duration.ofMillis(150),
            Duration.ofMillis(20),
            RetryPolicy.noJitter(Duration.ofMillis(1), Duration.ofMillis(1))));
    fetcher.requests(4);
    for (int i = 1; i < 4; i++) {
      long gap = fetcher.times.get(i) - fetcher.times.get(i - 1);
      assertTrue(gap >= TimeUnit.MILLISECONDS.toNanos(150), "gap " + gap / 1_000_000 + " ms");
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheLoop() throws Exception {
    listener.throwOn = "a";
    fetcher.reply("a", 1).reply("b", 2);
    start(FAST);
    assertEquals("change a@1", listener.next());
    assertEquals("change b@2", listener.next());
  }

  @Test
  void closeStopsPromptlyWhileAFetchIsBlockedAndNoCallbackFollows() throws Exception {
    fetcher.reply("a", 1);
    start(FAST);
    assertEquals("change a@1", listener.next());
    assertEquals(List.of(0L, 1L), fetcher.requests(2)); // the second fetch now blocks
    long t0 = System.nanoTime();
    watch.close();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(millis < 1000, "close took " + millis + " ms");
    assertFalse(watch.isAlive());
    assertTrue(fetcher.cancelled);
    fetcher.reply("b", 2);
    assertNull(listener.events.poll(200, TimeUnit.MILLISECONDS));
  }

  @Test
  void aBackoffEndsAsSoonAsConsulAnswersAnotherCallOfTheSameClient() throws Exception {
    fetcher.fail("connection refused").reply("a", 1);
    fetcher.reachability.failed();
    start(
        new WatchOptions(
            Duration.ofSeconds(30),
            Duration.ZERO,
            Duration.ZERO,
            RetryPolicy.noJitter(Duration.ofMinutes(1), Duration.ofMinutes(1))));
    assertEquals("error 1 in PT1M: connection refused", listener.next());
    assertEquals(List.of(0L), fetcher.requests(1));
    assertNull(fetcher.requested.poll(300, TimeUnit.MILLISECONDS), "backing off");
    fetcher.reachability.answered(); // another call of the same client got through
    assertEquals("recovered", listener.next());
    assertEquals("change a@1", listener.next());
  }

  @Test
  void startTwiceOrAfterCloseIsRejected() {
    start(FAST);
    assertThrows(IllegalStateException.class, watch::start);
    watch.close();
    assertThrows(IllegalStateException.class, watch::start);
  }

  /**
   * Replies from a script; blocks (like a blocking query) when the script runs out, until
   * cancelled.
   */
  static final class Scripted implements Fetcher<String> {
    private static final Object CANCEL = new Object();
    final BlockingQueue<Object> script = new LinkedBlockingQueue<>();
    final BlockingQueue<Long> requested = new LinkedBlockingQueue<>();
    final List<Long> times = new ArrayList<>();
    final ConsulReachability reachability = new ConsulReachability();
    volatile boolean cancelled;

    @Override
    public ConsulReachability reachability() {
      return reachability;
    }

    Scripted reply(String value, long index) {
      script.add(new ConsulResponse<>(value, index));
      return this;
    }

    Scripted fail(String message) {
      script.add(new IOException(message));
      return this;
    }

    List<Long> requests(int n) throws InterruptedException {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Long idx = requested.poll(5, TimeUnit.SECONDS);
        if (idx == null) {
          throw new AssertionError("only " + out + " requested");
        }
        out.add(idx);
      }
      return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ConsulResponse<String> fetch(long index, Duration wait) throws IOException {
      synchronized (times) {
        times.add(System.nanoTime());
      }
      requested.add(index);
      Object next;
      try {
        next = cancelled ? CANCEL : script.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      }
      if (next == CANCEL) {
        throw new IOException("Canceled");
      }
      if (next instanceof IOException e) {
        throw e;
      }
      return (ConsulResponse<String>) next;
    }

    @Override
    public void cancel() {
      cancelled = true;
      script.add(CANCEL);
    }
  }

  /** Records every callback as a line. */
  static final class Recorder implements WatchListener<String> {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile String throwOn;

    String next() throws InterruptedException {
      String e = events.poll(5, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no callback within 5 s");
      }
      return e;
    }

    @Override
    public void onChange(String value, long index) {
      events.add("change " + value + "@" + index);
      if (value.equals(throwOn)) {
        throw new IllegalStateException("listener bug");
      }
    }

    @Override
    public void onError(Exception error, int attempt, Duration retryIn) {
      events.add("error " + attempt + " in " + retryIn + ": " + error.getMessage());
    }

    @Override
    public void onRecovered() {
      events.add("recovered");
    }
  }
}
