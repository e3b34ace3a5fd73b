package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The indexed registry against a real Consul: dedup, index allocation, chunking and concurrent
 * imports.
 */
class RegistryTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final KvLayout LAYOUT = KvLayout.defaults();
  private static final RecordNaming NAMING = RecordNaming.defaults();

  private ConsulHttp http;
  private KvClient kv;
  private Registry registry;

  @BeforeEach
  void setUp() {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
    registry = new Registry(kv, new TxnWriter(http), LAYOUT);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  private static List<RecordRule> rules(String... exprs) {
    return List.of(exprs).stream().map(NAMING::rule).toList();
  }

  private static List<RecordRule> range(String stem, int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> NAMING.rule("sum(rate(" + stem + i + "[5m]))"))
        .toList();
  }

  private String counter() throws IOException {
    return kv.get(Registry.counterKey(LAYOUT)).orElseThrow().valueUtf8();
  }

  private void put(String key, String value) throws IOException {
    kv.put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void newExpressionsGetIndicesFromOneAndTheCounterFollows() throws IOException {
    Registration r = registry.register(rules("a", "b", "c"));
    assertEquals(
        Map.of(1L, NAMING.rule("a"), 2L, NAMING.rule("b"), 3L, NAMING.rule("c")), r.added());
    assertEquals(1, r.transactions());
    assertEquals("4", counter());
    RecordRule stored =
        Json.decode("records/2", kv.get(LAYOUT.record(2)).orElseThrow().value(), RecordRule.class);
    assertEquals(NAMING.rule("b"), stored);
  }

  @Test
  void alreadyRegisteredRecordIsNotAddedAgain() throws IOException {
    registry.register(rules("a", "b"));
    Registration r = registry.register(rules("b", "c", "a", "d"));
    assertEquals(Map.of(3L, NAMING.rule("c"), 4L, NAMING.rule("d")), r.added());
    assertEquals(rules("b", "a"), r.alreadyRegistered());
    Registration again = registry.register(rules("a", "b", "c", "d"));
    assertTrue(again.added().isEmpty());
    assertEquals(0, again.transactions(), "nothing new: nothing written");
    assertEquals(4, registry.read().size());
  }

  @Test
  void indexOfADeletedRecordIsNeverReused() throws IOException {
    registry.register(rules("a", "b", "c"));
    kv.delete(LAYOUT.record(3));
    assertEquals(Map.of(4L, NAMING.rule("d")), registry.register(rules("d")).added());
    kv.deleteTree(LAYOUT.recordsDir());
    assertEquals(
        Map.of(5L, NAMING.rule("a")),
        registry.register(rules("a")).added(),
        "deleted records may come back, at new indices");
    assertEquals("6", counter());
  }

  @Test
  void registryWrittenByTheOriginalSystemWithoutCounterContinuesAfterItsHighestIndex()
      throws IOException {
    put(
        LAYOUT.record(1),
        "{\"record\":\"hke:heavy_expr:0211d8a2fcdefee8e626c86ba3916281\",\"expr\":\"sum(x)\"}");
    put(
        LAYOUT.record(7),
        "{\"record\":\"nyy_record_test_a\",\"expr\":\"sum(kafka_log_log_size) by (topic)\"}");
    Registration r = registry.register(rules("up"));
    assertEquals(Map.of(8L, NAMING.rule("up")), r.added());
    assertEquals("9", counter());
  }

  @Test
  void recordWrittenByHandPastTheCounterIsSkippedNotOverwritten() throws IOException {
    registry.register(rules("a", "b"));
    String handWritten = "{\"record\":\"by_hand\",\"expr\":\"sum(up)\"}";
    put(LAYOUT.record(5), handWritten);
    assertEquals(Map.of(6L, NAMING.rule("c")), registry.register(rules("c")).added());
    assertEquals(handWritten, kv.get(LAYOUT.record(5)).orElseThrow().valueUtf8());
  }

  @Test
  void unreadableRecordKeepsItsIndexAndIsReported() throws IOException {
    registry.register(rules("a"));
    put(LAYOUT.record(2), "not json");
    put(LAYOUT.recordsDir() + "notes", "{}");
    RegistrySnapshot snap = registry.read();
    assertEquals(Set.of(LAYOUT.record(2), LAYOUT.recordsDir() + "notes"), snap.problems().keySet());
    assertEquals(Map.of(3L, NAMING.rule("b")), registry.register(rules("b")).added());
  }

  @Test
  void malformedCounterIsAnErrorNamingTheKey() throws IOException {
    put(Registry.counterKey(LAYOUT), "twelve");
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> registry.register(rules("a")));
    assertTrue(
        e.getMessage()
            .startsWith(Registry.counterKey(LAYOUT) + ": expected the next free record index"),
        e.getMessage());
    assertFalse(kv.get(LAYOUT.record(1)).isPresent());
  }

  @Test
  void moreRulesThanOneTransactionHoldsAreRegisteredInInputOrder() throws IOException {
    List<RecordRule> many = range("m", 0, 150);
    Registration r = registry.register(many);
    assertEquals(3, r.transactions(), "63 + 63 + 24 rules, each batch with the counter op");
    assertEquals(many, List.copyOf(r.added().values()));
    assertEquals(
        LongStream.rangeClosed(1, 150).boxed().toList(),
        List.copyOf(registry.read().rules().keySet()));
    assertEquals("151", counter());
  }

  @Test
  void largeExpressionsAreSplitByTxnBodySize() throws IOException {
    List<RecordRule> big =
        IntStream.range(0, 12)
            .mapToObj(i -> NAMING.rule("sum(up{x=\"" + i + "x".repeat(60_000) + "\"})"))
            .toList();
    Registration r = registry.register(big);
    assertEquals(12, r.added().size());
    // 12 values of about 60 KB are about 960 KB base64-encoded
    assertTrue(
        r.transactions() >= 3, "at most 400 KiB of estimated body per txn: " + r.transactions());
    assertEquals(big, registry.read().inIndexOrder());
  }

  @Test
  void planWritesNothing() throws IOException {
    registry.register(rules("a"));
    Registration plan = registry.plan(rules("a", "b"));
    assertEquals(Map.of(2L, NAMING.rule("b")), plan.added());
    assertEquals(1, registry.read().size());
    assertEquals("2", counter());
  }

  @Test
  void concurrentImportsNeverDuplicateAnExpressionNorReuseAnIndex() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int totalConflicts = 0;
    try {
      for (int round = 0; round < 24; round++) {
        consul.clearKv();
        // odd rounds: small transactions, so the two imports interleave many times
        Registry.Tuning tuning =
            new Registry.Tuning(
                round % 2 == 0 ? 63 : 7,
                400 * 1024,
                1000,
                RetryPolicy.fullJitter(Duration.ofMillis(1), Duration.ofMillis(20)));
        Registry a = new Registry(kv, new TxnWriter(http), LAYOUT, tuning);
        Registry b = new Registry(kv, new TxnWriter(http), LAYOUT, tuning);
        List<RecordRule> inA = range("e", 0, 40);
        List<RecordRule> inB = new ArrayList<>(range("e", 20, 60));
        java.util.Collections.reverse(inB);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Registration> fa =
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return a.register(inA);
                });
        Future<Registration> fb =
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return b.register(inB);
                });
        Registration ra = fa.get(30, TimeUnit.SECONDS);
        Registration rb = fb.get(30, TimeUnit.SECONDS);
        totalConflicts += ra.conflicts() + rb.conflicts();

        RegistrySnapshot snap = registry.read();
        String where = "round " + round + ": ";
        assertEquals(
            LongStream.rangeClosed(1, 60).boxed().toList(),
            List.copyOf(snap.rules().keySet()),
            where + "indices 1..60, no gap, none twice");
        Set<String> exprs = new HashSet<>();
        snap.rules()
            .values()
            .forEach(r -> assertTrue(exprs.add(r.expr()), where + "duplicate " + r.expr()));
        assertEquals(60, exprs.size());
        assertEquals("61", counter());
        Set<Long> indicesA = ra.added().keySet();
        Set<Long> both = new HashSet<>(indicesA);
        both.retainAll(rb.added().keySet());
        assertTrue(both.isEmpty(), where + "both claim indices " + both);
        assertEquals(
            60,
            ra.added().size() + rb.added().size(),
            where + "every expression added by exactly one import");
        assertEquals(40, ra.added().size() + ra.alreadyRegistered().size());
        assertEquals(40, rb.added().size() + rb.alreadyRegistered().size());
        ra.added()
            .forEach((i, r) -> assertEquals(r, snap.rules().get(i), where + "A's index " + i));
        rb.added()
            .forEach((i, r) -> assertEquals(r, snap.rules().get(i), where + "B's index " + i));
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(totalConflicts > 0, "the imports did run into each other at least once");
  }
}
