package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** Values and manifest of {@code base} with deltas to each of {@code next}, in order. */
  static Map<String, byte[]> compact(NodeShare base, Map<String, String> sums, NodeShare... next) {
    Map<String, byte[]> values = new HashMap<>();
    Parts.encodeCompact(base, 1024).forEach((k, v) -> values.put(k.toString(), v));
    NodeShare current = base;
    long generation = 1;
    for (NodeShare share : next) {
      byte[] delta = Parts.encodeDelta(ShareDelta.between(current, share).orElseThrow());
      values.put(PartKey.delta(++generation).toString(), delta);
      current = share;
    }
    values.forEach((k, v) -> sums.put(k, Checksums.sha256Base64(v)));
    return values;
  }

  private static NodeManifest manifest(Map<String, String> sums) {
    return NodeManifest.compact(12, 1, sums, "now", Map.of(), Map.of());
  }

  @Test
  void baseAndDeltasAssembleToTheLatestShareWithTenDeltasInNumericOrder() {
    Map<String, String> sums = new TreeMap<>();
    NodeShare[] steps = new NodeShare[10];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = web(i + 1, 300 + 3 * i); // each drops one target and adds three
    }
    Map<String, byte[]> values = compact(web(0, 300), sums, steps);
    assertTrue(sums.containsKey("delta/11") && sums.containsKey("delta/2"), sums.toString());
    assertTrue(sums.keySet().stream().anyMatch(k -> k.startsWith("targets/web/")), "chunked");
    assertEquals(steps[9], Parts.assemble(manifest(sums), values));
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
    assertTrue(NodeManifest.compact(3, 1, Map.of(), "", Map.of(), Map.of()).readable());
    assertInstanceOf(NodeManifest.class, future);
  }
}
