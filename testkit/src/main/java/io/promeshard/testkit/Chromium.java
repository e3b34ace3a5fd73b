package io.promeshard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}, installed by {@code scripts/fetch-deps} when
 * run as root) driven over the DevTools protocol: load a page, run JavaScript in it, take a
 * screenshot. Listens on loopback only; one page; every wait bounded. A machine without Chromium
 * fails with a message that says how to install it.
 */
public final class Chromium implements Closeable {
  /** Where Debian installs it; {@code CHROMIUM} overrides. */
  static final String DEFAULT_PATH = "/usr/bin/chromium";

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManagedProcess process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private Chromium(ManagedProcess process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** The Chromium binary, or an AssertionError saying how to get one. */
  public static Path binary() {
    Path p = Path.of(System.getenv().getOrDefault("CHROMIUM", DEFAULT_PATH));
    if (!Files.isExecutable(p)) {
      throw new AssertionError(
          p
              + " not found: the browser tests need Debian's chromium. Run scripts/fetch-deps as"
              + " root (it installs it), or `apt-get install chromium`, or set CHROMIUM to a"
              + " Chromium binary");
    }
    return p;
  }

  /** Starts a headless Chromium with its own profile under {@code dir}, logging to {@code dir}. */
  public static Chromium start(Path dir) {
    Path profile = dir.resolve("profile");
    try {
      Files.createDirectories(profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedProcess p =
        ManagedProcess.start(
            "chromium",
            List.of(
                binary().toString(),
                "--headless=new",
                "--no-sandbox", // runs as root in CI
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--window-size=1400,1000",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank"),
            Map.of(),
            dir.resolve("chromium.log"));
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      Await.until(
          WAIT,
          "Chromium's DevToolsActivePort",
          () -> Files.isRegularFile(portFile) && lines(portFile) >= 2);
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                          .timeout(WAIT)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      String ws = null;
      for (JsonNode t : targets) {
        if (t.path("type").asText().equals("page")) {
          ws = t.get("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (ws == null) {
        throw new AssertionError("Chromium has no page target: " + targets);
      }
      Listener listener = new Listener();
      WebSocket socket =
          http.newWebSocketBuilder()
              .connectTimeout(WAIT)
              .buildAsync(URI.create(ws), listener)
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Chromium c = new Chromium(p, socket);
      listener.owner = c;
      c.call("Page.enable", JSON.createObjectNode());
      return c;
    } catch (IOException | ExecutionException | TimeoutException e) {
      p.close();
      throw new AssertionError("starting Chromium failed: " + e + "\n" + p.logTail(30), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.close();
      throw new AssertionError("interrupted", e);
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  private static int lines(Path p) {
    try {
      return Files.readAllLines(p).size();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Loads {@code url} and waits until the document is complete there. */
  public void open(String url) {
    ObjectNode params = JSON.createObjectNode().put("url", url);
    call("Page.navigate", params);
    awaitLoaded(url);
  }

  /** Waits until the page's URL starts with {@code prefix} and its document is complete. */
  public void awaitLoaded(String prefix) {
    Await.until(
        WAIT,
        "the page " + prefix + " loaded",
        () ->
            eval("location.href").asText().startsWith(prefix)
                && eval("document.readyState").asText().equals("complete"));
  }

  /** The value of a JavaScript expression in the page (returned by value, as JSON). */
  public JsonNode eval(String expression) {
    JsonNode r =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new AssertionError(
          "JavaScript failed: " + expression + ": " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Saves a PNG screenshot of the whole page to {@code file}. */
  public void screenshot(Path file) {
    JsonNode r =
        call(
            "Page.captureScreenshot",
            JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One DevTools command; its result, or an AssertionError naming the error. */
  private JsonNode call(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    try {
      socket.sendText(msg.toString(), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      JsonNode reply = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (reply.has("error")) {
        throw new AssertionError(method + " failed: " + reply.get("error"));
      }
      return reply.path("result");
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(method + " got no answer: " + e + "\n" + process.logTail(20), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      pending.remove(id);
    }
  }

  /** Collects a message's fragments and completes the command it answers. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    volatile Chromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          JsonNode node = JSON.readTree(message);
          Chromium c = owner;
          if (c != null && node.has("id")) {
            CompletableFuture<JsonNode> f = c.pending.get(node.get("id").asInt());
            if (f != null) {
              f.complete(node);
            }
          }
        } catch (IOException e) {
          // an event we cannot read is not an answer to anything we wait for
        }
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() {
    socket.abort();
    process.close();
  }
}
