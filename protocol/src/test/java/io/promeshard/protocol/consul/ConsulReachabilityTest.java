package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import io.promeshard.testkit.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The client's record of whether Consul answers, fed by every call it makes. */
class ConsulReachabilityTest {
  @Test
  void aCallThatCannotConnectThenOneThatIsAnsweredCountsOneRecovery() throws Exception {
    int port = FreePorts.one();
    try (ConsulHttp http = ConsulHttp.create(ConsulSettings.of("http://127.0.0.1:" + port))) {
      assertThrows(IOException.class, () -> leader(http));
      assertThrows(IOException.class, () -> leader(http));
      assertEquals(0, http.reachability().recoveries(), "unreachable so far");

      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.createContext(
          "/",
          exchange -> {
            exchange.sendResponseHeaders(500, -1); // an answer, even an error, means reachable
            exchange.close();
          });
      server.start();
      try {
        assertEquals(500, leader(http));
        assertEquals(500, leader(http));
      } finally {
        server.stop(0);
      }
      assertEquals(1, http.reachability().recoveries(), "one recovery, counted once");
    }
  }

  private static int leader(ConsulHttp http) throws IOException {
    Request request = new Request.Builder().url(http.url("status/leader").build()).get().build();
    try (Response r = http.client().newCall(request).execute()) {
      return r.code();
    }
  }
}
