package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The compact layout: gzip base parts plus delta parts, assembled only when complete. */
class CompactLayoutTest {
  private static NodeShare web(int from, int to) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = from; i < to; i++) {
      groups.add(
          TargetGroup.of("10.2." + (i / 250) + "." + (i % 250) + ":9100", Map.of("env", "prod")));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }

  /**
   * Values of {@code base} with a chain of deltas to each of {@code next}, in order; {@code listed}
   * gets what the manifest lists: the base parts and the last delta.
   */
  static Map<String, byte[]> compact(
      NodeShare base, Map<String, String> listed, NodeShare... next) {
    Map<String, byte[]> values = new HashMap<>();
    Parts.encodeCompact(base, 1024).forEach((k, v) -> values.put(k.toString(), v));
    values.forEach((k, v) -> listed.put(k, Checksums.sha256Base64(v)));
    NodeShare current = base;
    PartKey last = null;
    for (NodeShare share : next) {
      ShareDelta delta = ShareDelta.between(current, share).orElseThrow();
      if (last != null) {
        delta = delta.after(last, Checksums.sha256Base64(values.get(last.toString())));
      }
      last = PartKey.delta(last == null ? 2 : Long.parseLong(last.name()) + 1);
      values.put(last.toString(), Parts.encodeDelta(delta));
      current = share;
    }
    if (last != null) {
      listed.put(last.toString(), Checksums.sha256Base64(values.get(last.toString())));
    }
    return values;
  }

  private static NodeManifest manifest(Map<String, String> sums) {
    return NodeManifest.compact(12, 1, sums, Map.of(), Map.of());
  }

  @Test
  void baseAndDeltasAssembleToTheLatestShareWithTenDeltasInNumericOrder() {
    Map<String, String> sums = new TreeMap<>();
    NodeShare[] steps = new NodeShare[10];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = web(i + 1, 300 + 3 * i); // each drops one target and adds three
    }
    Map<String, byte[]> values = compact(web(0, 300), sums, steps);
    assertTrue(values.containsKey("delta/11") && values.containsKey("delta/2"), sums.toString());
    assertTrue(sums.keySet().stream().anyMatch(k -> k.startsWith("targets/web/")), "chunked");
    assertEquals(
        List.of("delta/11"),
        sums.keySet().stream().filter(k -> k.startsWith("delta/")).toList(),
        "the manifest lists only the latest delta");
    Parts.Assembled assembled = Parts.assembleSteps(manifest(sums), values, Long.MAX_VALUE);
    assertEquals(steps[9], assembled.share());
    assertEquals(steps[8], assembled.beforeLastDelta());
    Map<String, String> every = new TreeMap<>();
    values.forEach((k, v) -> every.put(k, Checksums.sha256Base64(v)));
    assertEquals(every, assembled.parts(), "the snapshot: base parts and every chained delta");
  }

  @Test
  void aDeltaMissingOrCorruptInTheMiddleOfTheChainOrTwoSwappedMakeTheSnapshotIncomplete() {
    Map<String, String> sums = new TreeMap<>();
    Map<String, byte[]> values =
        compact(web(0, 50), sums, web(1, 50), web(2, 51), web(3, 52), web(4, 53));
    assertEquals(Set.of("delta/2", "delta/3", "delta/4", "delta/5"), deltas(values));
    Map<String, byte[]> missing = new HashMap<>(values);
    missing.remove("delta/3");
    assertEquals(List.of("delta/3 missing"), incomplete(sums, missing));
    Map<String, byte[]> corrupt = new HashMap<>(values);
    corrupt.put("delta/2", Parts.encodeDelta(new ShareDelta(Map.of(), Map.of())));
    assertEquals(List.of("delta/2 checksum differs"), incomplete(sums, corrupt));
    Map<String, byte[]> swapped = new HashMap<>(values);
    swapped.put("delta/3", values.get("delta/4"));
    swapped.put("delta/4", values.get("delta/3"));
    assertEquals(List.of("delta/4 checksum differs"), incomplete(sums, swapped));
  }

  @Test
  void aDeltaChainingToALaterOneOrAManifestListingTwoDeltasIsMalformed() {
    Map<String, String> sums = new TreeMap<>();
    Map<String, byte[]> values = compact(web(0, 50), sums, web(1, 50), web(2, 51));
    // delta/3 rewritten to name delta/7, stored with the checksum it names
    byte[] forward = values.get("delta/3");
    Map<String, byte[]> loop = new HashMap<>(values);
    byte[] head =
        Parts.encodeDelta(
            ShareDelta.between(web(1, 50), web(2, 51))
                .orElseThrow()
                .after(PartKey.delta(7), Checksums.sha256Base64(forward)));
    loop.put("delta/3", head);
    loop.put("delta/7", forward);
    Map<String, String> loopSums = new TreeMap<>(sums);
    loopSums.put("delta/3", Checksums.sha256Base64(head));
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Parts.assemble(manifest(loopSums), loop));
    assertFalse(e instanceof IncompleteSnapshotException);
    assertTrue(
        e.getMessage().contains("delta/3: chains to delta/7, not an earlier"), e.getMessage());

    Map<String, String> both = new TreeMap<>(sums);
    both.put("delta/2", Checksums.sha256Base64(values.get("delta/2")));
    e = assertThrows(ProtocolException.class, () -> manifest(both));
    assertTrue(e.getMessage().contains("lists deltas delta/2 and delta/3"), e.getMessage());
  }

  @Test
  void aCompactManifestNamesNeitherEncodingNorTime() {
    NodeManifest m = NodeManifest.compact(3, 1, Map.of(), Map.of(), Map.of());
    String json = new String(Json.encode(m), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals("{\"epoch\":1,\"format\":2,\"generation\":3,\"parts\":{}}", json);
    assertTrue(m.compressed() && m.readable());
    NodeManifest named =
        new NodeManifest(3, 1, Map.of(), "", Map.of(), NodeManifest.FORMAT, Map.of(), "gzip");
    assertTrue(named.compressed() && named.readable(), "gzip may still be named");
    assertEquals("", new NodeManifest(3, 1, Map.of(), null).writtenAt(), "formats 0 and 1 keep it");
    assertTrue(
        new String(Json.encode(new NodeManifest(3, 1, Map.of(), null)), StandardCharsets.UTF_8)
            .contains("\"written_at\":\"\""));
  }

  private static Set<String> deltas(Map<String, byte[]> values) {
    return values.keySet().stream()
        .filter(k -> k.startsWith("delta/"))
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  private static List<String> incomplete(Map<String, String> sums, Map<String, byte[]> values) {
    return assertThrows(
            IncompleteSnapshotException.class, () -> Parts.assemble(manifest(sums), values))
        .problems();
  }

  @Test
  void aMissingOrCorruptDeltaMakesTheSnapshotIncomplete() {
    Map<String, String> sums = new TreeMap<>();
    Map<String, byte[]> values = compact(web(0, 50), sums, web(1, 50), web(2, 60));
    Map<String, byte[]> missing = new HashMap<>(values);
    missing.remove("delta/3");
    IncompleteSnapshotException e =
        assertThrows(
            IncompleteSnapshotException.class, () -> Parts.assemble(manifest(sums), missing));
    assertEquals(List.of("delta/3 missing"), e.problems());
    Map<String, byte[]> corrupt = new HashMap<>(values);
    corrupt.put("delta/2", Gzip.compress("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    e =
        assertThrows(
            IncompleteSnapshotException.class, () -> Parts.assemble(manifest(sums), corrupt));
    assertEquals(List.of("delta/2 checksum differs"), e.problems());
  }

  @Test
  void compactManifestsListBase64urlChecksumsAndRefuseHexOnes() {
    byte[] value = Gzip.compress("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String sum = Checksums.sha256Base64(value);
    assertEquals(43, sum.length());
    assertEquals(sum, manifest(Map.of("targets/web", sum)).parts().get("targets/web"));
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> manifest(Map.of("targets/web", Checksums.sha256Hex(value))));
    assertTrue(e.getMessage().contains("base64url"), e.getMessage());
  }

  @Test
  void aCheckedPartThatIsNotGzipIsMalformed() {
    Map<String, byte[]> values =
        Map.of("targets/web", "[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Map<String, String> sums =
        Map.of("targets/web", Checksums.sha256Base64(values.get("targets/web")));
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Parts.assemble(manifest(sums), values));
    assertFalse(e instanceof IncompleteSnapshotException);
    assertTrue(e.getMessage().contains("targets/web: not a valid gzip value"), e.getMessage());
  }

  @Test
  void compressedBaseIsMuchSmallerAndDeterministic() {
    NodeShare share = web(0, 2000);
    long plain = Parts.encode(share).values().stream().mapToLong(v -> v.length).sum();
    long packed =
        Parts.encodeCompact(share, Parts.DEFAULT_MAX_CHUNK_BYTES).values().stream()
            .mapToLong(v -> v.length)
            .sum();
    assertTrue(packed * 5 < plain, packed + " vs " + plain);
    assertEquals(
        Parts.checksums(Parts.encodeCompact(share, Parts.DEFAULT_MAX_CHUNK_BYTES)),
        Parts.checksums(Parts.encodeCompact(web(0, 2000), Parts.DEFAULT_MAX_CHUNK_BYTES)));
  }

  @Test
  void aManifestOfAFutureFormatIsReadOnlyAsFarAsItsNumbers() {
    NodeManifest future =
        Json.decodeWire(
            "m",
            ("{\"generation\":3,\"epoch\":1,\"format\":"
                    + (NodeManifest.FORMAT + 1)
                    + ",\"encoding\":\"zstd\",\"parts\":{\"chunks/web/0\":\""
                    + "0".repeat(64)
                    + "\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            NodeManifest.class);
    assertFalse(future.readable());
    NodeManifest unknownEncoding =
        new NodeManifest(3, 1, Map.of(), "", Map.of(), NodeManifest.FORMAT, Map.of(), "zstd");
    assertFalse(unknownEncoding.readable());
    assertTrue(NodeManifest.compact(3, 1, Map.of(), Map.of(), Map.of()).readable());
    assertInstanceOf(NodeManifest.class, future);
  }
}
