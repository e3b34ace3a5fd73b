package io.promeshard.coordinator.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Validation of election options and the leader key's value. */
class LeaderOptionsTest {
  @Test
  void defaultsRenewAtHalfTheTtl() {
    LeaderOptions o = LeaderOptions.defaults();
    assertEquals(Duration.ofSeconds(15), o.ttl());
    assertEquals(Duration.ofSeconds(15), o.lockDelay());
    assertEquals(Duration.ofMillis(7500), o.renewInterval());
    assertTrue(o.holder().endsWith("/" + ProcessHandle.current().pid()), o.holder());
    assertEquals(Duration.ofSeconds(5), o.withTtl(Duration.ofSeconds(10)).renewInterval());
  }

  @Test
  void ttlOutsideConsulLimitsIsRejectedNamingTheField() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LeaderOptions.defaults().withTtl(Duration.ofSeconds(5)));
    assertTrue(
        e.getMessage().startsWith("leader.ttl:") && e.getMessage().contains("PT5S"),
        e.getMessage());
  }

  @Test
  void badLockDelayAndRenewIntervalAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LeaderOptions.defaults().withLockDelay(Duration.ofSeconds(61)));
    assertThrows(
        IllegalArgumentException.class,
        () -> LeaderOptions.defaults().withLockDelay(Duration.ofSeconds(-1)));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LeaderOptions.defaults().withRenewInterval(Duration.ofSeconds(15)));
    assertTrue(e.getMessage().startsWith("leader.renew_interval:"), e.getMessage());
  }

  @Test
  void acquireRetryFollowsLockDelayWithinBounds() {
    assertEquals(
        Duration.ofMillis(100),
        LeaderOptions.defaults().withLockDelay(Duration.ZERO).acquireRetry());
    assertEquals(
        Duration.ofMillis(250),
        LeaderOptions.defaults().withLockDelay(Duration.ofSeconds(1)).acquireRetry());
    assertEquals(Duration.ofSeconds(1), LeaderOptions.defaults().acquireRetry());
  }

  @Test
  void leaderValueRoundTripsAndToleratesExtraFields() {
    LeaderValue v = new LeaderValue("host/1", 7, "2024-01-01T00:00:00Z");
    assertEquals(
        "{\"epoch\":7,\"holder\":\"host/1\",\"since\":\"2024-01-01T00:00:00Z\"}",
        new String(v.encode(), StandardCharsets.UTF_8));
    assertEquals(v, LeaderValue.parse("k", v.encode()));
    assertEquals(
        3,
        LeaderValue.parse("k", "{\"epoch\":3,\"extra\":true}".getBytes(StandardCharsets.UTF_8))
            .epoch());
  }

  @Test
  void leaderValueWithoutIntegerEpochIsRejectedNamingTheKey() {
    var e =
        assertThrows(
            ProtocolException.class,
            () ->
                LeaderValue.parse(
                    "prome-shard/leader", "{\"epoch\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("prome-shard/leader: field epoch"), e.getMessage());
    assertThrows(
        ProtocolException.class,
        () -> LeaderValue.parse("k", "not json".getBytes(StandardCharsets.UTF_8)));
  }
}
