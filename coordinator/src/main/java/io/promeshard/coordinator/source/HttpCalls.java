package io.promeshard.coordinator.source;

import io.promeshard.protocol.Durations;
import io.promeshard.protocol.Version;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Runs the HTTP requests of one source, one at a time, so that closing the source can abort the
 * request in flight. Each call, body included, must finish within the timeout, and a body is read
 * only up to its byte limit, so a server that answers slowly or without end costs at most that time
 * and that many bytes. A non-200 status, a transport failure, the timeout or the byte limit is an
 * IOException naming the URL (and the limit).
 */
public final class HttpCalls {
  static final String USER_AGENT = "prome-shard/" + Version.get();
  private static final int SNIPPET = 200;

  private final OkHttpClient client;
  private final Duration timeout;
  private volatile Call current;
  private volatile boolean cancelled;

  public HttpCalls(OkHttpClient client, Duration timeout) {
    this.client = client.newBuilder().callTimeout(timeout).build();
    this.timeout = timeout;
  }

  /** The body of a 200 response to {@code request}, at most {@code maxBytes} long. */
  public byte[] fetch(Request request, long maxBytes) throws IOException {
    Call call = client.newCall(request.newBuilder().header("User-Agent", USER_AGENT).build());
    current = call;
    if (cancelled) {
      call.cancel();
    }
    String what = request.method() + " " + describe(request.url());
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      if (response.code() != 200) {
        throw new IOException(what + ": HTTP " + response.code() + snippet(body));
      }
      return body == null ? new byte[0] : read(what, body, maxBytes);
    } catch (InterruptedIOException e) {
      if (e instanceof SocketTimeoutException || cancelled) {
        throw new IOException(what + ": " + e, e); // a stalled socket, or closing
      }
      throw new IOException(
          what + ": no complete response within timeout " + Durations.format(timeout), e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new IOException(what + ": " + e, e);
    } finally {
      current = null;
    }
  }

  /** Reads at most {@code maxBytes} plus one: one byte more proves the body is over the limit. */
  private static byte[] read(String what, ResponseBody body, long maxBytes) throws IOException {
    long declared = body.contentLength();
    if (declared > maxBytes) {
      throw new IOException(
          what + ": response over max_bytes " + maxBytes + " (Content-Length " + declared + ")");
    }
    BufferedSource source = body.source();
    if (source.request(maxBytes + 1)) {
      throw new IOException(what + ": response over max_bytes " + maxBytes);
    }
    return source.readByteArray();
  }

  /** The URL for logs and errors: no credentials and no query string (either may hold a secret). */
  public static String describe(HttpUrl url) {
    return url.newBuilder().username("").password("").query(null).build().toString();
  }

  public void cancel() {
    cancelled = true;
    Call call = current;
    if (call != null) {
      call.cancel();
    }
  }

  /** The start of an error body, read no further than needed. */
  private static String snippet(ResponseBody body) throws IOException {
    if (body == null) {
      return "";
    }
    BufferedSource source = body.source();
    source.request(SNIPPET + 1);
    long available = Math.min(source.getBuffer().size(), SNIPPET + 1);
    byte[] bytes = source.getBuffer().readByteArray(available);
    if (bytes.length == 0) {
      return "";
    }
    String text =
        new String(bytes, 0, Math.min(bytes.length, SNIPPET), StandardCharsets.UTF_8).strip();
    return ": " + text.replaceAll("\\s+", " ") + (bytes.length > SNIPPET ? "…" : "");
  }
}
