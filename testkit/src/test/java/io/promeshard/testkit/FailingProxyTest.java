package io.promeshard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proxy against a real Consul: forwards, and fails exactly the requests it is armed for. */
class FailingProxyTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private final LocalHttp http = new LocalHttp();

  private static String txnSetting(String key) {
    return "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"" + key + "\",\"Value\":\"dg==\"}}]";
  }

  @Test
  void theNthMatchingTransactionAndTheNextFailUncommittedUntilTheCountIsSpent() throws IOException {
    try (FailingProxy proxy = FailingProxy.start(consul.url())) {
      FailingProxy.Rule rule = proxy.fail(FailingProxy.Match.txn("\"Key\":\"nodes/"), 2, 2);
      String txn = proxy.url() + "/v1/txn";
      assertEquals(200, http.send("PUT", txn, null, txnSetting("nodes/a")).status());
      assertEquals(200, http.send("PUT", txn, null, txnSetting("status/x")).status(), "no match");
      assertEquals(500, http.send("PUT", txn, null, txnSetting("nodes/b")).status());
      assertEquals(500, http.send("PUT", txn, null, txnSetting("nodes/c")).status());
      assertEquals(200, http.send("PUT", txn, null, txnSetting("nodes/d")).status(), "count spent");
      assertEquals(2, rule.failed());
      assertEquals(4, rule.matched());
      assertEquals(200, http.send("GET", consul.url() + "/v1/kv/nodes/a", null, null).status());
      assertEquals(404, http.send("GET", consul.url() + "/v1/kv/nodes/b", null, null).status());
      assertEquals(404, http.send("GET", consul.url() + "/v1/kv/nodes/c", null, null).status());
      assertEquals(200, http.send("GET", proxy.url() + "/v1/kv/nodes/d", null, null).status());

      FailingProxy.Rule again = proxy.fail(FailingProxy.Match.txn("\"Key\":\"nodes/"), 1, 10);
      assertEquals(500, http.send("PUT", txn, null, txnSetting("nodes/e")).status());
      again.heal();
      assertEquals(200, http.send("PUT", txn, null, txnSetting("nodes/e")).status(), "healed");
    }
  }

  @Test
  void aReadFailsOnceThenAnswersAsConsulDoes() throws IOException {
    try (FailingProxy proxy = FailingProxy.start(consul.url())) {
      http.expectOk("PUT", consul.url() + "/v1/kv/r/x", null, "v");
      proxy.fail(FailingProxy.Match.get("/v1/kv/r/"), 1, 1);
      String read = proxy.url() + "/v1/kv/r/?recurse=true";
      assertEquals(500, http.send("GET", read, null, null).status());
      LocalHttp.Reply ok = http.send("GET", read, null, null);
      assertEquals(200, ok.status());
      assertTrue(ok.body().replace(" ", "").contains("\"Key\":\"r/x\""), ok.body());
    }
  }
}
