package io.promeshard.protocol;

import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * OkHttp client builders that set up TLS only for the servers that need it. OkHttp's default
 * builder loads the JDK's trust store (every CA certificate of {@code cacerts}, a few hundred
 * classes of the JDK's TLS stack and about a megabyte of heap) as soon as the client is built, even
 * when every request is plain http; for an {@code http://} server this builder allows cleartext
 * only, so nothing of TLS is loaded. Such a client does not follow a redirect to {@code https} (the
 * caller sees the 3xx answer, a failure like any other status) and is only for URLs of that server.
 */
public final class HttpClients {
  private HttpClients() {}

  /** A builder for requests to {@code server}'s scheme: cleartext only when it is http. */
  public static OkHttpClient.Builder builderFor(HttpUrl server) {
    OkHttpClient.Builder b = new OkHttpClient.Builder();
    if (!server.isHttps()) {
      b.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).followSslRedirects(false);
    }
    return b;
  }
}
