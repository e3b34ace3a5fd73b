package io.promeshard.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.KvLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigStateTest {
  private static final String WEB =
      "{\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"a:1\",\"b:1\"]}]}],\"labels\":{\"team\":\"web\"}}";
  private ConfigState state = ConfigState.empty(KvLayout.defaults());
  private final Map<String, byte[]> kv = new HashMap<>();

  /** Reads {@code kv} as the coordinator does; true when the configuration in force changed. */
  private boolean update(Map<String, byte[]> values) {
    ConfigState before = state;
    state = state.update(values);
    return state.differsFrom(before);
  }

  private void put(String key, String json) {
    kv.put("prome-shard/config/" + key, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsSettingsAndJobs() {
    put("settings", "{\"flap_hold\":\"5s\"}");
    put("jobs/web", WEB);
    assertTrue(update(kv));
    assertEquals(Duration.ofSeconds(5), state.settings().flapHold());
    assertEquals(Map.of("team", "web"), state.jobs().get("web").labels());
    assertEquals(1.0, state.jobs().get("web").weight());
    assertTrue(state.errors().isEmpty());
    assertFalse(update(kv), "same values: nothing changed");
  }

  @Test
  void aStaticSourceWrittenWithTargetsIsRejectedWithTheRightShape() {
    put("jobs/web", WEB);
    update(kv);
    JobSpec good = state.jobs().get("web");
    put("jobs/web", "{\"sources\":[{\"type\":\"static\",\"targets\":[\"a:1\"]}]}");
    assertFalse(update(kv));
    assertEquals(good, state.jobs().get("web"));
    assertEquals(
        "prome-shard/config/jobs/web: unknown field \"targets\" at sources[0]: a static source"
            + " takes \"groups\": [{\"targets\": [...], \"labels\": {...}}]",
        state.errors().get("prome-shard/config/jobs/web"));
  }

  @Test
  void aSettingsDurationWithoutUnitAsksForTheUnit() {
    put("settings", "{\"flap_hold\":\"30\"}");
    update(kv);
    assertEquals(Duration.ofSeconds(30), state.settings().flapHold(), "the default stays");
    assertEquals(
        "prome-shard/config/settings: flap_hold: expected a duration with a unit, e.g. \"30s\","
            + " found \"30\" at flap_hold",
        state.errors().get("prome-shard/config/settings"));
  }

  @Test
  void malformedEditKeepsLastGoodVersionAndNamesKeyAndField() {
    put("jobs/web", WEB);
    update(kv);
    JobSpec good = state.jobs().get("web");
    put("jobs/web", WEB.replace("\"labels\"", "\"wieght\":2,\"labels\""));
    assertFalse(update(kv));
    assertEquals(good, state.jobs().get("web"));
    assertEquals(
        "prome-shard/config/jobs/web: unknown field \"wieght\"",
        state.errors().get("prome-shard/config/jobs/web"));
    put("jobs/web", "{not json");
    update(kv);
    assertTrue(
        state
            .errors()
            .get("prome-shard/config/jobs/web")
            .startsWith("prome-shard/config/jobs/web: "));
    assertEquals(good, state.jobs().get("web"));
    put("jobs/web", WEB.replace("\"team\":\"web\"", "\"team\":\"web2\""));
    assertTrue(update(kv));
    assertTrue(state.errors().isEmpty());
  }

  @Test
  void badSettingsValueIsRejectedWithTheField() {
    put("settings", "{\"replicas\":0}");
    update(kv);
    assertEquals(1, state.settings().replicas());
    assertEquals(
        "prome-shard/config/settings: replicas: expected 1..10, found 0",
        state.errors().get("prome-shard/config/settings"));
  }

  @Test
  void deletedJobIsRemovedAndItsErrorCleared() {
    put("jobs/web", WEB);
    put("jobs/bad name", WEB);
    put("other", "{}");
    update(kv);
    assertEquals(2, state.errors().size());
    kv.clear();
    assertTrue(update(kv));
    assertTrue(state.jobs().isEmpty());
    assertTrue(state.errors().isEmpty());
  }

  @Test
  void folderKeysCreatedByTheConsulUiAreIgnored() {
    put("jobs/", "");
    put("", "");
    update(kv);
    assertTrue(state.errors().isEmpty(), state.errors().toString());
  }
}
