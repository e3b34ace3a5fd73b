package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ecwid.consul.v1.ConsulClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a real Consul cannot be made to produce, and what exactly goes over the wire, against a
 * fake server.
 */
class ConsulFaultsTest {
  /** What the fake saw of one request. */
  record Seen(String method, String path, String query, String token) {}

  private HttpServer server;
  private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private volatile int status = 200;
  private volatile String body = "[]";
  @TempDir Path dir;

  @BeforeEach
  void startFake() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopFake() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    seen.add(
        new Seen(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            ex.getRequestURI().getRawQuery(),
            ex.getRequestHeaders().getFirst("X-Consul-Token")));
    byte[] b = body.getBytes(UTF_8);
    ex.getResponseHeaders().add("X-Consul-Index", "7");
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private ConsulSettings settings(boolean token) throws IOException {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    return ConsulSettings.of(
        url, token ? Files.writeString(dir.resolve("t"), "secret-token\n") : null, null);
  }

  private Seen nextRequest() throws InterruptedException {
    Seen s = seen.poll(5, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no request reached the fake");
    }
    return s;
  }

  @Test
  void okhttpSendsTheTokenAsAHeaderNeverInTheQuery() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(settings(true))) {
      body = "true";
      new KvClient(http).put("a/b", "v".getBytes(UTF_8));
      Seen put = nextRequest();
      assertEquals(new Seen("PUT", "/v1/kv/a/b", null, "secret-token"), put);
      body = "[]";
      new KvClient(http).list("a/", 5, Duration.ofSeconds(2));
      Seen list = nextRequest();
      assertEquals("secret-token", list.token());
      assertEquals("recurse=true&index=5&wait=2000ms", list.query());
      new TxnWriter(http).write(Fence.NONE, List.of(TxnOp.delete("a/b")));
      assertEquals(new Seen("PUT", "/v1/txn", null, "secret-token"), nextRequest());
    }
  }

  @Test
  void ecwidSendsTheTokenAsAHeaderNeverInTheQuery() throws Exception {
    ConsulClient ecwid = EcwidClients.create(settings(true));
    status = 404;
    body = "";
    assertNull(ecwid.getKVValue("a/b").getValue());
    Seen get = nextRequest();
    assertEquals("/v1/kv/a/b", get.path());
    assertEquals("secret-token", get.token());
    assertTrue(get.query() == null || !get.query().contains("token"), get.query());
  }

  @Test
  void noTokenFileMeansNoTokenHeader() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(settings(false))) {
      body = "true";
      new KvClient(http).put("a", new byte[0]);
      assertNull(nextRequest().token());
    }
  }

  @Test
  void serverErrorNamesTheKeyStatusAndBody() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(settings(false))) {
      status = 500;
      body = "rpc error making call: No cluster leader";
      IOException e =
          assertThrows(
              IOException.class,
              () -> new KvClient(http).list("nodes/n1/", 0, Duration.ofSeconds(1)));
      assertEquals(
          "GET kv nodes/n1/: HTTP 500 rpc error making call: No cluster leader", e.getMessage());
    }
  }

  @Test
  void malformedBodyIsAnErrorNamingTheKey() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(settings(false))) {
      body = "{\"not\": \"a list\"}";
      IOException e =
          assertThrows(
              IOException.class,
              () -> new KvClient(http).list("nodes/n1/", 0, Duration.ofSeconds(1)));
      assertTrue(
          e.getMessage().startsWith("GET kv nodes/n1/: malformed Consul reply"), e.getMessage());
      body = "[{\"Key\":\"nodes/n1/x\",\"Value\":\"%%%\",\"CreateIndex\":1,\"ModifyIndex\":1}]";
      e = assertThrows(IOException.class, () -> new KvClient(http).get("nodes/n1/x"));
      assertTrue(
          e.getMessage().startsWith("GET kv nodes/n1/x: malformed Consul reply"), e.getMessage());
    }
  }

  @Test
  void txnTooLargeSaysSoWithTheBodySize() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(settings(false))) {
      status = 413;
      body = "Request body too large";
      IOException e =
          assertThrows(
              IOException.class,
              () -> new TxnWriter(http).write(Fence.NONE, List.of(TxnOp.set("k", new byte[10]))));
      assertTrue(
          e.getMessage().matches(".*request body of \\d+ bytes too large for Consul \\(HTTP 413.*"),
          e.getMessage());
    }
  }

  @Test
  void txnConflictListsEveryFailedOp() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(settings(false))) {
      status = 409;
      body =
          "{\"Results\":null,\"Errors\":[{\"OpIndex\":0,\"What\":\"lock not held\"},"
              + "{\"OpIndex\":2,\"What\":\"index mismatch\"}]}";
      TxnRejectedException e =
          assertThrows(
              TxnRejectedException.class,
              () ->
                  new TxnWriter(http)
                      .write(
                          new Fence("p/leader", "s1"),
                          List.of(
                              TxnOp.set("p/a", new byte[1]), TxnOp.cas("p/b", new byte[1], 3))));
      assertEquals(
          "txn rejected: op 0 check-session on p/leader: lock not held; op 2 cas on p/b: index mismatch"
              + " (batch 1 of 1; 0 earlier batch(es) committed)",
          e.getMessage());
      assertTrue(e.fencingLost());
    }
  }
}
