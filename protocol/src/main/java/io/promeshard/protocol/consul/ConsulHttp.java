package io.promeshard.protocol.consul;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.HttpClients;
import io.promeshard.protocol.Json;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The shared okhttp client for Consul: sends {@code X-Consul-Token} on every request when a token
 * is set and trusts the configured CA for https. Bad settings throw ConsulConfigException at
 * creation.
 */
public final class ConsulHttp implements Closeable {
  public static final String TOKEN_HEADER = "X-Consul-Token";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  /** Added on top of wait + wait/16 so the socket never times out before Consul answers. */
  static final Duration BLOCKING_SLACK = Duration.ofSeconds(15);

  private static final long READ_STEP = 64 * 1024;

  private final ConsulSettings settings;
  private final Optional<String> token;
  private final CaTrust trust;
  private final OkHttpClient client;
  private final HttpUrl base;
  private final ConsulReachability reachability;

  private ConsulHttp(
      ConsulSettings settings,
      Optional<String> token,
      CaTrust trust,
      OkHttpClient client,
      ConsulReachability reachability) {
    this.settings = settings;
    this.reachability = reachability;
    this.token = token;
    this.trust = trust;
    this.client = client;
    this.base = HttpUrl.get(settings.address());
  }

  /** Reads the token and CA files and builds the client. */
  public static ConsulHttp create(ConsulSettings settings) {
    Optional<String> token = settings.readToken();
    CaTrust trust = settings.caFile() == null ? null : CaTrust.fromPem(settings.caFile());
    OkHttpClient.Builder b =
        HttpClients.builderFor(HttpUrl.get(settings.address()))
            .connectTimeout(CONNECT_TIMEOUT)
            .readTimeout(READ_TIMEOUT)
            .writeTimeout(READ_TIMEOUT)
            .retryOnConnectionFailure(true);
    ConsulReachability reachability = new ConsulReachability();
    b.addInterceptor(
        chain -> {
          try {
            okhttp3.Response r = chain.proceed(chain.request());
            reachability.answered();
            return r;
          } catch (IOException e) {
            if (!chain.call().isCanceled()) {
              reachability.failed();
            }
            throw e;
          }
        });
    token.ifPresent(
        t ->
            b.addInterceptor(
                chain ->
                    chain.proceed(chain.request().newBuilder().header(TOKEN_HEADER, t).build())));
    if (trust != null) {
      b.sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager());
    }
    return new ConsulHttp(settings, token, trust, b.build(), reachability);
  }

  /**
   * Read timeout a blocking query with {@code wait} needs: wait + wait/16 (Consul's jitter) +
   * slack.
   */
  public static Duration readTimeoutFor(Duration wait) {
    return wait.plus(wait.dividedBy(16)).plus(BLOCKING_SLACK);
  }

  /** Whether Consul answers this client's calls (shared by every call, blocking ones included). */
  public ConsulReachability reachability() {
    return reachability;
  }

  public ConsulSettings settings() {
    return settings;
  }

  public Optional<String> token() {
    return token;
  }

  /** The client for ordinary requests (30 s read timeout). */
  public OkHttpClient client() {
    return client;
  }

  /**
   * A client sharing connections with {@link #client()} whose read timeout suits a blocking query
   * of {@code wait}.
   */
  public OkHttpClient blockingClient(Duration wait) {
    return client.newBuilder().readTimeout(readTimeoutFor(wait)).build();
  }

  /** {@code <address>/v1/<path>}; {@code path} segments are percent-encoded, slashes kept. */
  public HttpUrl.Builder url(String apiPath) {
    return base.newBuilder().addPathSegment("v1").addPathSegments(apiPath);
  }

  Request.Builder request(HttpUrl url) {
    return new Request.Builder().url(url);
  }

  /**
   * One GET of a Consul endpoint that supports blocking queries: blocks when {@code index > 0}
   * (with a read timeout suited to {@code wait}), registers the call with {@code handle} so a watch
   * can cancel it, and returns the body with {@code X-Consul-Index}. A 404 is an empty body; any
   * other failure is an IOException naming {@code what}, the status and Consul's message.
   */
  public ConsulResponse<byte[]> blockingGet(
      HttpUrl.Builder url, long index, Duration wait, CallHandle handle, String what)
      throws IOException {
    return blockingGet(url, index, wait, handle, what, Long.MAX_VALUE);
  }

  /**
   * As {@link #blockingGet(HttpUrl.Builder, long, Duration, CallHandle, String)}, but a body over
   * {@code maxBodyBytes} is counted to its end without being kept and thrown as a {@link
   * ReplyTooLargeException}, so a reply too large for this process's heap cannot exhaust it.
   */
  public ConsulResponse<byte[]> blockingGet(
      HttpUrl.Builder url,
      long index,
      Duration wait,
      CallHandle handle,
      String what,
      long maxBodyBytes)
      throws IOException {
    OkHttpClient c = client;
    if (index > 0) {
      url.addQueryParameter("index", Long.toString(index))
          .addQueryParameter("wait", wait.toMillis() + "ms");
      c = blockingClient(wait);
    }
    okhttp3.Call call =
        handle.register(c.newCall(new Request.Builder().url(url.build()).get().build()));
    try (okhttp3.Response r = call.execute()) {
      if (r.code() == 404) {
        return new ConsulResponse<>(new byte[0], ConsulErrors.index(what, r));
      }
      if (!r.isSuccessful()) {
        throw ConsulErrors.failure(what, r, this);
      }
      long replyIndex = ConsulErrors.index(what, r);
      return new ConsulResponse<>(boundedBody(what, r.body(), maxBodyBytes), replyIndex);
    }
  }

  private static byte[] boundedBody(String what, ResponseBody body, long max) throws IOException {
    if (max == Long.MAX_VALUE) {
      return body.bytes();
    }
    BufferedSource source = body.source();
    Buffer buffer = new Buffer();
    long total = 0;
    for (long n; (n = source.read(buffer, READ_STEP)) >= 0; ) {
      total += n;
      if (total > max) {
        buffer.clear();
        for (long m; (m = source.read(buffer, READ_STEP)) >= 0; ) {
          total += m;
          buffer.clear();
        }
        throw new ReplyTooLargeException(what, total, max);
      }
    }
    return buffer.readByteArray();
  }

  /**
   * Parses a Consul reply that must be a JSON array; anything else is an IOException naming {@code
   * what}.
   */
  public static JsonNode jsonArray(String what, byte[] body) throws IOException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IOException(what + ": malformed Consul reply: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IOException(what + ": malformed Consul reply: expected a JSON array");
    }
    return root;
  }

  /** The CA trust for https, or null. */
  CaTrust trust() {
    return trust;
  }

  /** Describes the credentials for error messages without revealing the token. */
  String credentials() {
    return token.isPresent() ? "token from " + settings.tokenFile() : "no token configured";
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
