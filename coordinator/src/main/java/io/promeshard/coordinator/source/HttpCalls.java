package io.promeshard.coordinator.source;

import io.promeshard.protocol.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Runs the HTTP requests of one source, one at a time, so that closing the source can abort the
 * request in flight. A non-200 status or a transport failure is an IOException naming the URL.
 */
public final class HttpCalls {
  static final String USER_AGENT = "prome-shard/" + Version.get();
  private static final int SNIPPET = 200;

  private final OkHttpClient client;
  private volatile Call current;
  private volatile boolean cancelled;

  public HttpCalls(OkHttpClient client, Duration timeout) {
    this.client = client.newBuilder().callTimeout(timeout).build();
  }

  /** The body of a 200 response to {@code request}. */
  public byte[] fetch(Request request) throws IOException {
    Call call = client.newCall(request.newBuilder().header("User-Agent", USER_AGENT).build());
    current = call;
    if (cancelled) {
      call.cancel();
    }
    String what = request.method() + " " + describe(request.url());
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      byte[] bytes = body == null ? new byte[0] : body.bytes();
      if (response.code() != 200) {
        throw new IOException(what + ": HTTP " + response.code() + snippet(bytes));
      }
      return bytes;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new IOException(what + ": " + e, e);
    } finally {
      current = null;
    }
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

  private static String snippet(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    String text =
        new String(body, 0, Math.min(body.length, SNIPPET), StandardCharsets.UTF_8).strip();
    return ": " + text.replaceAll("\\s+", " ") + (body.length > SNIPPET ? "…" : "");
  }
}
