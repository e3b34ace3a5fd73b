package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {
  @Test
  void ceilingDoublesFromBaseUpToCap() {
    ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(250), Duration.ofSeconds(30));
    assertEquals(Duration.ofMillis(250), b.ceiling(1));
    assertEquals(Duration.ofMillis(500), b.ceiling(2));
    assertEquals(Duration.ofSeconds(1), b.ceiling(3));
    assertEquals(Duration.ofSeconds(16), b.ceiling(7));
    assertEquals(Duration.ofSeconds(30), b.ceiling(8));
    assertEquals(Duration.ofSeconds(30), b.ceiling(1000));
    assertEquals(Duration.ofSeconds(30), b.ceiling(Integer.MAX_VALUE));
  }

  @Test
  void fullJitterSpreadsDelaysOverZeroToCeiling() {
    ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(7));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2000; i++) {
      long d = b.delay(20).toMillis();
      assertTrue(d >= 0 && d <= 1000, "delay " + d);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min < 100, "min " + min);
    assertTrue(max > 900, "max " + max);
  }

  @Test
  void sameSeedGivesSameDelays() {
    ExponentialBackoff a = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(3));
    ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(3));
    for (int i = 1; i < 10; i++) {
      assertEquals(a.delay(i), b.delay(i));
    }
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2)).delay(0));
  }
}
