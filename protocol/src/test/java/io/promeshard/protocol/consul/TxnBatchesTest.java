package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnBatchesTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final TxnBatches batches = new TxnBatches(mapper);
  private final Fence fence =
      new Fence("prome-shard/leader", "5f8c1a7e-0000-4000-8000-000000000001");

  private static List<TxnOp> sets(int n, int valueBytes) {
    List<TxnOp> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] v = new byte[valueBytes];
      v[0] = (byte) i;
      ops.add(TxnOp.set("prome-shard/nodes/n1/targets/job" + i, v));
    }
    return ops;
  }

  @Test
  void everyFencedBatchStartsWithCheckSessionAndHoldsAtMost64OpsInOrder() throws Exception {
    List<TxnOp> ops = sets(200, 10);
    List<TxnBatches.Batch> plan = batches.plan(fence, ops);
    assertEquals(4, plan.size()); // 63 caller ops per batch: 63+63+63+11
    List<TxnOp> sent = new ArrayList<>();
    for (TxnBatches.Batch b : plan) {
      assertTrue(b.ops().size() <= 64, "ops " + b.ops().size());
      assertEquals(fence.check(), b.ops().get(0));
      assertEquals(b.ops().size(), mapper.readTree(b.body()).size());
      JsonNode first = mapper.readTree(b.body()).get(0).get("KV");
      assertEquals("check-session", first.get("Verb").asText());
      assertEquals(fence.sessionId(), first.get("Session").asText());
      sent.addAll(b.ops().subList(1, b.ops().size()));
    }
    assertEquals(ops, sent);
  }

  @Test
  void bodiesStayWithin512KiBMeasuredOnTheBytesSent() throws Exception {
    List<TxnOp> ops = sets(40, 30_000); // 40 KB base64 per op, ~1.6 MB in total
    List<TxnBatches.Batch> plan = batches.plan(fence, ops);
    assertTrue(plan.size() >= 4, "batches " + plan.size());
    List<TxnOp> sent = new ArrayList<>();
    for (TxnBatches.Batch b : plan) {
      assertTrue(b.body().length <= 512 * 1024, "body " + b.body().length);
      JsonNode arr = mapper.readTree(b.body());
      for (int i = 1; i < arr.size(); i++) {
        byte[] v = Base64.getDecoder().decode(arr.get(i).get("KV").get("Value").asText());
        assertArrayEquals(b.ops().get(i).value(), v);
      }
      sent.addAll(b.ops().subList(1, b.ops().size()));
    }
    assertEquals(ops, sent);
  }

  @Test
  void unfencedBatchesUseAll64Slots() {
    List<TxnBatches.Batch> plan = batches.plan(Fence.NONE, sets(128, 1));
    assertEquals(2, plan.size());
    assertEquals(64, plan.get(0).ops().size());
    assertEquals(TxnOp.Verb.SET, plan.get(0).ops().get(0).verb());
  }

  @Test
  void anOpTooLargeForAnyBatchIsRejectedNamingItsKeyBeforeAnythingIsSent() {
    List<TxnOp> ops = new ArrayList<>(sets(3, 10));
    ops.add(TxnOp.set("prome-shard/nodes/n1/targets/huge", new byte[400 * 1024]));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> batches.plan(fence, ops));
    assertTrue(e.getMessage().contains("set on prome-shard/nodes/n1/targets/huge"), e.getMessage());
    assertTrue(e.getMessage().contains("524288"), e.getMessage());
  }

  @Test
  void opsAreEncodedWithConsulFieldNames() throws Exception {
    JsonNode cas = mapper.readTree(batches.json(TxnOp.cas("k", new byte[] {1, 2}, 0))).get("KV");
    assertEquals("cas", cas.get("Verb").asText());
    assertEquals(0, cas.get("Index").asLong());
    assertEquals("AQI=", cas.get("Value").asText());
    JsonNode del = mapper.readTree(batches.json(TxnOp.deleteCas("k", 9))).get("KV");
    assertEquals("delete-cas", del.get("Verb").asText());
    assertEquals(9, del.get("Index").asLong());
    assertEquals(
        "check-not-exists",
        mapper.readTree(batches.json(TxnOp.checkNotExists("k"))).get("KV").get("Verb").asText());
  }

  @Test
  void opsCheckTheirArguments() {
    assertThrows(IllegalArgumentException.class, () -> TxnOp.set("", new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> TxnOp.set("k", null));
    assertThrows(IllegalArgumentException.class, () -> TxnOp.checkSession("k", " "));
    assertThrows(IllegalArgumentException.class, () -> new Fence("leader", null));
  }
}
