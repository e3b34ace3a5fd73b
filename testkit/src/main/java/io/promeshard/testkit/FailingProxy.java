package io.promeshard.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback in front of a real Consul that fails chosen transactions, for the one
 * fault real Consul cannot be made to produce on cue: a {@code PUT /v1/txn} that fails after
 * earlier ones committed. Everything else (blocking queries included) is forwarded unchanged. Armed
 * with {@link #failTxns}, it answers HTTP 500 without forwarding (so nothing of that batch commits)
 * to matching transactions from the n-th on, at most {@code count} of them, until {@link #heal()};
 * a fault is therefore bounded in count. Closing stops the server.
 */
public final class FailingProxy implements Closeable {
  /** Headers the JDK client sets itself (or refuses), and hop-by-hop headers. */
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final AtomicInteger matching = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile Rule rule;

  /** Which transactions fail: those whose body contains {@code bodyContains}, n-th and later. */
  private record Rule(String bodyContains, int nth, int count) {}

  private FailingProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
  }

  /** Starts a proxy to {@code consulUrl} (e.g. {@code http://127.0.0.1:8500}) on a free port. */
  public static FailingProxy start(String consulUrl) {
    try {
      FailingProxy proxy = new FailingProxy(URI.create(consulUrl));
      proxy.server.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("starting a proxy to " + consulUrl, e);
    }
  }

  /** The proxy's base URL, to give a client instead of Consul's. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * From now on, the {@code nth} {@code PUT /v1/txn} whose body contains {@code bodyContains}
   * (counted from this call, 1-based) and the next ones fail with HTTP 500, {@code count} in all at
   * most, until {@link #heal()}.
   */
  public synchronized void failTxns(String bodyContains, int nth, int count) {
    if (nth < 1 || count < 1) {
      throw new IllegalArgumentException("nth and count must be >= 1, found " + nth + ", " + count);
    }
    matching.set(0);
    failed.set(0);
    rule = new Rule(bodyContains, nth, count);
  }

  /** Forwards everything again. */
  public synchronized void heal() {
    rule = null;
  }

  /** Transactions failed since the last {@link #failTxns}. */
  public int failed() {
    return failed.get();
  }

  /** Transactions that matched since the last {@link #failTxns}, failed or forwarded. */
  public int matched() {
    return matching.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (shouldFail(exchange, body)) {
        byte[] reply = "injected failure (FailingProxy)\n".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(500, reply.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply);
        }
        return;
      }
      forward(exchange, body);
    }
  }

  private boolean shouldFail(HttpExchange exchange, byte[] body) {
    if (!exchange.getRequestMethod().equals("PUT")
        || !exchange.getRequestURI().getPath().equals("/v1/txn")) {
      return false;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    synchronized (this) {
      Rule r = rule;
      if (r == null
          || !text.contains(r.bodyContains())
          || matching.incrementAndGet() < r.nth()
          || failed.get() >= r.count()) {
        return false;
      }
      failed.incrementAndGet();
      return true;
    }
  }

  private void forward(HttpExchange exchange, byte[] body) throws IOException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> req.header(name, v));
              }
            });
    HttpResponse<byte[]> r;
    try {
      r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("proxy interrupted forwarding " + exchange.getRequestURI(), e);
    } catch (IOException e) {
      exchange.sendResponseHeaders(502, -1);
      return;
    }
    for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
      if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))
          && !h.getKey().startsWith(":")) {
        exchange.getResponseHeaders().put(h.getKey(), h.getValue());
      }
    }
    byte[] reply = r.body();
    exchange.sendResponseHeaders(r.statusCode(), reply.length == 0 ? -1 : reply.length);
    if (reply.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, "failing-proxy-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
