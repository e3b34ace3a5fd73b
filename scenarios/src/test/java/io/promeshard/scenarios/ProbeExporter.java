package io.promeshard.scenarios;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for a blackbox exporter on loopback: answers {@code GET
 * /probe?module=http_2xx&target=X} with {@code probe_success 1} and counts the probes per target;
 * any other path or module gets 404, so a Prometheus scraping it through the wrong URL sees the
 * target down. It probes nothing itself: what is under test is the URL Prometheus builds from the
 * job's scrape settings.
 */
final class ProbeExporter implements Closeable {
  static final String MODULE = "http_2xx";
  private static final byte[] BODY = "probe_success 1\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final Map<String, AtomicLong> probes = new ConcurrentHashMap<>();

  private ProbeExporter() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
  }

  static ProbeExporter start() {
    try {
      ProbeExporter exporter = new ProbeExporter();
      exporter.server.start();
      return exporter;
    } catch (IOException e) {
      throw new UncheckedIOException("starting the probe exporter", e);
    }
  }

  /** host:port, as a scrape config's {@code __address__} replacement. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Probes answered so far, per target. */
  Map<String, Long> probes() {
    Map<String, Long> out = new TreeMap<>();
    probes.forEach((target, n) -> out.put(target, n.get()));
    return out;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String target = query.get("target");
      if (!exchange.getRequestURI().getPath().equals("/probe")
          || !MODULE.equals(query.get("module"))
          || target == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      probes.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BODY);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new TreeMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
