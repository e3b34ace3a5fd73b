package io.promeshard.agent.observe;

import io.promeshard.protocol.HttpClients;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Asks the local Prometheus what it did with the agent's files: {@code GET
 * <prometheus_url>/api/v1/targets} (every state) and {@code GET
 * <prometheus_url>/api/v1/rules?type=record}, each read as a stream ({@link ApiReplies}) with
 * bounded connect, read and call timeouts. Any failure (no answer, an HTTP error, a reply that is
 * not understood) throws an IOException naming the URL; nothing is retried here.
 */
public final class PrometheusApi implements Closeable {
  private final HttpUrl targetsUrl;
  private final HttpUrl rulesUrl;
  private final OkHttpClient http;

  /**
   * {@code prometheusUrl} is http(s), e.g. {@code http://127.0.0.1:9090} (a path prefix is kept);
   * {@code timeout} bounds connecting and each read, and a whole call takes at most four times it.
   */
  public PrometheusApi(String prometheusUrl, Duration timeout) {
    HttpUrl base = prometheusUrl == null ? null : HttpUrl.parse(prometheusUrl);
    if (base == null) {
      throw new IllegalArgumentException(
          "prometheus_url: expected http(s) URL, found " + prometheusUrl);
    }
    Objects.requireNonNull(timeout, "timeout");
    this.targetsUrl = base.newBuilder().addPathSegments("api/v1/targets").build();
    this.rulesUrl =
        base.newBuilder()
            .addPathSegments("api/v1/rules")
            .addQueryParameter("type", "record")
            .build();
    this.http =
        HttpClients.builderFor(base)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .callTimeout(timeout.multipliedBy(4))
            .retryOnConnectionFailure(false)
            .build();
  }

  public String targetsUrl() {
    return targetsUrl.toString();
  }

  /**
   * The targets of {@code files} that {@code wanted} (job, address) keeps: job → address → the
   * start of the last scrape ({@link FirstScrapes#NEVER}, {@link FirstScrapes#DROPPED}).
   */
  Map<String, Map<String, Instant>> targets(OwnFiles files, BiPredicate<String, String> wanted)
      throws IOException {
    try (Response resp = get(targetsUrl);
        InputStream in = body(resp).byteStream()) {
      return ApiReplies.targets(in, files, wanted);
    } catch (IOException e) {
      throw failed(targetsUrl, e);
    }
  }

  /** The rule groups of {@code files}: group → the start of its last evaluation. */
  Map<String, Instant> rules(OwnFiles files) throws IOException {
    try (Response resp = get(rulesUrl);
        InputStream in = body(resp).byteStream()) {
      return ApiReplies.rules(in, files);
    } catch (IOException e) {
      throw failed(rulesUrl, e);
    }
  }

  private Response get(HttpUrl url) throws IOException {
    return http.newCall(new Request.Builder().url(url).build()).execute();
  }

  private static ResponseBody body(Response resp) throws IOException {
    ResponseBody body = resp.body();
    if (!resp.isSuccessful() || body == null) {
      throw new IOException("HTTP " + resp.code());
    }
    return body;
  }

  private static IOException failed(HttpUrl url, IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new IOException("GET " + url + ": " + message, e);
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
