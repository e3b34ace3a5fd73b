package io.promeshard.coordinator.source.httpsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An endless body and a body of a million targets, fetched with the default limits in a JVM whose
 * heap is a quarter of the packaged coordinator's ({@code -Xmx128m -XX:+ExitOnOutOfMemoryError}):
 * the refresh fails naming the limit and the JVM lives. A raw socket server, since MockWebServer
 * holds a whole body in memory and cannot stream one without end.
 */
class BoundedAnswerHeapTest {
  private static final String GROUP = "{\"targets\":[\"10.0.0.1:9100\"]},";
  private ServerSocket server;
  private Thread serving;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
      serving.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  /** Serves one chunked 200 answer: {@code "["}, then {@code groups} groups (-1: without end). */
  private String serve(long groups) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    serving =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                while (!in.readLine().isEmpty()) {
                  // request headers
                }
                OutputStream out = s.getOutputStream();
                out.write(
                    String.join(
                            "\r\n",
                            "HTTP/1.1 200 OK",
                            "Content-Type: application/json",
                            "Transfer-Encoding: chunked",
                            "",
                            "")
                        .getBytes(StandardCharsets.US_ASCII));
                chunk(out, "[");
                String block = GROUP.repeat(1000);
                for (long sent = 0; groups < 0 || sent < groups; sent += 1000) {
                  chunk(out, block);
                }
                chunk(out, "{\"targets\":[\"10.0.0.2:9100\"]}]");
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
              } catch (IOException | NullPointerException e) {
                // the client hung up: the point of the endless body
              }
            },
            "endless-body");
    serving.start();
    return "http://127.0.0.1:" + server.getLocalPort() + "/sd";
  }

  private static void chunk(OutputStream out, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Runs {@link HeapProbe} against {@code url} and returns its output. */
  private static String probe(String url) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx128m",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-cp",
                    System.getProperty("java.class.path"),
                    HeapProbe.class.getName(),
                    url))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe still running: " + output);
    assertEquals(0, p.exitValue(), "probe died (3 is out of memory): " + output);
    return output;
  }

  @Test
  void endlessBodyStopsAtMaxBytesWithoutExhaustingTheHeap() throws Exception {
    String output = probe(serve(-1));
    assertTrue(
        output.contains("error: GET ") && output.contains("over max_bytes 33554432"), output);
  }

  @Test
  void millionTargetsStopAtMaxTargetsWithoutExhaustingTheHeap() throws Exception {
    // 31 bytes a group: under the 32 MiB byte limit, so the target count is what stops it
    String output = probe(serve(1_000_000));
    assertTrue(output.contains("over max_targets 200000"), output);
  }
}
