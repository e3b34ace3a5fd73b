package io.promeshard.agent.apply;

import io.promeshard.protocol.HttpClients;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the local Prometheus to reload: {@code POST <reload_url>} with connect and read timeouts,
 * then reads {@code prometheus_config_last_reload_successful} from {@code /metrics} next to it. A
 * reload succeeds only when the POST returns 2xx and that gauge is 1; otherwise the result says
 * why, and whether Prometheus did not answer at all (connection refused, a timeout, HTTP 503 while
 * it starts), which is no verdict on the rules. Never throws for HTTP or network failures.
 */
public final class Reloader implements Closeable {
  public static final String DEFAULT_URL = "http://127.0.0.1:9090/-/reload";
  static final String RELOAD_GAUGE = "prometheus_config_last_reload_successful";
  private static final Logger log = LoggerFactory.getLogger(Reloader.class);
  private static final int MAX_BODY = 4096;
  private static final int HTTP_UNAVAILABLE = 503;

  private final HttpUrl reloadUrl;
  private final HttpUrl metricsUrl;
  private final OkHttpClient http;

  /**
   * {@code reloadUrl} must be http(s); its path must end in {@code /-/reload} so /metrics can be
   * found beside it.
   */
  public Reloader(String reloadUrl, Duration connectTimeout, Duration readTimeout) {
    HttpUrl url = reloadUrl == null ? null : HttpUrl.parse(reloadUrl);
    if (url == null) {
      throw new IllegalArgumentException("reload_url: expected http(s) URL, found " + reloadUrl);
    }
    String path = url.encodedPath();
    if (!path.endsWith("/-/reload")) {
      throw new IllegalArgumentException(
          "reload_url: expected a path ending in /-/reload, found " + reloadUrl);
    }
    this.reloadUrl = url;
    this.metricsUrl =
        url.newBuilder()
            .encodedPath(path.substring(0, path.length() - "/-/reload".length()) + "/metrics")
            .query(null)
            .build();
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    this.http =
        HttpClients.builderFor(url)
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .writeTimeout(readTimeout)
            .callTimeout(connectTimeout.plus(readTimeout).plus(readTimeout))
            .retryOnConnectionFailure(false)
            .build();
  }

  public String url() {
    return reloadUrl.toString();
  }

  /** POSTs the reload and verifies it took effect. */
  public ReloadResult reload() {
    Request post =
        new Request.Builder()
            .url(reloadUrl)
            .post(RequestBody.create(new byte[0], (MediaType) null))
            .build();
    try (Response resp = http.newCall(post).execute()) {
      if (!resp.isSuccessful()) {
        String body = body(resp);
        String message =
            "POST "
                + reloadUrl
                + " returned HTTP "
                + resp.code()
                + (body.isEmpty() ? "" : ": " + body);
        return resp.code() == HTTP_UNAVAILABLE ? unreachable(message) : failed(message);
      }
    } catch (IOException e) {
      return unreachable("POST " + reloadUrl + ": " + describe(e));
    }
    return checkGauge();
  }

  private ReloadResult checkGauge() {
    Request get =
        new Request.Builder().url(metricsUrl).header("Accept", "text/plain;version=0.0.4").build();
    try (Response resp = http.newCall(get).execute()) {
      if (!resp.isSuccessful()) {
        String message = "reload accepted but GET " + metricsUrl + " returned HTTP " + resp.code();
        return resp.code() == HTTP_UNAVAILABLE ? unreachable(message) : failed(message);
      }
      ResponseBody body = resp.body();
      Double value = gauge(body == null ? "" : body.string());
      if (value == null) {
        return failed("reload accepted but " + metricsUrl + " has no " + RELOAD_GAUGE);
      }
      if (value != 1.0) {
        return failed("reload accepted but " + RELOAD_GAUGE + " is " + value);
      }
      log.info("[reload] {}: ok", reloadUrl);
      return ReloadResult.ok("reloaded");
    } catch (IOException e) {
      return unreachable("reload accepted but GET " + metricsUrl + ": " + describe(e));
    }
  }

  /**
   * The value of the reload gauge in a Prometheus text exposition, or null when absent or
   * unparsable.
   */
  static Double gauge(String exposition) {
    for (String line : exposition.split("\n", -1)) {
      if (!line.startsWith(RELOAD_GAUGE)) {
        continue;
      }
      String rest = line.substring(RELOAD_GAUGE.length());
      if (rest.startsWith("{")) {
        int close = rest.indexOf('}');
        rest = close < 0 ? "" : rest.substring(close + 1);
      } else if (!rest.startsWith(" ")) {
        continue;
      }
      String[] fields = rest.strip().split("\\s+", -1);
      try {
        return Double.parseDouble(fields[0]);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private ReloadResult failed(String message) {
    log.warn("[reload] {}: failed: {}", reloadUrl, message);
    return ReloadResult.failed(message);
  }

  private ReloadResult unreachable(String message) {
    log.warn("[reload] {}: Prometheus did not answer: {}", reloadUrl, message);
    return ReloadResult.unreachable(message);
  }

  private static String body(Response resp) {
    try {
      ResponseBody b = resp.body();
      if (b == null) {
        return "";
      }
      BufferedSource src = b.source();
      src.request(MAX_BODY);
      Buffer buf = src.getBuffer();
      return buf.readUtf8(Math.min(buf.size(), MAX_BODY)).strip();
    } catch (IOException | RuntimeException e) {
      return "(body unreadable: " + e.getMessage() + ")";
    }
  }

  private String describe(IOException e) {
    String what =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    if (e instanceof InterruptedIOException) {
      return "timed out (connect timeout "
          + http.connectTimeoutMillis()
          + " ms, read timeout "
          + http.readTimeoutMillis()
          + " ms): "
          + what;
    }
    return what;
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
