package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetGroupsTest {
  private static final Map<String, String> X = Map.of("k", "x");
  private static final Map<String, String> Y = Map.of("k", "y");

  @Test
  void multiAddressGroupIsSplitWithLabelsCopied() {
    assertEquals(
        List.of(TargetGroup.of("b:1", X), TargetGroup.of("a:1", X), TargetGroup.of("c:1", Y)),
        TargetGroups.split(
            List.of(new TargetGroup(List.of("b:1", "a:1"), X), TargetGroup.of("c:1", Y))));
  }

  @Test
  void mergeSortsByAddressAndKeepsTheFirstOccurrence() {
    TargetGroups.Merged m =
        TargetGroups.merge(
            List.of(
                List.of(new TargetGroup(List.of("b:1", "a:1"), X)),
                List.of(new TargetGroup(List.of("a:1", "c:1"), Y), TargetGroup.of("c:1", X))));
    assertEquals(
        List.of(TargetGroup.of("a:1", X), TargetGroup.of("b:1", X), TargetGroup.of("c:1", Y)),
        m.groups());
    assertEquals(2, m.duplicates());
  }

  @Test
  void mergeIsIndependentOfGroupOrderWhenAddressesAreDistinct() {
    List<TargetGroup> one = List.of(TargetGroup.of("z:1", X), TargetGroup.of("a:1", Y));
    List<TargetGroup> two = List.of(TargetGroup.of("a:1", Y), TargetGroup.of("z:1", X));
    assertEquals(TargetGroups.merge(List.of(one)), TargetGroups.merge(List.of(two)));
  }
}
