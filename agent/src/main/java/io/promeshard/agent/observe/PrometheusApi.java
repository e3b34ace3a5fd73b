package io.promeshard.agent.observe;

import io.promeshard.protocol.HttpClients;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * bounded connect, read and call timeouts; and how many samples each target of its files yields
 * ({@link #targetSamples}). Any failure (no answer, an HTTP error, a reply that is not understood)
 * throws an IOException naming the URL; nothing is retried here.
 */
public final class PrometheusApi implements Closeable {
  /** Samples per scrape after metric_relabel_configs; one series per target, its labels. */
  static final String SAMPLES_METRIC = "scrape_samples_post_metric_relabeling";

  private final HttpUrl targetsUrl;
  private final HttpUrl rulesUrl;
  private final HttpUrl activeTargetsUrl;
  private final HttpUrl samplesUrl;
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
    this.activeTargetsUrl =
        base.newBuilder()
            .addPathSegments("api/v1/targets")
            .addQueryParameter("state", "active")
            .build();
    this.samplesUrl =
        base.newBuilder()
            .addPathSegments("api/v1/query")
            .addQueryParameter("query", SAMPLES_METRIC)
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

  /**
   * The samples per scrape after metric relabeling of each target of the {@code <job>.json} files
   * in {@code targetDirs}, as Prometheus last scraped them: {@code /api/v1/targets?state=active}
   * (the targets and their labels), then the instant query {@value #SAMPLES_METRIC} (a series per
   * target, carrying its labels), joined by label set ({@link SampleJoin}).
   */
  public TargetSamples targetSamples(List<Path> targetDirs) throws IOException {
    OwnFiles files = new OwnFiles(targetDirs, ".json");
    SampleJoin join = new SampleJoin();
    try (Response resp = get(activeTargetsUrl);
        InputStream in = body(resp).byteStream()) {
      SampleReplies.targets(in, files, join);
    } catch (IOException e) {
      throw failed(activeTargetsUrl, e);
    }
    try (Response resp = get(samplesUrl);
        InputStream in = body(resp).byteStream()) {
      SampleReplies.series(in, join);
    } catch (IOException e) {
      throw failed(samplesUrl, e);
    }
    return join.result();
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
