package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetItemsTest {
  private static JobSpec job(Map<String, String> labels) {
    return new JobSpec(
        List.of(new StaticSourceSpec(List.of(TargetGroup.of("x:1", Map.of())))),
        labels,
        null,
        null);
  }

  private static List<TargetGroup> targets(int n) {
    List<TargetGroup> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TargetGroup.of("10.0.0." + (i % (n - 1)) + ":9100", Map.of("i", "" + i)));
    }
    return List.copyOf(out);
  }

  private static DispatchInput input(JobSpec web, List<TargetGroup> targets, int members) {
    return new DispatchInput(
        Settings.DEFAULTS,
        Map.of("web", web),
        Map.of("web", targets),
        List.of(),
        Map.of("p1", new Member("p1", 1, ""), "p" + members, new Member("p" + members, 1, "")));
  }

  @Test
  void theSameTargetListsGiveTheRememberedItemsAndAnyChangeGivesFreshOnes() {
    TargetItems items = new TargetItems();
    JobSpec web = job(Map.of("team", "web"));
    List<TargetGroup> targets = targets(50);
    TargetItems.Collected first = items.collect(input(web, targets, 2), List.of("web"));
    assertEquals(49, first.items().size(), "the repeated address counts once");
    assertEquals("web", first.groups().get(0).labels().get("team"));
    assertSame(first, items.collect(input(web, targets, 3), List.of("web")));

    TargetItems.Collected equalList = items.collect(input(web, targets(50), 3), List.of("web"));
    assertNotSame(first, equalList);
    assertEquals(first, equalList);
    TargetItems.Collected relabelled =
        items.collect(input(job(Map.of("team", "db")), targets(50), 3), List.of("web"));
    assertEquals("db", relabelled.groups().get(0).labels().get("team"));
    assertEquals(
        new TargetItems().collect(input(web, targets, 2), List.of("web")),
        items.collect(input(web, targets, 2), List.of("web")));
  }
}
