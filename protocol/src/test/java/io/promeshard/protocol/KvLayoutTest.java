package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class KvLayoutTest {
  private final KvLayout kv = KvLayout.defaults();

  @Test
  void buildsEveryKeyOfTheContractUnderThePrefix() {
    assertEquals("prome-shard/config/settings", kv.settings());
    assertEquals("prome-shard/config/jobs/web", kv.job("web"));
    assertEquals("prome-shard/records/7", kv.record(7));
    assertEquals("prome-shard/nodes/p1/", kv.nodeDir("p1"));
    assertEquals("prome-shard/nodes/p1/manifest", kv.manifest("p1"));
    assertEquals("prome-shard/nodes/p1/targets/web/2", kv.part("p1", "targets/web/2"));
    assertEquals("prome-shard/status/p1", kv.nodeStatus("p1"));
    assertEquals("prome-shard/status/coordinator", kv.coordinatorStatus());
    assertEquals("prome-shard/leader", kv.leader());
  }

  @Test
  void sampleReportsSitBesideQueryReportsAndTheirKeysNameTheirNode() {
    assertEquals("prome-shard/reports/p1/queries", kv.queryReport("p1"));
    assertEquals("prome-shard/reports/p1/samples", kv.sampleReport("p1"));
    assertEquals("p1", kv.sampleReportNode(kv.sampleReport("p1")));
    assertThrows(ProtocolException.class, () -> kv.sampleReport("../p1"));
    for (String other :
        new String[] {
          "prome-shard/reports/p1/queries",
          "prome-shard/reports/samples",
          "prome-shard/reports//samples",
          "prome-shard/reports/a/b/samples",
          "prome-shard/reports/../samples",
          "prome-shard/status/p1",
          "other/reports/p1/samples"
        }) {
      assertNull(kv.sampleReportNode(other), other);
    }
  }

  @Test
  void normalisesThePrefix() {
    assertEquals("a/b/", new KvLayout("/a/b").prefix());
    assertEquals("a/", new KvLayout("a/").prefix());
    assertEquals("", new KvLayout("").prefix());
    assertEquals("config/settings", new KvLayout("").settings());
  }

  @Test
  void rejectsTraversalInPrefixAndNames() {
    assertThrows(ProtocolException.class, () -> new KvLayout("a/../b"));
    assertThrows(ProtocolException.class, () -> kv.nodeDir("../x"));
    assertThrows(ProtocolException.class, () -> kv.job("a/b"));
    assertThrows(ProtocolException.class, () -> kv.part("p1", "targets/../x"));
    assertThrows(ProtocolException.class, () -> kv.record(0));
  }

  @Test
  void parsesTheIndexOfRecordKeysAndNothingElse() {
    assertEquals(OptionalLong.of(7), kv.recordIndex("prome-shard/records/7"));
    assertEquals(
        OptionalLong.of(999_999_999_999_999_999L),
        kv.recordIndex("prome-shard/records/999999999999999999"));
    assertEquals(OptionalLong.of(12), kv.recordIndex(kv.record(12)));
    for (String notARecord :
        new String[] {
          "prome-shard/records/",
          "prome-shard/records/0",
          "prome-shard/records/07",
          "prome-shard/records/-1",
          "prome-shard/records/+1",
          "prome-shard/records/1x",
          "prome-shard/records/1/2",
          "prome-shard/records/1234567890123456789",
          "prome-shard/records-next-index",
          "other/records/1",
          "records/1"
        }) {
      assertEquals(OptionalLong.empty(), kv.recordIndex(notARecord), notARecord);
    }
    assertEquals(OptionalLong.of(3), new KvLayout("").recordIndex("records/3"));
  }

  @Test
  void parsesRecordIndicesWrittenAsText() {
    assertEquals(OptionalLong.of(1), KvLayout.parseRecordIndex("1"));
    assertEquals(OptionalLong.of(42), KvLayout.parseRecordIndex("42"));
    assertEquals(OptionalLong.empty(), KvLayout.parseRecordIndex("0"));
    assertEquals(OptionalLong.empty(), KvLayout.parseRecordIndex(" 1"));
    assertEquals(OptionalLong.empty(), KvLayout.parseRecordIndex(""));
    assertEquals(OptionalLong.empty(), KvLayout.parseRecordIndex(null));
  }

  @Test
  void findsTheNodeOfKeysUnderNodes() {
    assertEquals("p1", kv.nodeOf("prome-shard/nodes/p1/targets/web"));
    assertEquals("p1", kv.nodeOf("prome-shard/nodes/p1/manifest"));
    assertEquals("p1", kv.nodeOf("prome-shard/nodes/p1/"));
    assertEquals("p1", kv.nodeOf(kv.part("p1", "targets/web/2")));
    assertNull(kv.nodeOf("prome-shard/nodes/p1"));
    assertNull(kv.nodeOf("prome-shard/nodes/"));
    assertNull(kv.nodeOf("prome-shard/nodes//manifest"));
    assertNull(kv.nodeOf("prome-shard/nodes/../manifest"));
    assertNull(kv.nodeOf("prome-shard/status/p1"));
    assertNull(kv.nodeOf("nodes/p1/manifest"));
  }

  @Test
  void relativisesKeysOfOneNodeOnly() {
    assertEquals("targets/web", kv.relativeToNode("p1", "prome-shard/nodes/p1/targets/web"));
    assertNull(kv.relativeToNode("p1", "prome-shard/nodes/p10/targets/web"));
  }
}
