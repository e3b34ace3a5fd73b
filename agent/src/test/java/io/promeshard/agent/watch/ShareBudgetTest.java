package io.promeshard.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShareBudgetTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void theBudgetGrowsWithTheHeapAndNeverRefusesSmallShares() {
    ShareBudget b64 = ShareBudget.forHeap(62 * MIB);
    assertEquals(
        (62 - ShareBudget.RESERVE_MIB) * MIB / ShareBudget.HEAP_PER_REPLY_BYTE,
        b64.maxReplyBytes());
    assertTrue(ShareBudget.forHeap(126 * MIB).maxReplyBytes() > 2 * b64.maxReplyBytes());
    assertEquals(ShareBudget.MIN_REPLY_BYTES, ShareBudget.forHeap(8 * MIB).maxReplyBytes());
    assertThrows(IllegalArgumentException.class, () -> new ShareBudget(0, 1));
  }

  @Test
  void theErrorNamesTheSizeTheLimitAndTheSettingToRaise() {
    ShareBudget b = ShareBudget.forHeap(62 * MIB);
    String e = b.tooLarge("prome-shard/nodes/n1/", 40 * MIB);
    assertTrue(e.startsWith("share too large for this agent's heap: Consul's reply for"), e);
    assertTrue(e.contains("prome-shard/nodes/n1/ is 40.0 MiB (41943040 bytes)"), e);
    assertTrue(e.contains("over the 11.5 MiB"), e);
    assertTrue(e.contains("a heap of 62.0 MiB"), e);
    assertTrue(e.contains("JAVA_OPTS=\"-Xmx" + ShareBudget.heapMibFor(40 * MIB) + "m\""), e);
    assertTrue(e.contains("/etc/default/prome-shard-agent"), e);
    // the suggested heap fits the reply, in steps of 32 MiB
    long suggested = ShareBudget.heapMibFor(40 * MIB);
    assertEquals(0, suggested % 32);
    assertTrue(ShareBudget.forHeap(suggested * MIB).maxReplyBytes() >= 40 * MIB);
  }
}
