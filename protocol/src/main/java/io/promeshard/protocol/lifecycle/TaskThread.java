package io.promeshard.protocol.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One thread that owns a component's state: runs tasks in submission order, now or after a delay. A
 * task's RuntimeException goes to {@code onFailure} and the thread carries on. After close nothing
 * new runs, waiting and delayed tasks are dropped and the task in progress finishes (never
 * interrupted).
 */
public final class TaskThread extends Lifecycle {
  /** A submitted task; cancelling one that has not started keeps it from running. */
  public interface Handle {
    void cancel();

    /** True once the task ran, was cancelled or was dropped. */
    boolean isDone();
  }

  private static final Handle DROPPED =
      new Handle() {
        @Override
        public void cancel() {}

        @Override
        public boolean isDone() {
          return true;
        }
      };

  private final Consumer<RuntimeException> onFailure;
  private final DelayQueue<Task> queue = new DelayQueue<>();
  private final AtomicLong sequence = new AtomicLong();

  public TaskThread(String threadName, Duration joinTimeout, Consumer<RuntimeException> onFailure) {
    super(threadName, joinTimeout);
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  @Override
  public TaskThread start() {
    super.start();
    return this;
  }

  /** Runs {@code task} as soon as the tasks before it are done; dropped once closed. */
  public Handle execute(Runnable task) {
    return schedule(task, Duration.ZERO);
  }

  /** Runs {@code task} after {@code delay}; dropped once closed. */
  public Handle schedule(Runnable task, Duration delay) {
    Objects.requireNonNull(task, "task");
    if (state() == State.CLOSED) {
      return DROPPED;
    }
    Task t =
        new Task(
            task, System.nanoTime() + Math.max(0, delay.toNanos()), sequence.incrementAndGet());
    queue.add(t);
    return t;
  }

  @Override
  protected void run() throws InterruptedException {
    while (isRunning()) {
      Task t = queue.take();
      if (!t.done) {
        step(() -> guarded(t.task));
        t.done = true;
      }
    }
  }

  @Override
  protected void onClose() {
    queue.clear();
  }

  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      onFailure.accept(e);
    }
  }

  private final class Task implements Delayed, Handle {
    final Runnable task;
    final long dueNanos;
    final long seq;
    volatile boolean done;

    Task(Runnable task, long dueNanos, long seq) {
      this.task = task;
      this.dueNanos = dueNanos;
      this.seq = seq;
    }

    @Override
    public void cancel() {
      done = true;
      queue.remove(this);
    }

    @Override
    public boolean isDone() {
      return done;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task o = (Task) other;
      int byTime = Long.compare(dueNanos - o.dueNanos, 0);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }
}
