package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The proxy against a real Consul: forwards, and fails exactly the transactions it is armed for.
 */
class FailingProxyTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private final LocalHttp http = new LocalHttp();

  private static String txnSetting(String key) {
    return "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"" + key + "\",\"Value\":\"dg==\"}}]";
  }

  @Test
  void theNthMatchingTransactionAndTheNextFailUncommittedUntilTheCountIsSpent() throws IOException {
    try (FailingProxy proxy = FailingProxy.start(consul.url())) {
      proxy.failTxns("\"Key\":\"nodes/", 2, 2);
      String txn = proxy.url() + "/v1/txn";
      assertEquals(200, http.send("PUT", txn, null, txnSetting("nodes/a")).status());
      assertEquals(200, http.send("PUT", txn, null, txnSetting("status/x")).status(), "no match");
      assertEquals(500, http.send("PUT", txn, null, txnSetting("nodes/b")).status());
      assertEquals(500, http.send("PUT", txn, null, txnSetting("nodes/c")).status());
      assertEquals(200, http.send("PUT", txn, null, txnSetting("nodes/d")).status(), "count spent");
      assertEquals(2, proxy.failed());
      assertEquals(4, proxy.matched());
      assertEquals(200, http.send("GET", consul.url() + "/v1/kv/nodes/a", null, null).status());
      assertEquals(404, http.send("GET", consul.url() + "/v1/kv/nodes/b", null, null).status());
      assertEquals(404, http.send("GET", consul.url() + "/v1/kv/nodes/c", null, null).status());
      assertEquals(200, http.send("GET", proxy.url() + "/v1/kv/nodes/d", null, null).status());

      proxy.failTxns("\"Key\":\"nodes/", 1, 10);
      assertEquals(500, http.send("PUT", txn, null, txnSetting("nodes/e")).status());
      proxy.heal();
      assertEquals(200, http.send("PUT", txn, null, txnSetting("nodes/e")).status(), "healed");
    }
  }
}
