package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.ecwid.consul.v1.session.model.NewSession;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FailingProxy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Fenced, batched transaction writes against a real Consul agent. */
class TxnWriterTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final String LEADER = "prome-shard/leader";

  private ConsulHttp http;
  private KvClient kv;
  private TxnWriter writer;
  private ConsulClient ecwid;

  @BeforeEach
  void setUp() {
    consul.clearKv();
    ConsulSettings settings = ConsulSettings.of(consul.url());
    http = ConsulHttp.create(settings);
    kv = new KvClient(http);
    writer = new TxnWriter(http);
    ecwid = EcwidClients.create(settings);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  private String newSession() {
    NewSession s = new NewSession();
    s.setName("txn-writer-test");
    return ecwid.sessionCreate(s, QueryParams.DEFAULT).getValue();
  }

  private Fence acquireLeader() {
    String session = newSession();
    PutParams p = new PutParams();
    p.setAcquireSession(session);
    assertTrue(ecwid.setKVValue(LEADER, "test", p).getValue(), "leader lock acquired");
    return new Fence(LEADER, session);
  }

  private static Map<String, byte[]> values(String prefix, int n, int size, long seed) {
    Random r = new Random(seed);
    Map<String, byte[]> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] v = new byte[size];
      r.nextBytes(v);
      out.put(prefix + String.format("k%03d", i), v);
    }
    return out;
  }

  private static List<TxnOp> sets(Map<String, byte[]> values) {
    List<TxnOp> ops = new ArrayList<>();
    values.keySet().stream().sorted().forEach(k -> ops.add(TxnOp.set(k, values.get(k))));
    return ops;
  }

  private void assertStored(String prefix, Map<String, byte[]> expected) throws Exception {
    List<KvEntry> stored = kv.list(prefix, 0, WatchOptions.DEFAULT_WAIT).value();
    assertEquals(expected.size(), stored.size());
    for (KvEntry e : stored) {
      assertArrayEquals(expected.get(e.key()), e.value(), e.key());
    }
  }

  @Test
  void twoHundredKeysAreWrittenInSeveralFencedBatches() throws Exception {
    Fence fence = acquireLeader();
    Map<String, byte[]> values = values("prome-shard/nodes/n1/targets/", 200, 3000, 1);
    TxnResult result = writer.write(fence, sets(values));
    System.out.println("[TxnWriterTest] 200 x 3000 B: " + result);
    assertEquals(4, result.batches()); // 63 caller ops + check-session per batch
    assertEquals(200, result.ops());
    assertTrue(result.bodyBytes() > 512 * 1024, "body bytes " + result.bodyBytes());
    assertStored("prome-shard/nodes/n1/targets/", values);
  }

  @Test
  void moreThan512KiBIsSplitIntoBatchesNearTheBodyLimit() throws Exception {
    Fence fence = acquireLeader();
    Map<String, byte[]> values = values("prome-shard/nodes/n2/targets/", 200, 8192, 2);
    TxnResult result = writer.write(fence, sets(values));
    System.out.println("[TxnWriterTest] 200 x 8 KiB: " + result);
    assertTrue(result.batches() >= 4, "batches " + result.batches());
    assertTrue(
        result.bodyBytes() / result.batches() > 400 * 1024,
        "average body " + result.bodyBytes() / result.batches());
    assertStored("prome-shard/nodes/n2/targets/", values);
  }

  @Test
  void aBatchUnderASessionThatDoesNotHoldTheLeaderKeyFailsAndWritesNothing() throws Exception {
    acquireLeader();
    Fence deposed = new Fence(LEADER, newSession());
    Map<String, byte[]> values = values("prome-shard/nodes/n3/targets/", 100, 100, 3);
    TxnRejectedException e =
        assertThrows(TxnRejectedException.class, () -> writer.write(deposed, sets(values)));
    System.out.println("[TxnWriterTest] " + e.getMessage());
    assertTrue(e.fencingLost());
    assertEquals(1, e.batch());
    assertEquals(0, e.errors().get(0).opIndex());
    assertTrue(
        e.getMessage().startsWith("txn rejected: op 0 check-session on " + LEADER + ": "),
        e.getMessage());
    assertEquals(List.of(), kv.list("prome-shard/nodes/n3/", 0, WatchOptions.DEFAULT_WAIT).value());
  }

  @Test
  void aFailedCheckInsideABatchRollsBackTheWholeBatch() throws Exception {
    kv.put("records/1", "old".getBytes(UTF_8));
    List<TxnOp> ops =
        List.of(
            TxnOp.set("records/2", "two".getBytes(UTF_8)),
            TxnOp.checkNotExists("records/1"),
            TxnOp.set("records/3", "three".getBytes(UTF_8)));
    TxnRejectedException e =
        assertThrows(TxnRejectedException.class, () -> writer.write(Fence.NONE, ops));
    assertEquals(false, e.fencingLost());
    assertEquals(1, e.errors().get(0).opIndex());
    assertEquals("check-not-exists", e.errors().get(0).verb());
    assertTrue(kv.get("records/2").isEmpty());
    assertTrue(kv.get("records/3").isEmpty());
  }

  @Test
  void manyRejectedOpsAreAllReportedEvenWhenConsulsReplyIsLong() throws Exception {
    List<TxnOp> ops = new java.util.ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      kv.put("records/" + i, "old".getBytes(UTF_8));
      ops.add(TxnOp.cas("records/" + i, "new".getBytes(UTF_8), 0)); // create-only: every op fails
    }
    TxnRejectedException e =
        assertThrows(TxnRejectedException.class, () -> writer.write(Fence.NONE, ops));
    assertEquals(40, e.errors().size());
    assertTrue(e.getMessage().contains("and 37 more"), e.getMessage());
    assertArrayEquals("old".getBytes(UTF_8), kv.get("records/40").orElseThrow().value());
  }

  @Test
  void aBatchFailingAfterEarlierOnesCommittedStopsTheWriteAndNamesItsFirstKey() throws Exception {
    Fence fence = acquireLeader();
    Map<String, byte[]> values = values("prome-shard/nodes/n1/targets/", 100, 10, 3);
    List<TxnOp> ops = sets(values);
    try (FailingProxy proxy = FailingProxy.start(consul.url());
        ConsulHttp viaProxy = ConsulHttp.create(ConsulSettings.of(proxy.url()))) {
      proxy.fail(FailingProxy.Match.txn("prome-shard/nodes/"), 2, 1);
      IOException e =
          assertThrows(IOException.class, () -> new TxnWriter(viaProxy).write(fence, ops));
      assertTrue(
          e.getMessage().startsWith("PUT txn batch 2 of 2 (38 ops, first " + ops.get(63).key()),
          e.getMessage());
    }
    Map<String, byte[]> committed = new HashMap<>();
    ops.subList(0, 63).forEach(op -> committed.put(op.key(), op.value()));
    assertStored("prome-shard/nodes/n1/targets/", committed);
  }

  @Test
  void unfencedWritesAndDeletesApplyInOrder() throws Exception {
    TxnResult r =
        writer.write(
            Fence.NONE,
            List.of(
                TxnOp.set("records/1", "a".getBytes(UTF_8)),
                TxnOp.set("records/2", "b".getBytes(UTF_8)),
                TxnOp.delete("records/1"),
                TxnOp.cas("records/3", "c".getBytes(UTF_8), 0)));
    assertEquals(new TxnResult(1, 4, r.bodyBytes()), r);
    assertTrue(kv.get("records/1").isEmpty());
    assertEquals("b", kv.get("records/2").orElseThrow().valueUtf8());
    assertEquals("c", kv.get("records/3").orElseThrow().valueUtf8());
    assertEquals(TxnResult.EMPTY, writer.write(Fence.NONE, List.of()));
  }
}
