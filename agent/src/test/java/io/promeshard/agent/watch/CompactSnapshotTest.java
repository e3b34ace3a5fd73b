package io.promeshard.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.Gzip;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.ShareDelta;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.KvEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The agent reads the compact layout: a compressed base plus deltas, applied whole or not at all.
 */
class CompactSnapshotTest {
  private static final KvLayout LAYOUT = KvLayout.defaults();
  private static final SnapshotReader READER = new SnapshotReader(LAYOUT, "p1");

  private static NodeShare share(int from, int to) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = from; i < to; i++) {
      groups.add(TargetGroup.of("10.5.0." + i + ":9100", Map.of("env", "prod")));
    }
    return new NodeShare(
        Map.of("web", groups),
        Map.of("heavy", List.of(new RecordRule("job:up:sum" + from, "sum(up)"))),
        Map.of("heavy", Duration.ofSeconds(30)));
  }

  /**
   * KV entries of a base {@code share(0, 100)} with two deltas, the second chained to the first,
   * and the manifest listing the base and the second.
   */
  private static Map<String, byte[]> layout() {
    Map<String, byte[]> values = new TreeMap<>();
    Parts.encodeCompact(share(0, 100), 1024).forEach((k, v) -> values.put(k.toString(), v));
    Map<String, String> sums = new TreeMap<>();
    values.forEach((k, v) -> sums.put(k, Checksums.sha256Base64(v)));
    values.put(
        "delta/2",
        Parts.encodeDelta(ShareDelta.between(share(0, 100), share(3, 110)).orElseThrow()));
    values.put(
        "delta/3",
        Parts.encodeDelta(
            ShareDelta.between(share(3, 110), share(5, 120))
                .orElseThrow()
                .after(PartKey.delta(2), Checksums.sha256Base64(values.get("delta/2")))));
    sums.put("delta/3", Checksums.sha256Base64(values.get("delta/3")));
    values.put(NodeManifest.KEY, manifest(sums));
    return values;
  }

  private static byte[] manifest(Map<String, String> sums) {
    return Json.encode(
        NodeManifest.compact(3, 1, sums, share(5, 120).manifestIntervals(), Map.of()));
  }

  private static List<KvEntry> entries(Map<String, byte[]> values) {
    List<KvEntry> out = new ArrayList<>();
    values.forEach((k, v) -> out.add(new KvEntry(LAYOUT.nodeDir("p1") + k, v, 1, 1, null)));
    return out;
  }

  @Test
  void aBaseWithDeltasAppliesExactlyTheLatestShare() {
    Snapshot.Complete c = assertInstanceOf(Snapshot.Complete.class, READER.read(entries(layout())));
    assertEquals(share(5, 120), c.share());
    assertEquals(3, c.generation());
  }

  @Test
  void aMissingOrCorruptDeltaAppliesNothing() {
    Map<String, byte[]> missing = layout();
    missing.remove("delta/2");
    Snapshot.Incomplete inc =
        assertInstanceOf(Snapshot.Incomplete.class, READER.read(entries(missing)));
    assertEquals(List.of("delta/2 missing"), inc.problems());

    Map<String, byte[]> corrupt = layout();
    corrupt.put("delta/3", Gzip.compress("{}".getBytes(StandardCharsets.UTF_8)));
    inc = assertInstanceOf(Snapshot.Incomplete.class, READER.read(entries(corrupt)));
    assertEquals(List.of("delta/3 checksum differs"), inc.problems());
  }

  @Test
  void aSwappedChainedDeltaAppliesNothingAndAManifestListingTwoDeltasIsMalformed() {
    Map<String, byte[]> values = layout();
    Map<String, byte[]> swapped = new TreeMap<>(values);
    swapped.put("delta/2", values.get("delta/3"));
    Snapshot.Incomplete inc =
        assertInstanceOf(Snapshot.Incomplete.class, READER.read(entries(swapped)));
    assertEquals(List.of("delta/2 checksum differs"), inc.problems());

    Map<String, String> both = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (!k.equals(NodeManifest.KEY)) {
            both.put(k, Checksums.sha256Base64(v));
          }
        });
    Map<String, byte[]> twoListed = new TreeMap<>(values);
    twoListed.put(
        NodeManifest.KEY,
        new String(manifest(Map.of()), StandardCharsets.UTF_8)
            .replace(
                "\"parts\":{}",
                "\"parts\":" + new String(Json.encode(both), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));
    Snapshot.Malformed m =
        assertInstanceOf(Snapshot.Malformed.class, READER.read(entries(twoListed)));
    assertTrue(m.error().contains("lists deltas delta/2 and delta/3"), m.error());
  }

  @Test
  void aManifestOfALaterFormatWithPartsThisAgentCannotNameIsRefusedWithAnUpgradeHint() {
    Map<String, byte[]> values = layout();
    String later =
        "{\"generation\":4,\"epoch\":1,\"format\":"
            + (NodeManifest.FORMAT + 1)
            + ",\"encoding\":\"zstd\",\"parts\":{\"segments/web/0\":\""
            + Checksums.sha256Hex(new byte[0])
            + "\"}}";
    values.put(NodeManifest.KEY, later.getBytes(StandardCharsets.UTF_8));
    Snapshot.Malformed m = assertInstanceOf(Snapshot.Malformed.class, READER.read(entries(values)));
    assertTrue(m.error().contains("manifest format " + (NodeManifest.FORMAT + 1)), m.error());
    assertTrue(m.error().contains("upgrade the agent; its files stay as they are"), m.error());
  }

  @Test
  void anUnknownPartEncodingIsRefusedWithAnUpgradeHint() {
    Map<String, byte[]> values = layout();
    values.put(
        NodeManifest.KEY,
        Json.encode(
            new NodeManifest(
                3, 1, Map.of(), "now", Map.of(), NodeManifest.FORMAT, Map.of(), "zstd")));
    Snapshot.Malformed m = assertInstanceOf(Snapshot.Malformed.class, READER.read(entries(values)));
    assertTrue(m.error().contains("part encoding \"zstd\""), m.error());
    assertTrue(m.error().contains("upgrade the agent"), m.error());
  }

  @Test
  void aCompressedShareThatExpandsPastTheHeapBudgetIsTooLargeAndAppliesNothing() {
    long plainBytes = Parts.encode(share(5, 120)).values().stream().mapToLong(v -> v.length).sum();
    SnapshotReader small =
        new SnapshotReader(LAYOUT, "p1", new ShareBudget(plainBytes / 3 * 4 / 2, 1L << 30));
    Snapshot.TooLarge big =
        assertInstanceOf(Snapshot.TooLarge.class, small.read(entries(layout())));
    assertTrue(big.error().contains("share too large for this agent's heap"), big.error());
    assertInstanceOf(
        Snapshot.Complete.class,
        new SnapshotReader(LAYOUT, "p1", new ShareBudget(plainBytes * 4, 1L << 30))
            .read(entries(layout())));
  }

  @Test
  void deltaKeysSortByGenerationNotByDigits() {
    assertEquals("delta/12", PartKey.delta(12).toString());
    assertTrue(PartKey.parse("delta/12").compareTo(PartKey.parse("delta/9")) > 0);
  }
}
