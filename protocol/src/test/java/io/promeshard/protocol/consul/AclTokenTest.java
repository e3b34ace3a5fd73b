package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.OperationException;
import com.ecwid.consul.v1.agent.model.NewService;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Consul with ACLs on (default deny): requests work with the token file and are refused without
 * it.
 */
class AclTokenTest {
  private static final String MASTER = "7d3c6a52-ffd4-4b83-b1a4-2d6c0b2e3f01";

  @RegisterExtension
  static final ConsulExtension consul =
      new ConsulExtension(
          "acl { enabled = true, default_policy = \"deny\", tokens { master = \""
              + MASTER
              + "\" } }",
          MASTER);

  @TempDir Path dir;

  @BeforeEach
  void clean() {
    consul.clearKv();
  }

  private ConsulSettings withToken() throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("consul.token"), MASTER + "\n");
    return ConsulSettings.of(consul.url(), tokenFile, null);
  }

  private ConsulSettings withoutToken() {
    return ConsulSettings.of(consul.url());
  }

  @Test
  void okhttpClientsSendTheTokenFromTheFile() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(withToken())) {
      KvClient kv = new KvClient(http);
      kv.put("acl/a", "1".getBytes(UTF_8));
      assertEquals("1", kv.get("acl/a").orElseThrow().valueUtf8());
      assertEquals(1, kv.list("acl/", 0, Duration.ofSeconds(5)).value().size());
      TxnResult r =
          new TxnWriter(http).write(Fence.NONE, List.of(TxnOp.set("acl/b", "2".getBytes(UTF_8))));
      assertEquals(1, r.batches());
      assertEquals("2", kv.get("acl/b").orElseThrow().valueUtf8());
    }
  }

  @Test
  void okhttpWithoutTokenFailsWith403AndSaysTheTokenLacksPermission() throws Exception {
    try (ConsulHttp admin = ConsulHttp.create(withToken())) {
      new KvClient(admin).put("acl/secret", "s".getBytes(UTF_8));
    }
    try (ConsulHttp http = ConsulHttp.create(withoutToken())) {
      KvClient kv = new KvClient(http);
      IOException e =
          assertThrows(IOException.class, () -> kv.put("acl/secret", "1".getBytes(UTF_8)));
      System.out.println("[AclTokenTest] " + e.getMessage());
      assertTrue(e.getMessage().startsWith("PUT kv acl/secret: HTTP 403"), e.getMessage());
      assertTrue(
          e.getMessage()
              .contains("the Consul token lacks permission for this request (no token configured)"),
          e.getMessage());
      IOException get = assertThrows(IOException.class, () -> kv.get("acl/secret"));
      assertTrue(get.getMessage().startsWith("GET kv acl/secret: HTTP 403"), get.getMessage());
      // Consul 1.8 filters a recursive list by the token's ACL instead of refusing it
      assertEquals(List.of(), kv.list("acl/", 0, Duration.ofSeconds(5)).value());
      IOException txn =
          assertThrows(
              IOException.class,
              () ->
                  new TxnWriter(http).write(Fence.NONE, List.of(TxnOp.set("acl/c", new byte[1]))));
      System.out.println("[AclTokenTest] " + txn.getMessage());
      assertTrue(
          txn.getMessage().toLowerCase(Locale.ROOT).contains("permission denied"),
          txn.getMessage());
    }
  }

  @Test
  void blockingWatchWorksWithTheToken() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(withToken())) {
      KvClient kv = new KvClient(http);
      BlockingQueue<List<KvEntry>> changes = new LinkedBlockingQueue<>();
      try (BlockingWatch<List<KvEntry>> w =
          KvWatch.of(kv, "aclwatch/", (v, i) -> changes.add(v), WatchOptions.defaults())) {
        w.start();
        assertEquals(List.of(), changes.poll(5, TimeUnit.SECONDS));
        kv.put("aclwatch/x", "1".getBytes(UTF_8));
        List<KvEntry> next = changes.poll(5, TimeUnit.SECONDS);
        assertEquals("aclwatch/x", next.get(0).key());
      }
    }
  }

  @Test
  void ecwidClientSendsTheTokenAndFailsWithoutIt() throws Exception {
    ConsulClient authorised = EcwidClients.create(withToken());
    assertTrue(authorised.setKVValue("acl/ecwid", "v").getValue());
    assertEquals("v", authorised.getKVValue("acl/ecwid").getValue().getDecodedValue());
    assertTrue(authorised.getAgentSelf().getValue() != null);

    ConsulClient anonymous = EcwidClients.create(withoutToken());
    OperationException e =
        assertThrows(OperationException.class, () -> anonymous.setKVValue("acl/ecwid", "w"));
    assertEquals(403, e.getStatusCode());
  }

  @Test
  void sessionsAndAgentServicesWithTheTokenWorkAndWithoutItFailWithTheSameMapping()
      throws Exception {
    NewService svc = new NewService();
    svc.setId("acl-node");
    svc.setName("prome-shard-node");
    svc.setPort(9090);
    try (ConsulHttp http = ConsulHttp.create(withToken())) {
      SessionClient sessions = new SessionClient(http);
      String id = sessions.create("acl-test", Duration.ofSeconds(30), Duration.ZERO);
      assertTrue(sessions.renew(id));
      sessions.destroy(id);
      AgentServices agent = new AgentServices(http);
      agent.register(svc);
      assertTrue(agent.services().containsKey("acl-node"));
      agent.deregister("acl-node");
    }
    try (ConsulHttp http = ConsulHttp.create(withoutToken())) {
      String denied = "the Consul token lacks permission for this request (no token configured)";
      IOException session =
          assertThrows(
              IOException.class,
              () ->
                  new SessionClient(http)
                      .create("acl-test", Duration.ofSeconds(30), Duration.ZERO));
      assertTrue(
          session.getMessage().startsWith("PUT session/create: HTTP 403")
              && session.getMessage().contains(denied),
          session.getMessage());
      IOException register =
          assertThrows(IOException.class, () -> new AgentServices(http).register(svc));
      System.out.println("[AclTokenTest] " + register.getMessage());
      assertTrue(
          register.getMessage().startsWith("PUT agent/service/register acl-node: HTTP 403")
              && register.getMessage().contains(denied),
          register.getMessage());
    }
  }
}
