package io.promeshard.protocol.ops;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.promeshard.protocol.lifecycle.TaskThread;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text format from a registry) and {@code /healthz} (200 or 503
 * with a one-line reason) on the configured listen address. Fails at start when the address cannot
 * be bound; never fails a request because of a metric.
 *
 * <p>One answer per connection ({@code Connection: close}), and every connection has {@link
 * #REQUEST_TIMEOUT} to send its request and take the answer: then its socket is closed, whatever it
 * is doing. Up to {@link #WORKERS} connections are served at once and {@link #QUEUED} wait, so a
 * client that sends half a request and stalls holds one worker for at most the timeout while the
 * others keep answering; connections beyond that are closed at once. (The JDK's HttpServer reads a
 * request on its executor with no deadline unless a JVM-wide system property says otherwise, so one
 * stalled client blocked it for good.)
 */
public final class OpsServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

  /** How long one connection may take, from accept to the last byte of the answer. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  static final int WORKERS = 4;
  static final int QUEUED = 16;

  /** The longest request line plus headers read; a longer head is answered 431. */
  static final int MAX_HEAD = 8 * 1024;

  private final ServerSocket socket;
  private final Map<String, Page> routes;
  private final Duration timeout;
  private final ThreadPoolExecutor workers;
  private final TaskThread deadlines;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  /** What one request gets back: status, content type and body. */
  public static final class Reply {
    private final int status;
    private final String type;
    private final byte[] body;

    public Reply(int status, String type, byte[] body) {
      this.status = status;
      this.type = type;
      this.body = body.clone();
    }

    /** A UTF-8 HTML page. */
    public static Reply html(int status, String page) {
      return new Reply(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    public int status() {
      return status;
    }

    public String type() {
      return type;
    }

    byte[] body() {
      return body;
    }
  }

  /** A page served beside {@code /metrics} and {@code /healthz}: a GET with its query. */
  @FunctionalInterface
  public interface Page {
    /** The reply to a GET whose query parameters are {@code query} (first value of each). */
    Reply get(Map<String, String> query);
  }

  private OpsServer(ServerSocket socket, Map<String, Page> routes, Duration timeout) {
    this.socket = socket;
    this.routes = routes;
    this.timeout = timeout;
    this.workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            r -> {
              Thread t = new Thread(r, "ops-http");
              t.setDaemon(true);
              return t;
            });
    this.workers.allowCoreThreadTimeOut(true);
    this.deadlines =
        new TaskThread(
            "ops-http-deadline",
            Duration.ofSeconds(1),
            e -> log.warn("[ops] closing a connection at its deadline failed: {}", e.toString()));
    this.acceptor = new Thread(this::acceptLoop, "ops-http-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds {@code listen} ("host:port"; port 0 picks a free one) and starts serving. */
  public static OpsServer start(String listen, PrometheusRegistry registry, Supplier<Health> health)
      throws IOException {
    return start(listen, registry, health, Map.of(), REQUEST_TIMEOUT);
  }

  /** As {@link #start(String, PrometheusRegistry, Supplier)}, serving {@code pages} too. */
  public static OpsServer start(
      String listen, PrometheusRegistry registry, Supplier<Health> health, Map<String, Page> pages)
      throws IOException {
    return start(listen, registry, health, pages, REQUEST_TIMEOUT);
  }

  static OpsServer start(
      String listen, PrometheusRegistry registry, Supplier<Health> health, Duration timeout)
      throws IOException {
    return start(listen, registry, health, Map.of(), timeout);
  }

  static OpsServer start(
      String listen,
      PrometheusRegistry registry,
      Supplier<Health> health,
      Map<String, Page> pages,
      Duration timeout)
      throws IOException {
    InetSocketAddress address = parse(listen);
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(address, 50);
    } catch (IOException e) {
      socket.close();
      throw new IOException("listen: cannot bind " + listen + ": " + e.getMessage(), e);
    }
    Map<String, Page> routes = new TreeMap<>(pages);
    routes.put("/metrics", q -> metrics(registry));
    routes.put("/healthz", q -> health(health.get()));
    OpsServer server = new OpsServer(socket, Map.copyOf(routes), timeout);
    server.deadlines.start();
    server.acceptor.start();
    log.info(
        "[ops] serving {} on {}",
        String.join(", ", routes.keySet()),
        socket.getLocalSocketAddress());
    return server;
  }

  public int port() {
    return socket.getLocalPort();
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

  private void acceptLoop() {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("[ops] accept failed: {}", e.toString());
        }
        continue;
      }
      TaskThread.Handle deadline = deadlines.schedule(() -> closeQuietly(connection), timeout);
      try {
        workers.execute(() -> serve(connection, deadline));
      } catch (RejectedExecutionException e) {
        log.debug(
            "[ops] {} connections busy; closing one from {}", WORKERS + QUEUED, peer(connection));
        deadline.cancel();
        closeQuietly(connection);
      }
    }
  }

  private void serve(Socket connection, TaskThread.Handle deadline) {
    open.add(connection);
    try {
      Reply answer;
      String method = "GET";
      try {
        RequestHead head =
            RequestHead.read(new BufferedInputStream(connection.getInputStream()), MAX_HEAD);
        method = head.method();
        answer = answer(head);
      } catch (RequestHead.TooLarge e) {
        answer = text(431, "request head too large");
      } catch (RequestHead.Malformed e) {
        answer = text(400, e.getMessage());
      }
      respond(connection.getOutputStream(), method, answer);
    } catch (SocketException e) {
      log.debug("[ops] connection from {} closed: {}", peer(connection), e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      log.debug("[ops] connection from {} failed: {}", peer(connection), e.toString());
    } finally {
      deadline.cancel();
      open.remove(connection);
      closeQuietly(connection);
    }
  }

  private Reply answer(RequestHead head) {
    Page route = routes.get(head.path());
    if (route == null) {
      return text(404, "not found");
    }
    if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
      return text(405, "only GET and HEAD");
    }
    try {
      return route.get(head.query());
    } catch (RuntimeException e) {
      log.warn("[ops] {} failed: {}", head.path(), e.toString());
      return text(500, head.path() + " failed: " + e.getMessage());
    }
  }

  private static Reply metrics(PrometheusRegistry registry) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(body, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return new Reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
  }

  private static Reply health(Health h) {
    return text(
        h.healthy() ? 200 : 503,
        (h.healthy() ? "ok" : "unhealthy") + (h.message().isEmpty() ? "" : ": " + h.message()));
  }

  private static Reply text(int status, String line) {
    return new Reply(
        status, "text/plain; charset=utf-8", (line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(OutputStream out, String method, Reply a) throws IOException {
    String head =
        "HTTP/1.1 "
            + a.status()
            + " "
            + reason(a.status())
            + "\r\nContent-Type: "
            + a.type()
            + "\r\nContent-Length: "
            + a.body().length
            + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    if (!method.equals("HEAD")) {
      out.write(a.body());
    }
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  private static String peer(Socket s) {
    return String.valueOf(s.getRemoteSocketAddress());
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      log.debug("[ops] closing {}: {}", peer(s), e.toString());
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      log.debug("[ops] closing listener: {}", e.toString());
    }
    workers.shutdownNow();
    deadlines.close();
    open.forEach(OpsServer::closeQuietly);
  }

  /** The request line of an HTTP/1.x request, read up to the blank line that ends its head. */
  record RequestHead(String method, String path, Map<String, String> query) {
    /** The head did not fit in the limit. */
    static final class TooLarge extends IOException {
      private static final long serialVersionUID = 1L;

      TooLarge() {
        super("request head too large");
      }
    }

    /** Not an HTTP/1.x request line, or the connection ended inside the head. */
    static final class Malformed extends IOException {
      private static final long serialVersionUID = 1L;

      Malformed(String message) {
        super(message);
      }
    }

    static RequestHead read(InputStream in, int limit) throws IOException {
      byte[] buf = new byte[limit];
      int n = 0;
      while (!ended(buf, n)) {
        if (n == limit) {
          throw new TooLarge();
        }
        int b = in.read();
        if (b < 0) {
          throw new Malformed("connection ended inside the request head");
        }
        buf[n++] = (byte) b;
      }
      String all = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      String line = all.substring(0, all.indexOf('\n')).strip();
      int sp1 = line.indexOf(' ');
      int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
      if (sp1 <= 0 || sp2 <= sp1 + 1 || !line.startsWith("HTTP/1.", sp2 + 1)) {
        throw new Malformed("not an HTTP/1.x request line");
      }
      String target = line.substring(sp1 + 1, sp2);
      int query = target.indexOf('?');
      return new RequestHead(
          line.substring(0, sp1),
          query < 0 ? target : target.substring(0, query),
          query < 0 ? Map.of() : parameters(target.substring(query + 1)));
    }

    /**
     * {@code a=1&b=x%20y} as a map, percent- and plus-decoded, the first value of each name; a
     * malformed escape is Malformed.
     */
    static Map<String, String> parameters(String query) throws Malformed {
      Map<String, String> out = new TreeMap<>();
      for (String pair : query.split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        try {
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
          out.putIfAbsent(name, value);
        } catch (IllegalArgumentException e) {
          throw new Malformed("bad query parameter " + pair + ": " + e.getMessage());
        }
      }
      return Collections.unmodifiableMap(out);
    }

    /** True once the head's blank line ("\r\n\r\n" or a bare "\n\n") has been read. */
    private static boolean ended(byte[] b, int n) {
      return (n >= 2 && b[n - 1] == '\n' && b[n - 2] == '\n')
          || (n >= 4 && b[n - 1] == '\n' && b[n - 2] == '\r' && b[n - 3] == '\n');
    }
  }
}
