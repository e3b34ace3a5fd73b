package io.promeshard.protocol.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text format from a registry) and {@code /healthz} (200 or 503
 * with a one-line reason) on the configured listen address. Fails at start when the address cannot
 * be bound; never fails a request because of a metric.
 */
public final class OpsServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  private final HttpServer server;

  private OpsServer(HttpServer server) {
    this.server = server;
  }

  /** Binds {@code listen} ("host:port"; port 0 picks a free one) and starts serving. */
  public static OpsServer start(String listen, PrometheusRegistry registry, Supplier<Health> health)
      throws IOException {
    InetSocketAddress address = parse(listen);
    HttpServer server = HttpServer.create(address, 16);
    server.createContext(
        "/metrics",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          new PrometheusTextFormatWriter(false).write(body, registry.scrape());
          respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
        });
    server.createContext(
        "/healthz",
        exchange -> {
          Health h = health.get();
          respond(
              exchange,
              h.healthy() ? 200 : 503,
              "text/plain; charset=utf-8",
              ((h.healthy() ? "ok" : "unhealthy")
                      + (h.message().isEmpty() ? "" : ": " + h.message())
                      + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ops-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    log.info("[ops] serving /metrics and /healthz on {}", server.getAddress());
    return new OpsServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static InetSocketAddress parse(String listen) {
    int colon = listen == null ? -1 : listen.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("listen: expected host:port, found " + listen);
    }
    String host = listen.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("listen: invalid port in " + listen);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("listen: port out of range in " + listen);
    }
    host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", type);
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
