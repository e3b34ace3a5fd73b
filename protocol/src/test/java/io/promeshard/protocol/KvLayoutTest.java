package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void relativisesKeysOfOneNodeOnly() {
    assertEquals("targets/web", kv.relativeToNode("p1", "prome-shard/nodes/p1/targets/web"));
    assertNull(kv.relativeToNode("p1", "prome-shard/nodes/p10/targets/web"));
  }
}
