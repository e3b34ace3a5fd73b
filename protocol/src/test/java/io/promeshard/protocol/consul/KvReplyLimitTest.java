package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.ConsulExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A recursive KV read with a bound on the reply, and the streaming parse of entries. */
class KvReplyLimitTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private ConsulHttp http;
  private KvClient kv;

  @BeforeEach
  void setUp() {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  @Test
  void aReplyOverTheLimitIsMeasuredToItsEndAndThrownNotHeld() throws Exception {
    byte[] big = new byte[300 * 1024];
    Arrays.fill(big, (byte) 'x');
    kv.put("lim/a", big);
    kv.put("lim/b", big);
    ConsulResponse<List<KvEntry>> all = kv.list("lim/", 0, Duration.ZERO, new CallHandle());
    long size = all.value().stream().mapToLong(KvEntry::size).sum();
    assertEquals(2L * big.length, size);

    ReplyTooLargeException e =
        assertThrows(
            ReplyTooLargeException.class,
            () -> kv.list("lim/", 0, Duration.ZERO, new CallHandle(), 100_000));
    assertEquals(100_000, e.limit());
    // the whole body, base64 and JSON included, not where reading stopped
    assertTrue(e.bytes() > 8L * big.length / 3, "measured " + e.bytes());
    assertTrue(e.getMessage().contains("GET kv lim/"), e.getMessage());

    List<KvEntry> fits = kv.list("lim/", 0, Duration.ZERO, new CallHandle(), 2_000_000).value();
    assertEquals(all.value(), fits);
  }

  @Test
  void entriesAreParsedWithTheirValuesIndexesAndEmptyValues() throws Exception {
    kv.put("p/one", "1".getBytes(UTF_8));
    kv.put("p/empty", new byte[0]);
    List<KvEntry> entries = kv.list("p/", 0, Duration.ZERO).value();
    assertEquals(List.of("p/empty", "p/one"), entries.stream().map(KvEntry::key).toList());
    assertArrayEquals(new byte[0], entries.get(0).value());
    assertArrayEquals("1".getBytes(UTF_8), entries.get(1).value());
    assertTrue(entries.get(1).modifyIndex() > 0 && entries.get(1).createIndex() > 0);
    assertNull(entries.get(1).session());
    assertEquals(List.of(), kv.list("none/", 0, Duration.ZERO).value());
  }
}
