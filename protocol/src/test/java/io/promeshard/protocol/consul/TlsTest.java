package io.promeshard.protocol.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ecwid.consul.transport.TransportException;
import com.ecwid.consul.v1.ConsulClient;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https with a private CA given as a PEM file, for both the okhttp and the ecwid clients. */
class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir static Path dir;
  private static HttpsServer server;
  private static Path caPem;

  @BeforeAll
  static void startHttpsFake() throws Exception {
    Path keystore = dir.resolve("server.p12");
    caPem = dir.resolve("ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "consul",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "san=ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "consul",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        caPem.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          byte[] b =
              "[{\"Key\":\"k\",\"Value\":\"dg==\",\"CreateIndex\":1,\"ModifyIndex\":2}]"
                  .getBytes(UTF_8);
          ex.getResponseHeaders().add("X-Consul-Index", "2");
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("keytool " + args[0] + " failed: " + out);
    }
  }

  private static String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void okhttpTrustsTheCaFile() throws Exception {
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(url(), null, caPem))) {
      assertEquals("v", new KvClient(http).get("k").orElseThrow().valueUtf8());
    }
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of(url()))) {
      assertThrows(
          SSLException.class, () -> new KvClient(http).list("k", 0, Duration.ofSeconds(1)));
    }
  }

  @Test
  void ecwidTrustsTheCaFile() {
    ConsulClient ecwid = EcwidClients.create(ConsulSettings.of(url(), null, caPem));
    assertEquals("v", ecwid.getKVValue("k").getValue().getDecodedValue());
    ConsulClient untrusting = EcwidClients.create(ConsulSettings.of(url()));
    assertThrows(TransportException.class, () -> untrusting.getKVValue("k"));
  }
}
