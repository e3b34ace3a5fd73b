package io.promeshard.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.KvEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class SnapshotReaderTest {
  private static final KvLayout LAYOUT = KvLayout.defaults();
  private static final SnapshotReader READER = new SnapshotReader(LAYOUT, "p1");
  private static final NodeShare SHARE =
      new NodeShare(
          Map.of(
              "web",
              List.of(TargetGroup.of("10.0.0.1:80", Map.of("env", "prod"))),
              "db",
              List.of(TargetGroup.of("10.0.0.2:5432", Map.of()))),
          Map.of("heavy", List.of(new RecordRule("job:up:sum", "sum(up)"))));

  @Test
  void aCompleteSnapshotAssemblesTheShare() {
    Snapshot s = READER.read(entries(SHARE, 7, true));
    Snapshot.Complete c = assertInstanceOf(Snapshot.Complete.class, s);
    assertEquals(SHARE, c.share());
    assertEquals(7, c.generation());
  }

  @Test
  void chunkedPartsAreJoinedInOrder() {
    List<TargetGroup> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(TargetGroup.of("10.0.0." + i + ":9100", Map.of("i", Integer.toString(i))));
    }
    NodeShare big = new NodeShare(Map.of("big", many), Map.of());
    SortedMap<PartKey, byte[]> parts = Parts.encode(big, 1024);
    assertTrue(parts.size() > 3, "several chunks");
    List<KvEntry> entries = new ArrayList<>();
    parts.forEach((k, v) -> entries.add(entry(LAYOUT.part("p1", k.toString()), v)));
    entries.add(
        entry(
            LAYOUT.manifest("p1"),
            Json.encode(new NodeManifest(3, 1, Parts.checksums(parts), ""))));

    assertEquals(big, assertInstanceOf(Snapshot.Complete.class, READER.read(entries)).share());
  }

  @Test
  void noManifestMeansNothingToApply() {
    assertInstanceOf(Snapshot.NoManifest.class, READER.read(entries(SHARE, 1, false)));
    assertInstanceOf(Snapshot.NoManifest.class, READER.read(List.of()));
  }

  @Test
  void aChangedPartUnderAnOldManifestIsIncomplete() {
    List<KvEntry> entries = new ArrayList<>(entries(SHARE, 4, true));
    entries.replaceAll(
        e ->
            e.key().endsWith("/targets/web")
                ? entry(e.key(), Json.encode(List.of(TargetGroup.of("10.9.9.9:80", Map.of()))))
                : e);
    Snapshot.Incomplete inc = assertInstanceOf(Snapshot.Incomplete.class, READER.read(entries));
    assertEquals(4, inc.generation());
    assertEquals(List.of("targets/web checksum differs"), inc.problems());

    entries.removeIf(e -> e.key().endsWith("/rules/heavy"));
    assertEquals(
        List.of("rules/heavy missing", "targets/web checksum differs"),
        assertInstanceOf(Snapshot.Incomplete.class, READER.read(entries)).problems());
  }

  @Test
  void keysTheManifestDoesNotListAreIgnored() {
    List<KvEntry> entries = new ArrayList<>(entries(SHARE, 2, true));
    entries.add(
        entry(LAYOUT.nodeDir("p1") + "targets/../x", "[]".getBytes(StandardCharsets.UTF_8)));
    entries.add(
        entry(LAYOUT.nodeDir("p1") + "targets/extra", "[]".getBytes(StandardCharsets.UTF_8)));
    entries.add(entry(LAYOUT.nodeDir("p1"), new byte[0]));
    assertEquals(SHARE, assertInstanceOf(Snapshot.Complete.class, READER.read(entries)).share());
  }

  @Test
  void aManifestListingATraversingNameIsMalformed() {
    byte[] value = Json.encode(List.of(TargetGroup.of("10.0.0.1:80", Map.of())));
    for (String key :
        List.of(
            "targets/../x", "targets/..", "rules/a\\b", "../targets/x", "targets/web/../../x")) {
      String manifest =
          "{\"generation\":5,\"epoch\":1,\"parts\":{\""
              + key.replace("\\", "\\\\")
              + "\":\""
              + Checksums.sha256Hex(value)
              + "\"},\"written_at\":\"\"}";
      List<KvEntry> entries =
          List.of(
              entry(LAYOUT.nodeDir("p1") + key, value),
              entry(LAYOUT.manifest("p1"), manifest.getBytes(StandardCharsets.UTF_8)));
      Snapshot.Malformed bad =
          assertInstanceOf(Snapshot.Malformed.class, READER.read(entries), key);
      assertTrue(bad.error().startsWith("prome-shard/nodes/p1/manifest: "), bad.error());
      assertTrue(bad.error().contains("part") || bad.error().contains("invalid name"), bad.error());
    }
  }

  @Test
  void anUndecodablePartOrManifestIsMalformed() {
    List<KvEntry> entries =
        List.of(
            entry(LAYOUT.manifest("p1"), "{\"generation\":1}".getBytes(StandardCharsets.UTF_8)));
    Snapshot.Malformed m = assertInstanceOf(Snapshot.Malformed.class, READER.read(entries));
    assertTrue(m.error().startsWith("prome-shard/nodes/p1/manifest: "), m.error());

    byte[] junk = "[{\"targets\":[]}]".getBytes(StandardCharsets.UTF_8);
    List<KvEntry> badPart =
        List.of(
            entry(LAYOUT.part("p1", "targets/web"), junk),
            entry(
                LAYOUT.manifest("p1"),
                Json.encode(
                    new NodeManifest(2, 1, Map.of("targets/web", Checksums.sha256Hex(junk)), ""))));
    Snapshot.Malformed p = assertInstanceOf(Snapshot.Malformed.class, READER.read(badPart));
    assertTrue(
        p.error().startsWith("prome-shard/nodes/p1/ generation 2: targets/web: "), p.error());
  }

  @Test
  void fieldsANewerCoordinatorAddsAreIgnored() {
    // a newer coordinator adds a field to the manifest, to a target group and to a rule
    byte[] targets =
        "[{\"targets\":[\"10.0.0.1:80\"],\"labels\":{\"env\":\"prod\"},\"scrape\":{\"x\":1}}]"
            .getBytes(StandardCharsets.UTF_8);
    byte[] rules =
        "[{\"record\":\"job:up:sum\",\"expr\":\"sum(up)\",\"owner\":\"team-a\"}]"
            .getBytes(StandardCharsets.UTF_8);
    String manifest =
        "{\"generation\":9,\"epoch\":3,\"parts\":{\"rules/heavy\":\""
            + Checksums.sha256Hex(rules)
            + "\",\"targets/web\":\""
            + Checksums.sha256Hex(targets)
            + "\"},\"written_at\":\"now\",\"placement\":{\"load\":0.5}}";
    List<KvEntry> entries =
        List.of(
            entry(LAYOUT.part("p1", "targets/web"), targets),
            entry(LAYOUT.part("p1", "rules/heavy"), rules),
            entry(LAYOUT.manifest("p1"), manifest.getBytes(StandardCharsets.UTF_8)));
    Snapshot.Complete c = assertInstanceOf(Snapshot.Complete.class, READER.read(entries));
    assertEquals(9, c.generation());
    assertEquals(
        new NodeShare(
            Map.of("web", List.of(TargetGroup.of("10.0.0.1:80", Map.of("env", "prod")))),
            Map.of("heavy", List.of(new RecordRule("job:up:sum", "sum(up)")))),
        c.share());
  }

  @Test
  void aManifestFormatNewerThanThisAgentReadsIsRefusedWithAnUpgradeHint() {
    List<KvEntry> entries = new ArrayList<>(entries(SHARE, 4, false));
    SortedMap<PartKey, byte[]> parts = Parts.encode(SHARE);
    entries.add(
        entry(
            LAYOUT.manifest("p1"),
            Json.encode(
                new NodeManifest(
                    4, 1, Parts.checksums(parts), "now", Map.of(), NodeManifest.FORMAT + 1))));
    Snapshot.Malformed m = assertInstanceOf(Snapshot.Malformed.class, READER.read(entries));
    assertTrue(m.error().contains("manifest format " + (NodeManifest.FORMAT + 1)), m.error());
    assertTrue(m.error().contains("upgrade the agent"), m.error());
  }

  @Test
  void theBaseFormatIsNotWrittenSoOlderAgentsStillReadTheManifest() {
    String json =
        new String(Json.encode(new NodeManifest(1, 1, Map.of(), "now")), StandardCharsets.UTF_8);
    assertTrue(!json.contains("format"), json);
  }

  private static List<KvEntry> entries(NodeShare share, long generation, boolean withManifest) {
    SortedMap<PartKey, byte[]> parts = Parts.encode(share);
    List<KvEntry> out = new ArrayList<>();
    parts.forEach((k, v) -> out.add(entry(LAYOUT.part("p1", k.toString()), v)));
    if (withManifest) {
      out.add(
          entry(
              LAYOUT.manifest("p1"),
              Json.encode(new NodeManifest(generation, 1, Parts.checksums(parts), "now"))));
    }
    return out;
  }

  private static KvEntry entry(String key, byte[] value) {
    return new KvEntry(key, value, 1, 1, null);
  }
}
