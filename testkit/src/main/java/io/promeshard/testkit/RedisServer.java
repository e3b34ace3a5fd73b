package io.promeshard.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server on a free loopback port without persistence, ready once it answers PING;
 * optionally with {@code requirepass} (then {@link #url()} carries no password: clients must give
 * it). Failing to start throws AssertionError with the log tail.
 */
public final class RedisServer implements Closeable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path workDir;
  private final Path logFile;
  private final int port;
  private final String password;
  private ManagedProcess process;

  private RedisServer(Path workDir, int port, String password) {
    this.workDir = workDir.toAbsolutePath();
    this.logFile = this.workDir.resolve("redis.log");
    this.port = port;
    this.password = password;
  }

  public static RedisServer start(Path workDir) {
    return start(workDir, null);
  }

  /** Starts with {@code requirepass password} (null: no password). */
  public static RedisServer start(Path workDir, String password) {
    RedisServer server = new RedisServer(workDir, FreePorts.one(), password);
    try {
      Files.createDirectories(server.workDir);
      Files.deleteIfExists(server.logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("preparing redis work dir " + workDir, e);
    }
    server.launch();
    return server;
  }

  private void launch() {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Binaries.redisServer().toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workDir.toString()));
    if (password != null) {
      // from a config file on stdin would hide it from ps; a test password in argv is harmless
      cmd.addAll(List.of("--requirepass", password));
    }
    process = ManagedProcess.start("redis:" + port, cmd, Binaries.redisEnvironment(), logFile);
    ManagedProcess p = process;
    try {
      Await.until(
          START_TIMEOUT,
          "redis at " + url() + " to answer PING (log " + logFile + ")",
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError(
                  "redis-server exited during start (log " + logFile + "):\n" + logTail(40));
            }
            return ping();
          });
    } catch (AssertionError e) {
      p.kill();
      throw new AssertionError(e.getMessage() + "\n" + logTail(40), e);
    }
  }

  /** True when the server answers {@code PING} with {@code +PONG}. */
  public boolean ping() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      if (password != null) {
        out.write(
            ("*2\r\n$4\r\nAUTH\r\n$" + password.getBytes(StandardCharsets.UTF_8).length + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(password.getBytes(StandardCharsets.UTF_8));
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] ok = new byte[5];
        int n = in.readNBytes(ok, 0, ok.length);
        if (!new String(ok, 0, n, StandardCharsets.US_ASCII).startsWith("+OK")) {
          return false;
        }
      }
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, buf.length);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return logFile;
  }

  public String logTail(int lines) {
    return ManagedProcess.tail(logFile, lines);
  }

  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "redis " + url();
  }
}
