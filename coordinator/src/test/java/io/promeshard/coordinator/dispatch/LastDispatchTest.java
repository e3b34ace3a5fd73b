package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LastDispatchTest {
  private static final JobSpec WEB =
      new JobSpec(
          List.of(new StaticSourceSpec(List.of(TargetGroup.of("x:1", Map.of())))),
          Map.of("team", "web"),
          null,
          null);

  private static List<TargetGroup> targets(int n, String env) {
    List<TargetGroup> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TargetGroup.of("10.0.0." + i + ":9100", Map.of("env", env)));
    }
    return out;
  }

  private static Map<String, Member> members(int n, double lastWeight) {
    Map<String, Member> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put("p" + i, new Member("p" + i, i == n - 1 ? lastWeight : 1, ""));
    }
    return m;
  }

  private static Settings settings(String json) {
    return Json.decode("config/settings", json.getBytes(StandardCharsets.UTF_8), Settings.class);
  }

  private static DispatchInput input(Settings settings, List<TargetGroup> web, double weight) {
    return new DispatchInput(
        settings, Map.of("web", WEB), Map.of("web", web), List.of(), members(4, weight));
  }

  @Test
  void equalInputsBuiltFromFreshValuesAreTheSameInput() {
    DispatchInput a = input(Settings.DEFAULTS, targets(200, "prod"), 1);
    DispatchInput b = input(settings("{\"replicas\":1}"), targets(200, "prod"), 1);
    assertTrue(LastDispatch.sameInput(a, b));
  }

  @Test
  void aChangedLabelWeightOrSettingIsAnotherInput() {
    DispatchInput a = input(Settings.DEFAULTS, targets(200, "prod"), 1);
    assertFalse(LastDispatch.sameInput(a, input(Settings.DEFAULTS, targets(200, "dev"), 1)));
    assertFalse(LastDispatch.sameInput(a, input(Settings.DEFAULTS, targets(199, "prod"), 1)));
    assertFalse(LastDispatch.sameInput(a, input(Settings.DEFAULTS, targets(200, "prod"), 2)));
    assertFalse(
        LastDispatch.sameInput(a, input(settings("{\"replicas\":2}"), targets(200, "prod"), 1)));
  }

  /** What reusing relies on: building again from the last output gives the same shares. */
  @Test
  void buildingAgainFromTheLastAssignmentsGivesTheSameShares() {
    DispatchInput in = input(Settings.DEFAULTS, targets(500, "prod"), 1);
    DispatchOutput first = ShareBuilder.build(in, Map.of());
    DispatchOutput again = ShareBuilder.build(in, first.assignments());
    assertEquals(first.shares(), again.shares());
    assertEquals(first.assignments(), again.assignments());
    assertEquals(0, again.moved());
  }
}
