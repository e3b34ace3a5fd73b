package io.promeshard.protocol.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskThreadTest {
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final TaskThread tasks =
      new TaskThread("tasks", Duration.ofSeconds(5), e -> events.add("failed " + e.getMessage()));

  @AfterEach
  void close() {
    tasks.close();
  }

  private String next() throws InterruptedException {
    return events.poll(5, TimeUnit.SECONDS);
  }

  @Test
  void tasksRunInOrderOnTheNamedThreadAndDelayedOnesLater() throws Exception {
    tasks.start();
    tasks.schedule(() -> events.add("later"), Duration.ofMillis(200));
    tasks.execute(() -> events.add("first on " + Thread.currentThread().getName()));
    tasks.execute(() -> events.add("second"));
    assertEquals("first on tasks", next());
    assertEquals("second", next());
    assertEquals("later", next());
  }

  @Test
  void aFailingTaskIsReportedAndTheThreadCarriesOn() throws Exception {
    tasks.start();
    tasks.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    tasks.execute(() -> events.add("after"));
    assertEquals("failed boom", next());
    assertEquals("after", next());
  }

  @Test
  void aCancelledTaskDoesNotRun() throws Exception {
    tasks.start();
    TaskThread.Handle h = tasks.schedule(() -> events.add("cancelled one"), Duration.ofMillis(100));
    h.cancel();
    tasks.schedule(() -> events.add("kept"), Duration.ofMillis(200));
    assertEquals("kept", next());
    assertTrue(events.isEmpty());
  }

  @Test
  void closeDropsDelayedTasksAndRefusesNewOnes() throws Exception {
    tasks.start();
    tasks.schedule(() -> events.add("delayed"), Duration.ofMillis(100));
    tasks.close();
    tasks.execute(() -> events.add("after close"));
    assertNull(events.poll(300, TimeUnit.MILLISECONDS));
  }
}
