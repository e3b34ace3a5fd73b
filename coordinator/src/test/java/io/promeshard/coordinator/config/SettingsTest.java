package io.promeshard.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.ShareEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private static Settings parse(String json) {
    return Json.decode(
        "prome-shard/config/settings", json.getBytes(StandardCharsets.UTF_8), Settings.class);
  }

  @Test
  void emptyObjectTakesTheDocumentedDefaults() {
    Settings s = parse("{}");
    assertEquals("prome-shard-node", s.nodeService());
    assertEquals(1, s.replicas());
    assertEquals(0.05, s.balance());
    assertEquals(Duration.ofSeconds(30), s.flapHold());
    assertEquals(Duration.ofSeconds(60), s.resyncInterval());
    assertEquals(Duration.ofSeconds(1), s.debounce());
    assertEquals("heavy_expr_record", s.recordGroup());
    assertEquals(Duration.ofSeconds(30), s.recordInterval());
    assertEquals(s, Settings.DEFAULTS);
  }

  @Test
  void loadAwarePlacementIsOffByDefaultWithItsDocumentedSettings() {
    Settings s = parse("{}");
    assertEquals(false, s.loadAware());
    assertEquals(1.5, s.loadMinChange());
    assertEquals(Duration.ofMinutes(5), s.loadSmoothing());
    assertEquals(Duration.ofSeconds(30), s.loadReadInterval());
    assertEquals(50, s.loadMovesPerHour(2000));
    assertEquals(1000, s.loadMovesPerHour(100_000));
    Settings set =
        parse(
            "{\"load_aware\":true,\"load_min_change\":2,\"load_smoothing\":\"0s\","
                + "\"max_load_moves_per_hour\":0,\"load_read_interval\":\"2s\"}");
    assertEquals(Duration.ofSeconds(2), set.loadReadInterval());
    assertEquals(true, set.loadAware());
    assertEquals(2.0, set.loadMinChange());
    assertEquals(Duration.ZERO, set.loadSmoothing());
    assertEquals(0, set.loadMovesPerHour(100_000));
  }

  @Test
  void badLoadSettingsAreRejectedNamingTheKey() {
    assertEquals(
        "prome-shard/config/settings: load_min_change: expected a factor >= 1 (e.g. 1.5), found 0.5",
        assertThrows(ProtocolException.class, () -> parse("{\"load_min_change\":0.5}"))
            .getMessage());
    assertEquals(
        "prome-shard/config/settings: max_load_moves_per_hour: expected a count >= 0, found -1",
        assertThrows(ProtocolException.class, () -> parse("{\"max_load_moves_per_hour\":-1}"))
            .getMessage());
    assertEquals(
        "prome-shard/config/settings: load_read_interval: expected at least 1s, found 500ms",
        assertThrows(ProtocolException.class, () -> parse("{\"load_read_interval\":\"500ms\"}"))
            .getMessage());
    assertTrue(
        assertThrows(ProtocolException.class, () -> parse("{\"load_smoothing\":\"-1m\"}"))
            .getMessage()
            .contains("load_smoothing"));
  }

  @Test
  void fieldsOverrideDefaults() {
    Settings s =
        parse(
            "{\"replicas\":2,\"flap_hold\":\"5s\",\"debounce\":\"200ms\",\"node_service\":\"prom\"}");
    assertEquals(2, s.replicas());
    assertEquals(Duration.ofSeconds(5), s.flapHold());
    assertEquals(Duration.ofMillis(200), s.debounce());
    assertEquals("prom", s.nodeService());
  }

  @Test
  void errorsNameTheKeyAndTheField() {
    assertEquals(
        "prome-shard/config/settings: unknown field \"replica\"",
        assertThrows(ProtocolException.class, () -> parse("{\"replica\":2}")).getMessage());
    assertEquals(
        "prome-shard/config/settings: replicas: expected 1..10, found -1",
        assertThrows(ProtocolException.class, () -> parse("{\"replicas\":-1}")).getMessage());
    assertEquals(
        "prome-shard/config/settings: flap_hold: expected a duration such as 500ms, 30s, 5m or 1h30m, found \"soon\"",
        assertThrows(ProtocolException.class, () -> parse("{\"flap_hold\":\"soon\"}"))
            .getMessage()
            .replaceAll(" at flap_hold$", ""));
  }

  @Test
  void shareEncodingIsCompactUnlessThePlainLayoutIsKeptForOldAgents() {
    assertEquals(ShareEncoding.COMPACT, parse("{}").shareEncoding());
    assertEquals(ShareEncoding.PLAIN, parse("{\"share_encoding\":\"plain\"}").shareEncoding());
    assertEquals(
        "prome-shard/config/settings: share_encoding: expected \"compact\" or \"plain\", found"
            + " \"gzip\"",
        assertThrows(ProtocolException.class, () -> parse("{\"share_encoding\":\"gzip\"}"))
            .getMessage()
            .replaceAll(" at share_encoding$", ""));
  }

  @Test
  void nodeBindingAndMaxWeightDefaultToOpenAndTenAndRejectOtherValues() {
    assertEquals(false, parse("{}").bindToConsulNode());
    assertEquals(10.0, parse("{}").maxWeight());
    Settings bound = parse("{\"node_binding\":\"consul_node\",\"max_weight\":4}");
    assertEquals(true, bound.bindToConsulNode());
    assertEquals(4.0, bound.maxWeight());
    assertEquals(
        "prome-shard/config/settings: node_binding: expected \"none\" or \"consul_node\", found"
            + " \"hostname\"",
        assertThrows(ProtocolException.class, () -> parse("{\"node_binding\":\"hostname\"}"))
            .getMessage());
    assertEquals(
        "prome-shard/config/settings: max_weight: expected a number >= 1, found 0.5",
        assertThrows(ProtocolException.class, () -> parse("{\"max_weight\":0.5}")).getMessage());
  }

  @Test
  void handoversAreOnWithAFiveMinuteTimeoutUnlessTurnedOff() {
    assertEquals(true, parse("{}").handover());
    assertEquals(Duration.ofMinutes(5), parse("{}").handoverTimeout());
    Settings off = parse("{\"handover\":false,\"handover_timeout\":\"30s\"}");
    assertEquals(false, off.handover());
    assertEquals(Duration.ofSeconds(30), off.handoverTimeout());
    assertEquals(
        "prome-shard/config/settings: handover_timeout: must be > 0, found PT0S",
        assertThrows(ProtocolException.class, () -> parse("{\"handover_timeout\":\"0s\"}"))
            .getMessage());
  }
}
