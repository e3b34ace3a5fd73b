package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class PartsTest {
  private static NodeShare share(int targets) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < targets; i++) {
      groups.add(
          TargetGroup.of(
              "10.0." + (i / 250) + "." + (i % 250) + ":9100", Map.of("instance_no", "n" + i)));
    }
    return new NodeShare(
        Map.of("web", groups, "db", groups.subList(0, 3)),
        Map.of("heavy", List.of(new RecordRule("hke:heavy_expr:1", "sum(rate(x[5m]))"))));
  }

  private static Map<String, byte[]> relative(Map<PartKey, byte[]> parts) {
    Map<String, byte[]> values = new HashMap<>();
    parts.forEach((k, v) -> values.put(k.toString(), v));
    return values;
  }

  @Test
  void smallShareIsOnePartPerJobAndGroup() {
    SortedMap<PartKey, byte[]> parts = Parts.encode(share(10));
    assertEquals(
        List.of("targets/db", "targets/web", "rules/heavy"),
        parts.keySet().stream().map(PartKey::toString).toList());
  }

  @Test
  void largeJobIsChunkedWithinTheLimitAndAssemblesBack() {
    NodeShare share = share(5000);
    int max = 16 * 1024;
    SortedMap<PartKey, byte[]> parts = Parts.encode(share, max);
    long chunks = parts.keySet().stream().filter(k -> k.name().equals("web")).count();
    assertTrue(chunks > 5, "chunks: " + chunks);
    parts.values().forEach(v -> assertTrue(v.length <= max, "chunk of " + v.length));
    parts.forEach(
        (k, v) -> {
          if (k.kind() == PartKey.Kind.TARGETS) {
            Json.decodeTargetGroups(k.toString(), v);
          }
        });
    NodeManifest manifest = new NodeManifest(1, 1, Parts.checksums(parts), "");
    assertEquals(share, Parts.assemble(manifest, relative(parts)));
  }

  @Test
  void snapshotMissingAPartOrWithAStalePartIsIncomplete() {
    SortedMap<PartKey, byte[]> parts = Parts.encode(share(10));
    NodeManifest manifest = new NodeManifest(4, 1, Parts.checksums(parts), "");
    Map<String, byte[]> values = relative(parts);
    values.remove("targets/db");
    values.put("targets/web", "[]".getBytes(StandardCharsets.UTF_8));
    IncompleteSnapshotException e =
        assertThrows(IncompleteSnapshotException.class, () -> Parts.assemble(manifest, values));
    assertEquals(4, e.generation());
    assertEquals(List.of("targets/db missing", "targets/web checksum differs"), e.problems());
  }

  @Test
  void chunksMustBeContiguous() {
    SortedMap<PartKey, byte[]> parts = Parts.encode(share(5000), 16 * 1024);
    parts.remove(new PartKey(PartKey.Kind.TARGETS, "web", 1));
    NodeManifest manifest = new NodeManifest(1, 1, Parts.checksums(parts), "");
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Parts.assemble(manifest, relative(parts)));
    assertTrue(e.getMessage().contains("not contiguous"), e.getMessage());
  }

  @Test
  void ruleIntervalsTravelInTheManifest() {
    NodeShare share =
        new NodeShare(
            Map.of(),
            Map.of("heavy", List.of(new RecordRule("r:a", "up"))),
            Map.of(
                "heavy",
                java.time.Duration.ofSeconds(45),
                "unused",
                java.time.Duration.ofMinutes(1)));
    SortedMap<PartKey, byte[]> parts = Parts.encode(share);
    NodeManifest manifest =
        new NodeManifest(1, 1, Parts.checksums(parts), "", share.manifestIntervals());
    assertEquals(Map.of("heavy", "45s"), manifest.intervals());
    NodeManifest decoded = Json.decode("m", Json.encode(manifest), NodeManifest.class);
    assertEquals(
        Map.of("heavy", java.time.Duration.ofSeconds(45)),
        Parts.assemble(decoded, relative(parts)).intervals());
    assertThrows(
        ProtocolException.class, () -> new NodeManifest(1, 1, Map.of(), "", Map.of("heavy", "0s")));
    assertThrows(
        ProtocolException.class, () -> new NodeManifest(1, 1, Map.of(), "", Map.of("../x", "30s")));
  }

  @Test
  void emptyJobHasNoPart() {
    NodeShare share = new NodeShare(Map.of("web", List.of()), Map.of());
    assertTrue(Parts.encode(share).isEmpty());
  }

  @Test
  void partKeysParseAndRejectTraversal() {
    assertEquals(new PartKey(PartKey.Kind.RULES, "g", 3), PartKey.parse("rules/g/3"));
    for (String bad :
        List.of(
            "targets/../x",
            "targets/a/b/c",
            "other/web",
            "targets/web/01",
            "targets",
            "targets/web/-1")) {
      assertThrows(ProtocolException.class, () -> PartKey.parse(bad), bad);
    }
  }
}
