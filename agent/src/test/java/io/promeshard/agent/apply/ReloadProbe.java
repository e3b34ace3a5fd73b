package io.promeshard.agent.apply;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.promeshard.testkit.PrometheusServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A reload endpoint in front of a real Prometheus that notes, at each {@code POST /-/reload}, which
 * of two files existed ("yml+json", "yml", "json" or "none"), then passes the reload (and {@code
 * GET /metrics}) on: it shows the order the applier writes and removes files in.
 */
final class ReloadProbe implements Closeable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final HttpServer server;
  private final PrometheusServer prom;
  private final Path yml;
  private final Path json;
  private final List<String> seen = new ArrayList<>();

  private ReloadProbe(PrometheusServer prom, Path yml, Path json) throws IOException {
    this.prom = prom;
    this.yml = yml;
    this.json = json;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext("/-/reload", e -> pass(e, "POST", "/-/reload", true));
    server.createContext("/metrics", e -> pass(e, "GET", "/metrics", false));
  }

  static ReloadProbe start(PrometheusServer prom, Path yml, Path json) throws IOException {
    ReloadProbe p = new ReloadProbe(prom, yml, json);
    p.server.start();
    return p;
  }

  Reloader reloader() {
    return new Reloader(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/-/reload",
        Duration.ofSeconds(2),
        Duration.ofSeconds(30));
  }

  synchronized List<String> seen() {
    return List.copyOf(seen);
  }

  private void pass(HttpExchange e, String method, String path, boolean note) throws IOException {
    if (note) {
      boolean y = Files.exists(yml);
      boolean j = Files.exists(json);
      synchronized (this) {
        seen.add(y && j ? "yml+json" : y ? "yml" : j ? "json" : "none");
      }
    }
    try {
      HttpResponse<byte[]> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(prom.url() + path))
                  .timeout(Duration.ofSeconds(30))
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      e.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(r.body());
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      e.sendResponseHeaders(503, -1);
    } finally {
      e.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
