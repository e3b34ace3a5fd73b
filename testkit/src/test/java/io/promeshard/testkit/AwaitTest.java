package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void timeoutNamesWhatWasAwaited() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> Await.until(Duration.ofMillis(50), "the moon", () -> false));
    assertTrue(e.getMessage().contains("the moon"), e.getMessage());
  }

  @Test
  void valueReturnsTheFirstNonNull() {
    AtomicInteger calls = new AtomicInteger();
    assertEquals(
        "3",
        Await.value(
            Duration.ofSeconds(5), "third call", () -> calls.incrementAndGet() == 3 ? "3" : null));
  }

  @Test
  void binariesAreFoundAndExecutable() {
    assertTrue(Files.isExecutable(Binaries.consul()));
    assertTrue(Files.isExecutable(Binaries.prometheus()));
    assertTrue(Files.isExecutable(Binaries.promtool()));
    assertTrue(Files.isExecutable(Binaries.redisServer()));
    assertTrue(
        Binaries.redisEnvironment().getOrDefault("LD_LIBRARY_PATH", "").contains("linux-gnu"));
  }
}
