package io.promeshard.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many real scrape targets in this JVM: {@code count} loopback ports, each answering {@code GET
 * /metrics} with a one-line exposition ({@code synthetic_up 1}) and anything else with 404, so a
 * real Prometheus scrapes them {@code up == 1}. A port can be made to serve a given number of
 * series instead ({@link #setSeries}, {@link #withSeries}): {@code synthetic_series{i="0"} 1} to
 * {@code synthetic_series{i="<n-1>"} 1}, changeable at any time, so targets of very different sizes
 * fill a real Prometheus as real exporters would. One thread serves every port (non-blocking
 * sockets), whatever the count, and each connection is closed after its answer. Closing stops the
 * thread and frees the ports; a port that cannot be bound throws UncheckedIOException.
 */
public final class ScrapeTargets implements Closeable {
  private static final int MAX_REQUEST_BYTES = 8192;

  /** The most series one port serves (about 3 MB of exposition). */
  public static final int MAX_SERIES = 100_000;

  private static final String EXPOSITION = "synthetic_up 1\n";
  private static final byte[] METRICS = ok(EXPOSITION);
  private static final byte[] NOT_FOUND =
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  /** A connection being read, then answered. */
  private static final class Exchange {
    final int port;
    final ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST_BYTES);
    ByteBuffer out;

    Exchange(int port) {
      this.port = port;
    }
  }

  private final Selector selector;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final List<String> addresses = new ArrayList<>();
  private final Map<Integer, AtomicLong> scrapes = new ConcurrentHashMap<>();
  private final Map<Integer, byte[]> answers = new ConcurrentHashMap<>();
  private final Thread loop;
  private volatile boolean closed;

  private ScrapeTargets(int count) throws IOException {
    selector = Selector.open();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocketChannel channel = ServerSocketChannel.open();
        listeners.add(channel);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        channel.configureBlocking(false);
        int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        channel.register(selector, SelectionKey.OP_ACCEPT, port);
        addresses.add("127.0.0.1:" + port);
        scrapes.put(port, new AtomicLong());
        answers.put(port, METRICS);
      }
    } catch (IOException e) {
      closeChannels();
      selector.close();
      throw e;
    }
    loop = new Thread(this::serve, "scrape-targets");
    loop.setDaemon(true);
  }

  /** Opens {@code count} free loopback ports and starts serving them. */
  public static ScrapeTargets start(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, found " + count);
    }
    try {
      ScrapeTargets targets = new ScrapeTargets(count);
      targets.loop.start();
      return targets;
    } catch (IOException e) {
      throw new UncheckedIOException("opening " + count + " loopback scrape targets", e);
    }
  }

  /**
   * Opens one port per entry of {@code series}, the i-th serving {@code series[i]} series (see
   * {@link #setSeries}).
   */
  public static ScrapeTargets withSeries(int... series) {
    ScrapeTargets targets = start(series.length);
    for (int i = 0; i < series.length; i++) {
      targets.setSeries(targets.addresses.get(i), series[i]);
    }
    return targets;
  }

  /**
   * From the next scrape on, {@code address} (one of {@link #addresses()}) serves {@code n} series
   * {@code synthetic_series{i="0"} 1} … {@code synthetic_series{i="<n-1>"} 1} and nothing else: a
   * scrape yields exactly {@code n} samples. 0 to {@link #MAX_SERIES}.
   */
  public void setSeries(String address, int n) {
    if (n < 0 || n > MAX_SERIES) {
      throw new IllegalArgumentException("series: expected 0.." + MAX_SERIES + ", found " + n);
    }
    int port = port(address);
    if (!answers.containsKey(port)) {
      throw new IllegalArgumentException("not one of these targets: " + address);
    }
    StringBuilder body = new StringBuilder(n * 28);
    for (int i = 0; i < n; i++) {
      body.append("synthetic_series{i=\"").append(i).append("\"} 1\n");
    }
    answers.put(port, ok(body.toString()));
  }

  /** Every target's address, {@code 127.0.0.1:<port>}, in the order opened. */
  public List<String> addresses() {
    return List.copyOf(addresses);
  }

  /** The {@code GET /metrics} requests {@code address} (one of {@link #addresses()}) answered. */
  public long scrapes(String address) {
    AtomicLong n = scrapes.get(port(address));
    if (n == null) {
      throw new IllegalArgumentException("not one of these targets: " + address);
    }
    return n.get();
  }

  /** A 200 answer with an ASCII exposition. */
  private static byte[] ok(String exposition) {
    return ("HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            + "Content-Length: "
            + exposition.length()
            + "\r\n"
            + "Connection: close\r\n\r\n"
            + exposition)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static int port(String address) {
    try {
      return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a host:port address: " + address, e);
    }
  }

  private void serve() {
    try {
      while (!closed) {
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          try {
            if (key.isAcceptable()) {
              accept(key);
            } else if (key.isReadable()) {
              read(key);
            } else if (key.isWritable()) {
              write(key);
            }
          } catch (IOException e) {
            // one broken connection (the scraper gave up) must not stop the others
            closeConnection(key);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("serving scrape targets " + addresses, e);
    } finally {
      // this thread owns the selector: it closes every connection and listener it served
      selector.keys().forEach(ScrapeTargets::closeConnection);
      closeChannels();
      try {
        selector.close();
      } catch (IOException ignored) {
        // nothing else to free
      }
    }
  }

  private void accept(SelectionKey key) throws IOException {
    SocketChannel connection = ((ServerSocketChannel) key.channel()).accept();
    if (connection == null) {
      return;
    }
    connection.configureBlocking(false);
    connection.register(selector, SelectionKey.OP_READ, new Exchange((Integer) key.attachment()));
  }

  private void read(SelectionKey key) throws IOException {
    Exchange exchange = (Exchange) key.attachment();
    int n = ((SocketChannel) key.channel()).read(exchange.in);
    String request =
        new String(exchange.in.array(), 0, exchange.in.position(), StandardCharsets.ISO_8859_1);
    if (!request.contains("\r\n\r\n")) {
      if (n < 0 || !exchange.in.hasRemaining()) {
        closeConnection(key); // closed early, or headers larger than any scraper sends
      }
      return;
    }
    boolean metrics = request.startsWith("GET /metrics ") || request.startsWith("GET /metrics?");
    if (metrics) {
      scrapes.get(exchange.port).incrementAndGet();
    }
    exchange.out = ByteBuffer.wrap(metrics ? answers.get(exchange.port) : NOT_FOUND);
    key.interestOps(SelectionKey.OP_WRITE);
    write(key);
  }

  private void write(SelectionKey key) throws IOException {
    Exchange exchange = (Exchange) key.attachment();
    ((SocketChannel) key.channel()).write(exchange.out);
    if (!exchange.out.hasRemaining()) {
      closeConnection(key);
    }
  }

  private static void closeConnection(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException ignored) {
      // the peer is gone either way
    }
  }

  private void closeChannels() {
    for (ServerSocketChannel channel : listeners) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing else to free
      }
    }
  }

  /** Stops serving and frees every port (waits up to 2 s for the serving thread). */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "scrape targets " + addresses.size() + " x 127.0.0.1";
  }
}
