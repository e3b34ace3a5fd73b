package io.promeshard.protocol.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final long WAIT_SECONDS = 5;

  /** Reports its thread, then waits until closed. */
  private static final class Waiter extends Lifecycle {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final AtomicReference<Thread> thread = new AtomicReference<>();

    Waiter(Duration join) {
      super("waiter", join);
    }

    @Override
    protected void run() throws InterruptedException {
      thread.set(Thread.currentThread());
      events.add("running");
      while (pause(Duration.ofMinutes(1))) {
        events.add("woke");
      }
      events.add("ended");
    }

    @Override
    protected void onClose() {
      events.add("onClose");
    }

    @Override
    protected void afterClose() {
      events.add("afterClose alive=" + thread.get().isAlive());
    }
  }

  /** A loop that ignores interrupts until {@code release} opens. */
  private static Lifecycle stubborn(Duration join, CountDownLatch inside, CountDownLatch release) {
    return new Lifecycle("stubborn", join) {
      @Override
      protected void run() {
        inside.countDown();
        while (release.getCount() > 0) {
          try {
            release.await();
          } catch (InterruptedException e) {
            // ignores interrupts on purpose
          }
        }
      }
    };
  }

  @Test
  void startRunsTheLoopOnADaemonThreadNamedForTheComponent() throws Exception {
    try (Waiter w = new Waiter(Duration.ofSeconds(1))) {
      assertEquals(Lifecycle.State.NEW, w.state());
      w.start();
      assertEquals("running", w.events.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals(Lifecycle.State.RUNNING, w.state());
      assertEquals("waiter", w.thread.get().getName());
      assertTrue(w.thread.get().isDaemon());
      assertTrue(w.isAlive());
    }
  }

  @Test
  void constructorStartsNothing() {
    Waiter w = new Waiter(Duration.ofSeconds(1));
    assertFalse(w.isAlive());
    assertTrue(w.events.isEmpty());
  }

  @Test
  void aSecondStartThrows() throws Exception {
    try (Waiter w = new Waiter(Duration.ofSeconds(1))) {
      w.start();
      assertThrows(IllegalStateException.class, w::start);
      assertEquals("running", w.events.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertTrue(w.events.isEmpty(), "a second loop ran");
    }
  }

  @Test
  void closeWakesTheLoopAndJoinsItsThreadBeforeReturning() throws Exception {
    Waiter w = new Waiter(Duration.ofSeconds(5));
    w.start();
    assertEquals("running", w.events.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    w.close();
    assertEquals(Lifecycle.State.CLOSED, w.state());
    assertFalse(w.thread.get().isAlive());
    assertEquals("onClose", w.events.poll());
    assertEquals("ended", w.events.poll());
    assertEquals("afterClose alive=false", w.events.poll());
    w.close(); // idempotent
    assertTrue(w.events.isEmpty());
  }

  @Test
  void closeBeforeStartRunsNothingAndForbidsAStart() {
    Waiter w = new Waiter(Duration.ofSeconds(1));
    w.close();
    assertEquals(Lifecycle.State.CLOSED, w.state());
    assertThrows(IllegalStateException.class, w::start);
    assertFalse(w.isAlive());
    assertTrue(w.events.isEmpty(), "hooks ran for a component that never started: " + w.events);
  }

  @Test
  void closeInterruptsALoopThatIgnoresTheCloseSignal() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    BlockingQueue<String> outcome = new LinkedBlockingQueue<>();
    Lifecycle sleeper =
        new Lifecycle("sleeper", Duration.ofSeconds(5)) {
          @Override
          protected void run() {
            sleeping.countDown();
            try {
              Thread.sleep(TimeUnit.MINUTES.toMillis(1));
              outcome.add("slept");
            } catch (InterruptedException e) {
              outcome.add("interrupted");
            }
          }
        };
    sleeper.start();
    assertTrue(sleeping.await(WAIT_SECONDS, TimeUnit.SECONDS));
    sleeper.close();
    assertEquals("interrupted", outcome.poll());
    assertFalse(sleeper.isAlive());
  }

  @Test
  void joinGivesUpAfterItsTimeoutWhenTheThreadWillNotStop() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = new CountDownLatch(1);
    Lifecycle stubborn = stubborn(Duration.ofMillis(100), inside, release);
    stubborn.start();
    assertTrue(inside.await(WAIT_SECONDS, TimeUnit.SECONDS));
    long started = System.nanoTime();
    stubborn.close();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(millis < 2000, "close took " + millis + " ms");
    assertTrue(stubborn.isAlive());
    release.countDown();
  }

  @Test
  void anInterruptedCloseRestoresTheCallersInterruptFlag() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch inside = new CountDownLatch(1);
    Lifecycle stubborn = stubborn(Duration.ofSeconds(30), inside, release);
    stubborn.start();
    assertTrue(inside.await(WAIT_SECONDS, TimeUnit.SECONDS));
    BlockingQueue<Boolean> flag = new LinkedBlockingQueue<>();
    Thread closer =
        new Thread(
            () -> {
              stubborn.close();
              flag.add(Thread.currentThread().isInterrupted());
            });
    closer.start();
    // the closer is joining for up to 30 s; interrupt it there
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    closer.interrupt();
    Boolean restored = flag.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(restored, "close() returned");
    assertTrue(restored, "the closer's interrupt flag is restored");
    release.countDown();
  }

  @Test
  void closeLetsAStepInProgressFinishAndRunsNoStepAfterwards() throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Lifecycle stepper =
        new Lifecycle("stepper", Duration.ofSeconds(5)) {
          @Override
          protected void run() {
            step(
                () -> {
                  inStep.countDown();
                  try {
                    finish.await();
                    events.add(
                        "step finished, interrupted=" + Thread.currentThread().isInterrupted());
                  } catch (InterruptedException e) {
                    events.add("step interrupted");
                  }
                });
            events.add("second step ran=" + step(() -> events.add("second step")));
          }
        };
    stepper.start();
    assertTrue(inStep.await(WAIT_SECONDS, TimeUnit.SECONDS));
    Thread closer = new Thread(stepper::close);
    closer.start();
    while (stepper.state() != Lifecycle.State.CLOSED) {
      Thread.onSpinWait();
    }
    finish.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertFalse(closer.isAlive());
    assertEquals("step finished, interrupted=false", events.poll());
    assertEquals("second step ran=false", events.poll());
  }
}
