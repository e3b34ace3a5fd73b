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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback in front of a real Consul that fails chosen requests, for the faults
 * real Consul cannot be made to produce on cue: a {@code PUT /v1/txn} that fails after earlier ones
 * committed, a read that fails once. Everything else (blocking queries included) is forwarded
 * unchanged. Each {@link Rule} answers HTTP 500 without forwarding (so nothing of a failed
 * transaction commits) to the matching requests from the n-th on, {@code count} of them at most,
 * until healed: every fault is bounded in count. A {@link Gate} instead holds one matching request
 * until opened, to make two clients' requests reach Consul in a chosen order. Closing stops the
 * server.
 */
public final class FailingProxy implements Closeable {
  /** Headers the JDK client sets itself (or refuses), and hop-by-hop headers. */
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");

  /** Requests a rule applies to: this method and path, with a body containing the given text. */
  public record Match(String method, String path, String bodyContains) {
    /** Transactions ({@code PUT /v1/txn}) whose body contains {@code text}, e.g. a key prefix. */
    public static Match txn(String text) {
      return new Match("PUT", "/v1/txn", text);
    }

    /** Reads of exactly {@code path}, e.g. {@code /v1/kv/prome-shard/nodes/}. */
    public static Match get(String path) {
      return new Match("GET", path, "");
    }

    boolean test(String requestMethod, String requestPath, String body) {
      return method.equals(requestMethod)
          && path.equals(requestPath)
          && body.contains(bodyContains);
    }
  }

  /** One armed fault and its counts. */
  public static final class Rule {
    private final Match match;
    private final int nth;
    private final int count;
    private int matched;
    private int failed;
    private boolean healed;

    private Rule(Match match, int nth, int count) {
      this.match = match;
      this.nth = nth;
      this.count = count;
    }

    /** Matching requests fail no more: they are forwarded again. */
    public synchronized void heal() {
      healed = true;
    }

    /** Requests failed by this rule. */
    public synchronized int failed() {
      return failed;
    }

    /** Requests that matched this rule, failed or forwarded. */
    public synchronized int matched() {
      return matched;
    }

    private synchronized boolean fails(String method, String path, String body) {
      if (healed || !match.test(method, path, body)) {
        return false;
      }
      matched++;
      if (matched < nth || failed >= count) {
        return false;
      }
      failed++;
      return true;
    }
  }

  /** Holds the n-th matching request, unforwarded, until opened (or for 30 s at most). */
  public static final class Gate {
    private static final Duration LONGEST = Duration.ofSeconds(30);
    private final Match match;
    private final int nth;
    private final CountDownLatch open = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private int matched;

    private Gate(Match match, int nth) {
      this.match = match;
      this.nth = nth;
    }

    /** Lets the held request (and every later one) through. */
    public void open() {
      open.countDown();
    }

    /** Waits until the request is held; false when none came within {@code timeout}. */
    public boolean awaitHeld(Duration timeout) throws InterruptedException {
      return holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pass(String method, String path, String body) {
      synchronized (this) {
        if (!match.test(method, path, body) || ++matched != nth) {
          return;
        }
      }
      holding.countDown();
      try {
        open.await(LONGEST.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Gate> gates = new CopyOnWriteArrayList<>();

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
   * From now on the {@code nth} request matching {@code match} (1-based) and the next ones fail
   * with HTTP 500, {@code count} in all at most, until the returned rule is healed.
   */
  public Rule fail(Match match, int nth, int count) {
    if (nth < 1 || count < 1) {
      throw new IllegalArgumentException("nth and count must be >= 1, found " + nth + ", " + count);
    }
    Rule rule = new Rule(match, nth, count);
    rules.add(rule);
    return rule;
  }

  /** Holds the {@code nth} request matching {@code match} (1-based) until the gate is opened. */
  public Gate hold(Match match, int nth) {
    if (nth < 1) {
      throw new IllegalArgumentException("nth must be >= 1, found " + nth);
    }
    Gate gate = new Gate(match, nth);
    gates.add(gate);
    return gate;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String text = new String(body, StandardCharsets.UTF_8);
      // every rule sees every request, so each counts its own matches
      boolean fail = false;
      for (Rule rule : rules) {
        fail |= rule.fails(method, path, text);
      }
      if (fail) {
        byte[] reply = "injected failure (FailingProxy)\n".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(500, reply.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply);
        }
        return;
      }
      for (Gate gate : gates) {
        gate.pass(method, path, text);
      }
      forward(exchange, body);
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
