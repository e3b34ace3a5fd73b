package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  record Holder(Duration flapHold) {}

  @Test
  void parsesPrometheusStyleDurations() {
    assertEquals(Duration.ofMillis(500), Durations.parse("x", "500ms"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("x", "30s"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("x", "1h30m"));
    assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
    assertEquals("1m", Durations.format(Duration.ofSeconds(60)));
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
  }

  @Test
  void badDurationNamesTheField() {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Durations.parse("flap_hold", "30 sec"));
    assertEquals(
        "flap_hold: expected a duration such as 500ms, 30s, 5m or 1h30m, found \"30 sec\"",
        e.getMessage());
  }

  @Test
  void aNumberWithoutUnitIsAskedForItsUnit() {
    assertEquals(
        "flap_hold: expected a duration with a unit, e.g. \"30s\", found \"30\"",
        assertThrows(ProtocolException.class, () -> Durations.parse("flap_hold", "30"))
            .getMessage());
    assertEquals(
        "flap_hold: expected a duration with a unit, e.g. \"1500ms\", found \"1.5\"",
        assertThrows(ProtocolException.class, () -> Durations.parse("flap_hold", "1.5"))
            .getMessage());
    assertEquals(
        "cfg: flapHold: expected a duration with a unit, e.g. \"30s\", found 30 at flapHold",
        assertThrows(
                ProtocolException.class,
                () ->
                    Json.decode(
                        "cfg", "{\"flapHold\":30}".getBytes(StandardCharsets.UTF_8), Holder.class))
            .getMessage());
    assertEquals(
        "cfg: flapHold: expected a duration with a unit, e.g. \"250ms\", found 0.25 at flapHold",
        assertThrows(
                ProtocolException.class,
                () ->
                    Json.decode(
                        "cfg",
                        "{\"flapHold\":0.25}".getBytes(StandardCharsets.UTF_8),
                        Holder.class))
            .getMessage());
  }

  @Test
  void codecReadsAndWritesDurationsAsStrings() {
    Holder h =
        Json.decode("k", "{\"flapHold\":\"45s\"}".getBytes(StandardCharsets.UTF_8), Holder.class);
    assertEquals(Duration.ofSeconds(45), h.flapHold());
    assertEquals("{\"flapHold\":\"45s\"}", new String(Json.encode(h), StandardCharsets.UTF_8));
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                Json.decode(
                    "cfg",
                    "{\"flapHold\":\"soon\"}".getBytes(StandardCharsets.UTF_8),
                    Holder.class));
    assertTrue(e.getMessage().contains("flapHold: expected a duration"), e.getMessage());
  }
}
