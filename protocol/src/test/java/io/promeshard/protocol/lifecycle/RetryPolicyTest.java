package io.promeshard.protocol.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void ceilingDoublesFromBaseUpToCap() {
    RetryPolicy b = RetryPolicy.fullJitter(Duration.ofMillis(250), Duration.ofSeconds(30));
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
    RetryPolicy b =
        RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(7));
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
  void everyJitteredDelayStaysWithinItsAttemptsCeiling() {
    RetryPolicy b = RetryPolicy.fullJitter(Duration.ofMillis(10), Duration.ofMillis(300), 11L);
    for (int attempt = 1; attempt <= 40; attempt++) {
      Duration d = b.delay(attempt);
      assertTrue(
          !d.isNegative() && d.compareTo(b.ceiling(attempt)) <= 0, "attempt " + attempt + ": " + d);
      assertTrue(d.compareTo(Duration.ofMillis(300)) <= 0, "above cap: " + d);
    }
  }

  @Test
  void sameSeedGivesSameDelaysAndAnotherSeedOthers() {
    RetryPolicy a = RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(1), 3L);
    RetryPolicy b =
        RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(3));
    RetryPolicy c = RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(1), 4L);
    List<Duration> fromA = new ArrayList<>();
    List<Duration> fromC = new ArrayList<>();
    for (int i = 1; i < 10; i++) {
      Duration d = a.delay(i);
      fromA.add(d);
      fromC.add(c.delay(i));
      assertEquals(d, b.delay(i));
    }
    assertNotEquals(fromA, fromC);
  }

  @Test
  void withoutJitterTheDelayIsTheCeiling() {
    RetryPolicy b = RetryPolicy.noJitter(Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertEquals(Duration.ofSeconds(1), b.delay(1));
    assertEquals(Duration.ofSeconds(2), b.delay(2));
    assertEquals(Duration.ofSeconds(4), b.delay(3));
    assertEquals(Duration.ofSeconds(5), b.delay(4));
    assertEquals(Duration.ofSeconds(5), b.delay(64));
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryPolicy.fullJitter(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryPolicy.noJitter(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> RetryPolicy.fullJitter(Duration.ofSeconds(1), Duration.ofSeconds(2)).delay(0));
  }
}
