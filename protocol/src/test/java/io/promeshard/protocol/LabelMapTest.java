package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The compact labels of a target group behave as the sorted, immutable map they replace. */
class LabelMapTest {
  @Test
  void labelsAreSortedImmutableAndEqualToAnyMapWithTheSameEntries() {
    TargetGroup g = TargetGroup.of("a:1", Map.of("zone", "z", "env", "prod", "app", ""));
    Map<String, String> labels = g.labels();
    assertEquals(List.of("app", "env", "zone"), List.copyOf(labels.keySet()));
    assertEquals(new TreeMap<>(Map.of("zone", "z", "env", "prod", "app", "")), labels);
    assertEquals(labels, new TreeMap<>(labels));
    assertEquals(new TreeMap<>(labels).hashCode(), labels.hashCode());
    assertEquals("{app=, env=prod, zone=z}", labels.toString());
    assertEquals("prod", labels.get("env"));
    assertNull(labels.get("nope"));
    assertThrows(UnsupportedOperationException.class, () -> labels.put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> labels.remove("env"));
    assertThrows(UnsupportedOperationException.class, labels::clear);
    assertThrows(UnsupportedOperationException.class, () -> labels.entrySet().iterator().remove());
    assertEquals(Map.of(), TargetGroup.of("a:1", null).labels());
    assertSame(labels, new TargetGroup(List.of("b:2"), labels).labels(), "shared, not copied");
  }

  @Test
  void decodedLabelValuesAreSharedWithinOneDecodeAndEncodeAsBefore() {
    String json =
        "[{\"labels\":{\"env\":\"prod\",\"team\":\"x\"},\"targets\":[\"a:1\"]},"
            + "{\"labels\":{\"env\":\"prod\",\"team\":\"y\"},\"targets\":[\"b:1\"]}]";
    List<TargetGroup> groups =
        Json.decodeTargetGroups("test", json.getBytes(StandardCharsets.UTF_8));
    assertSame(groups.get(0).labels().get("env"), groups.get(1).labels().get("env"));
    assertEquals(json, new String(Json.encode(groups), StandardCharsets.UTF_8));
    assertTrue(groups.get(0).withLabel("a", "1").labels().containsKey("a"));
  }
}
