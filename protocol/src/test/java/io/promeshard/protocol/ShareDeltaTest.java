package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShareDeltaTest {
  private static TargetGroup group(int i, String env) {
    return TargetGroup.of("10.1." + (i / 250) + "." + (i % 250) + ":9100", Map.of("env", env));
  }

  /**
   * A random edit of {@code share}: targets removed, added anywhere, relabelled; jobs come and go.
   */
  private static NodeShare edit(NodeShare share, Random random, int[] next) {
    Map<String, List<TargetGroup>> targets = new TreeMap<>();
    share.targets().forEach((job, groups) -> targets.put(job, new ArrayList<>(groups)));
    String job = "job" + random.nextInt(4);
    List<TargetGroup> groups = targets.computeIfAbsent(job, j -> new ArrayList<>());
    int edits = random.nextInt(6);
    for (int e = 0; e < edits; e++) {
      int op = random.nextInt(3);
      if (op == 0 && !groups.isEmpty()) {
        groups.remove(random.nextInt(groups.size()));
      } else if (op == 1 && !groups.isEmpty()) {
        int at = random.nextInt(groups.size());
        groups.set(at, TargetGroup.of(groups.get(at).targets().get(0), Map.of("env", "e" + e)));
      } else {
        groups.add(random.nextInt(groups.size() + 1), group(next[0]++, "prod"));
      }
    }
    if (random.nextInt(10) == 0) {
      targets.remove("job" + random.nextInt(4));
    }
    targets.values().removeIf(List::isEmpty);
    List<RecordRule> rules = new ArrayList<>(share.rules().getOrDefault("heavy", List.of()));
    if (random.nextBoolean()) {
      rules.add(random.nextInt(rules.size() + 1), new RecordRule("r:" + next[0]++, "up"));
    } else if (!rules.isEmpty()) {
      rules.remove(random.nextInt(rules.size()));
    }
    return new NodeShare(targets, rules.isEmpty() ? Map.of() : Map.of("heavy", rules));
  }

  @Test
  void randomEditsRoundTripThroughDeltasAndTheirJson() {
    Random random = new Random(16);
    int[] next = {0};
    NodeShare current = NodeShare.empty();
    for (int step = 0; step < 500; step++) {
      NodeShare wanted = edit(current, random, next);
      ShareDelta delta = ShareDelta.between(current, wanted).orElseThrow();
      ShareDelta decoded =
          Json.decodeWire(
              "delta", Gzip.decompress("delta", Parts.encodeDelta(delta)), ShareDelta.class);
      assertEquals(delta, decoded);
      current = decoded.applyTo("delta/" + step, current);
      assertEquals(wanted, current, "step " + step);
    }
  }

  @Test
  void aDeltaHoldsPositionsAsGapsAndMovedTargetsWithoutTheirLabels() {
    List<TargetGroup> before = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      before.add(group(i, "prod"));
    }
    List<TargetGroup> after = new ArrayList<>(before);
    after.remove(70);
    after.remove(2);
    after.add(50, group(1000, "prod"));
    after.add(group(1001, "staging"));
    ShareDelta delta =
        ShareDelta.between(
                new NodeShare(Map.of("web", before), Map.of()),
                new NodeShare(Map.of("web", after), Map.of()))
            .orElseThrow();
    ListDelta<TargetGroup> web = delta.targets().get("web");
    assertEquals(List.of(2, 68), web.remove(), "indices 2 and 70");
    assertEquals(List.of(50, 49), web.at(), "indices 50 and 99");
    assertEquals(
        List.of(new TargetGroup(group(1000, "prod").targets(), Map.of()), group(1001, "staging")),
        web.add());
    assertEquals(List.of(0, -1), web.like(), "the first shares the labels of entry 0");
    assertTrue(delta.rules().isEmpty());
    assertEquals(
        new NodeShare(Map.of("web", after), Map.of()),
        delta.applyTo("delta/2", new NodeShare(Map.of("web", before), Map.of())));
  }

  @Test
  void aListSortedByAddressGetsAMergedDeltaWithoutPositions() {
    List<TargetGroup> before = new ArrayList<>();
    for (int i = 100; i < 200; i++) {
      before.add(TargetGroup.of("10.9.0." + i + ":9100", Map.of("env", "prod")));
    }
    List<TargetGroup> after = new ArrayList<>(before);
    after.remove(70);
    after.remove(2);
    after.add(0, TargetGroup.of("10.9.0.0:9100", Map.of("env", "prod")));
    after.add(51, TargetGroup.of("10.9.0.150:9100x", Map.of("env", "staging")));
    after.add(TargetGroup.of("10.9.0.999:9100", Map.of("env", "prod")));
    NodeShare from = new NodeShare(Map.of("web", before), Map.of());
    NodeShare to = new NodeShare(Map.of("web", after), Map.of());
    ShareDelta delta = ShareDelta.between(from, to).orElseThrow();
    ListDelta<TargetGroup> web = delta.targets().get("web");
    assertTrue(web.merged());
    assertEquals(List.of(), web.at(), "no positions: the added entries are merged by address");
    assertEquals(to, delta.applyTo("delta/2", from));
    String json =
        new String(Gzip.decompress("delta", Parts.encodeDelta(delta)), StandardCharsets.UTF_8);
    assertFalse(json.contains("\"at\"") || json.contains("empty"), json);
    // a moved target with labels of the old list is its bare address; one with new labels whole
    assertTrue(json.contains("\"add\":[\"10.9.0.0:9100\",{\"labels\":{\"env\":\"staging\"}"), json);
    ShareDelta decoded =
        Json.decodeWire("delta", json.getBytes(StandardCharsets.UTF_8), ShareDelta.class);
    assertEquals(to, decoded.applyTo("delta/2", from));
  }

  @Test
  void aDeltaWhoseChangesAreNotArraysOfTheRightKindIsMalformed() {
    for (String bad :
        List.of(
            "{\"targets\":{\"web\":{\"add\":\"10.0.0.1:9100\"}}}",
            "{\"targets\":{\"web\":{\"remove\":[\"x\"]}}}",
            "{\"targets\":{\"web\":{\"add\":[7]}}}",
            "{\"targets\":{\"web\":[]}}")) {
      assertThrows(
          ProtocolException.class,
          () -> Json.decodeWire("delta", bad.getBytes(StandardCharsets.UTF_8), ShareDelta.class),
          bad);
    }
  }

  @Test
  void mergedEntriesOutOfOrderAreMalformed() {
    NodeShare one = new NodeShare(Map.of("web", List.of(group(5, "a"))), Map.of());
    ShareDelta unordered =
        new ShareDelta(
            Map.of(
                "web",
                new ListDelta<>(
                    List.of(), List.of(), List.of(group(9, "a"), group(7, "a")), List.of())),
            Map.of());
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> unordered.applyTo("delta/4", one));
    assertTrue(e.getMessage().contains("delta/4 targets of web: merged entry"), e.getMessage());
  }

  @Test
  void aChainedDeltaNamesItsPredecessorAndRoundTripsThroughJson() {
    ShareDelta first =
        ShareDelta.between(
                NodeShare.empty(), new NodeShare(Map.of("web", List.of(group(1, "a"))), Map.of()))
            .orElseThrow();
    assertEquals(Optional.empty(), first.predecessor());
    String sum = Checksums.sha256Base64(Parts.encodeDelta(first));
    ShareDelta second = first.after(PartKey.delta(4), sum);
    assertEquals(Map.entry(PartKey.delta(4), sum), second.predecessor().orElseThrow());
    ShareDelta decoded =
        Json.decodeWire(
            "delta", Gzip.decompress("delta", Parts.encodeDelta(second)), ShareDelta.class);
    assertEquals(second, decoded);
    assertThrows(
        ProtocolException.class,
        () -> new ShareDelta(Map.of("targets/web", sum), Map.of(), Map.of()));
    assertThrows(
        ProtocolException.class,
        () ->
            new ShareDelta(
                Map.of("delta/4", Checksums.sha256Hex(new byte[0])), Map.of(), Map.of()));
  }

  @Test
  void reorderedOrRepeatedEntriesHaveNoDeltaSoABaseIsWritten() {
    NodeShare ab = new NodeShare(Map.of("web", List.of(group(1, "a"), group(2, "a"))), Map.of());
    NodeShare ba = new NodeShare(Map.of("web", List.of(group(2, "a"), group(1, "a"))), Map.of());
    NodeShare twice = new NodeShare(Map.of("web", List.of(group(1, "a"), group(1, "b"))), Map.of());
    assertEquals(Optional.empty(), ShareDelta.between(ab, ba));
    assertEquals(Optional.empty(), ShareDelta.between(ab, twice));
  }

  @Test
  void aDeltaThatDoesNotFitItsBaseIsMalformed() {
    NodeShare one = new NodeShare(Map.of("web", List.of(group(1, "a"))), Map.of());
    ShareDelta removesMissing =
        new ShareDelta(
            Map.of("web", new ListDelta<>(List.of(1), List.of(), List.of(), List.of())), Map.of());
    ShareDelta addsPastTheEnd =
        new ShareDelta(
            Map.of(
                "web", new ListDelta<>(List.of(), List.of(5), List.of(group(2, "a")), List.of())),
            Map.of());
    ShareDelta referencesMissingLabels =
        new ShareDelta(
            Map.of(
                "web", new ListDelta<>(List.of(), List.of(1), List.of(group(2, "a")), List.of(7))),
            Map.of());
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> removesMissing.applyTo("delta/3", one));
    assertTrue(e.getMessage().contains("delta/3 targets of web"), e.getMessage());
    assertThrows(ProtocolException.class, () -> addsPastTheEnd.applyTo("delta/3", one));
    assertThrows(ProtocolException.class, () -> referencesMissingLabels.applyTo("delta/3", one));
    assertThrows(
        ProtocolException.class,
        () -> new ListDelta<>(List.of(), List.of(1, 2), List.of(group(2, "a")), List.of()));
  }
}
