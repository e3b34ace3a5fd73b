package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.ConsulExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions and the session lock against a real Consul agent. */
class SessionClientTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final String KEY = "prome-shard/leader";
  private static final Duration TTL = Duration.ofSeconds(30);

  private ConsulHttp http;
  private KvClient kv;
  private SessionClient sessions;

  @BeforeEach
  void setUp() {
    consul.clearKv();
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
    sessions = new SessionClient(http);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  @Test
  void aFreeKeyIsLockedWithItsValueAndReleasedKeepingIt() throws Exception {
    String s = sessions.create("test", TTL, Duration.ZERO);
    assertTrue(sessions.lock(KEY, "epoch 1".getBytes(UTF_8), s, 0));
    KvEntry held = kv.get(KEY).orElseThrow();
    assertEquals(s, held.session());
    assertEquals("epoch 1", held.valueUtf8());

    assertTrue(sessions.release(KEY, "epoch 1".getBytes(UTF_8), s));
    KvEntry released = kv.get(KEY).orElseThrow();
    assertNull(released.session());
    assertEquals("epoch 1", released.valueUtf8());
    sessions.destroy(s);
  }

  @Test
  void aHeldKeyOrOneThatChangedSinceItWasReadIsRefused() throws Exception {
    String a = sessions.create("a", TTL, Duration.ZERO);
    String b = sessions.create("b", TTL, Duration.ZERO);
    assertTrue(sessions.lock(KEY, "a".getBytes(UTF_8), a, 0));
    long index = kv.get(KEY).orElseThrow().modifyIndex();
    assertFalse(sessions.lock(KEY, "b".getBytes(UTF_8), b, index), "held by another session");
    assertFalse(sessions.lock(KEY, "b".getBytes(UTF_8), b, 0), "exists, so check-not-exists fails");

    assertTrue(sessions.release(KEY, "a".getBytes(UTF_8), a));
    long released = kv.get(KEY).orElseThrow().modifyIndex();
    assertFalse(sessions.lock(KEY, "b".getBytes(UTF_8), b, index), "stale index");
    assertTrue(sessions.lock(KEY, "b".getBytes(UTF_8), b, released));
    assertEquals(b, kv.get(KEY).orElseThrow().session());
  }

  @Test
  void aDestroyedSessionNoLongerRenewsAndItsLockIsFreed() throws Exception {
    String s = sessions.create("test", TTL, Duration.ZERO);
    assertTrue(sessions.renew(s));
    assertTrue(sessions.lock(KEY, "x".getBytes(UTF_8), s, 0));
    sessions.destroy(s);
    assertFalse(sessions.renew(s));
    assertNull(kv.get(KEY).orElseThrow().session());
    assertFalse(
        sessions.lock(KEY, "y".getBytes(UTF_8), s, kv.get(KEY).orElseThrow().modifyIndex()),
        "an invalid session cannot lock");
  }
}
