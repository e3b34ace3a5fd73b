package io.promeshard.protocol.lifecycle;

import java.io.Closeable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running component with one loop on its own daemon thread, named for the component. States
 * are explicit ({@link State}): it starts once (a second start, or a start after close, throws
 * IllegalStateException) and subclass constructors only check arguments. {@link #close()} is
 * idempotent and may come before start; it lets a {@link #step} in progress finish, then interrupts
 * the thread and joins it for at most the join timeout (WARN when the thread is still busy). An
 * InterruptedException while closing restores the caller's interrupt flag.
 */
public abstract class Lifecycle implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  /**
   * How long close waits for a step in progress: steps are never interrupted (e.g. a half-written
   * apply).
   */
  static final Duration STEP_WAIT = Duration.ofSeconds(60);

  /** NEW until started, RUNNING until closed, then CLOSED for good. */
  public enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final String threadName;
  private final Duration joinTimeout;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final ReentrantLock stepLock = new ReentrantLock();
  private volatile Thread thread;

  protected Lifecycle(String threadName, Duration joinTimeout) {
    if (threadName == null || threadName.isBlank()) {
      throw new IllegalArgumentException("thread name: missing");
    }
    Objects.requireNonNull(joinTimeout, "joinTimeout");
    if (joinTimeout.isNegative()) {
      throw new IllegalArgumentException(
          threadName + ": join timeout must be >= 0, found " + joinTimeout);
    }
    this.threadName = threadName;
    this.joinTimeout = joinTimeout;
  }

  /**
   * The loop; it returns (or throws InterruptedException) once {@link #isRunning()} turns false.
   */
  protected abstract void run() throws InterruptedException;

  /**
   * Called by close() on the closing thread before the interrupt: cancel calls in flight, wake
   * waits.
   */
  protected void onClose() {}

  /**
   * Called by close() after the thread ended (or the join timed out): release what the loop used.
   */
  protected void afterClose() {}

  /** Starts the loop thread; subclasses return themselves. IllegalStateException unless NEW. */
  public Lifecycle start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(
          threadName + ": start() called twice or after close (" + state.get() + ")");
    }
    Thread t = new Thread(this::loop, threadName);
    t.setDaemon(true);
    thread = t;
    t.start();
    return this;
  }

  public final State state() {
    return state.get();
  }

  public final boolean isRunning() {
    return state.get() == State.RUNNING;
  }

  /** True while the loop thread runs. */
  public final boolean isAlive() {
    Thread t = thread;
    return t != null && t.isAlive();
  }

  public final String threadName() {
    return threadName;
  }

  /**
   * Stops the loop: CLOSED, {@link #onClose()}, waits for a step in progress, interrupts, joins,
   * {@link #afterClose()}.
   */
  @Override
  public final void close() {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    if (before == State.NEW) {
      closeSignal.countDown();
      log.debug("[lifecycle] {}: closed before start", threadName);
      return;
    }
    // the component's own hook first, then the loop wakes: what onClose records or cancels is
    // done before the loop can see the close and end
    onClose();
    closeSignal.countDown();
    awaitStep();
    Thread t = thread;
    if (t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join(joinTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        log.warn(
            "[lifecycle] {}: thread still busy {} ms after close",
            threadName,
            joinTimeout.toMillis());
      }
    }
    afterClose();
    log.debug("[lifecycle] {}: closed", threadName);
  }

  /**
   * Runs {@code step} on the calling (loop) thread unless closed; close() waits for a step in
   * progress before it interrupts, so no step starts after close() returns and none is cut short.
   * False when skipped because closed.
   */
  protected final boolean step(Runnable step) {
    stepLock.lock();
    try {
      if (!isRunning()) {
        return false;
      }
      step.run();
      return true;
    } finally {
      stepLock.unlock();
    }
  }

  /**
   * Waits {@code duration} unless closed first; false when closed (or interrupted, flag restored).
   */
  protected final boolean pause(Duration duration) {
    if (!duration.isNegative() && !duration.isZero()) {
      try {
        closeSignal.await(duration.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return isRunning();
  }

  private void awaitStep() {
    try {
      if (stepLock.tryLock(STEP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        stepLock.unlock();
      } else {
        log.warn(
            "[lifecycle] {}: a step is still running {} s after close",
            threadName,
            STEP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    try {
      run();
    } catch (InterruptedException e) {
      // close() interrupted a wait: the loop is over
    } catch (RuntimeException e) {
      log.error("[lifecycle] {}: loop failed", threadName, e);
    }
    log.debug("[lifecycle] {}: loop ended", threadName);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + threadName + ", " + state.get() + "]";
  }
}
