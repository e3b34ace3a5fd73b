package io.promeshard.agent.apply;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ("agent-apply") that owns the apply loop's state: runs tasks now or after a delay,
 * hands a task's RuntimeException to {@code onFailure} instead of dying, and after {@link #close}
 * runs nothing new while letting the task in progress finish (no interrupt mid-write).
 */
final class ApplyThread {
  private static final Logger log = LoggerFactory.getLogger(ApplyThread.class);

  private final String node;
  private final Consumer<RuntimeException> onFailure;
  private final ScheduledThreadPoolExecutor exec;
  private volatile boolean closed;

  ApplyThread(String node, Consumer<RuntimeException> onFailure) {
    this.node = node;
    this.onFailure = onFailure;
    this.exec = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "agent-apply");
      t.setDaemon(true);
      return t;
    });
    exec.setRemoveOnCancelPolicy(true);
    exec.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  void execute(Runnable task) {
    try {
      exec.execute(() -> guarded(task));
    } catch (RejectedExecutionException e) {
      log.debug("[apply] {}: closed, dropping work", node);
    }
  }

  /** Runs {@code task} after {@code delayNanos}; null once closed. */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return exec.schedule(() -> guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Drops waiting and delayed tasks and waits up to {@code wait} for the running one. */
  void close(Duration wait) {
    closed = true;
    exec.shutdown();
    try {
      if (!exec.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("[apply] {}: apply still running {} s after close", node, wait.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void guarded(Runnable task) {
    if (closed) {
      return;
    }
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("[apply] {}: unexpected failure, keeping current files", node, e);
      onFailure.accept(e);
    }
  }
}
