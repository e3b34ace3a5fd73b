package io.promeshard.agent.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.protocol.HttpClients;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Prometheus' version, from {@code GET <prometheus_url>/api/v1/status/buildinfo}. The
 * answer is kept for {@link #MAX_AGE} (Prometheus may be upgraded underneath the agent) and read
 * again after {@link #forget()} (a failed reload); when Prometheus does not answer, the version is
 * unknown ("") and asked again after {@link #RETRY_UNKNOWN}. Never throws for HTTP or network
 * failures. Thread-safe.
 */
public final class PrometheusBuild implements Closeable {
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  static final Duration RETRY_UNKNOWN = Duration.ofSeconds(15);
  private static final Logger log = LoggerFactory.getLogger(PrometheusBuild.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MAJOR_MINOR = Pattern.compile("v?(\\d+)\\.(\\d+)(\\D.*)?");
  private static final int MAX_BODY = 64 * 1024;

  private final HttpUrl url;
  private final OkHttpClient http;
  private final LongSupplier nanos;
  private String version = "";
  private long readAt;
  private boolean fresh;

  /** {@code prometheusUrl} is http(s); {@code timeout} bounds connecting and reading. */
  public PrometheusBuild(String prometheusUrl, Duration timeout) {
    this(prometheusUrl, timeout, System::nanoTime);
  }

  PrometheusBuild(String prometheusUrl, Duration timeout, LongSupplier nanos) {
    HttpUrl base = prometheusUrl == null ? null : HttpUrl.parse(prometheusUrl);
    if (base == null) {
      throw new IllegalArgumentException(
          "prometheus_url: expected http(s) URL, found " + prometheusUrl);
    }
    Objects.requireNonNull(timeout, "timeout");
    this.url = base.newBuilder().addPathSegments("api/v1/status/buildinfo").build();
    this.nanos = Objects.requireNonNull(nanos, "nanos");
    this.http =
        HttpClients.builderFor(base)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .callTimeout(timeout.multipliedBy(2))
            .retryOnConnectionFailure(false)
            .build();
  }

  /** The version Prometheus reports (e.g. "2.53.0"), or "" when unknown. */
  public synchronized String version() {
    long now = nanos.getAsLong();
    Duration age = version.isEmpty() ? RETRY_UNKNOWN : MAX_AGE;
    if (!fresh || now - readAt >= age.toNanos()) {
      String before = version;
      version = read();
      readAt = now;
      fresh = true;
      if (!version.equals(before)) {
        log.info(
            "[apply] {}: Prometheus version {}",
            url,
            version.isEmpty() ? "unknown (no answer)" : version);
      }
    }
    return version;
  }

  /** Reads the version again on the next {@link #version()} call. */
  public synchronized void forget() {
    fresh = false;
  }

  /**
   * Whether {@code version} reads {@code scrape_config_files} (2.43 or later); an unknown or
   * unparsable version counts as yes, and the reload decides.
   */
  public static boolean supportsScrapeConfigFiles(String version) {
    Matcher m = MAJOR_MINOR.matcher(version == null ? "" : version.strip());
    if (!m.matches()) {
      return true;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 2 || (major == 2 && minor >= 43);
  }

  private String read() {
    try (Response resp = http.newCall(new Request.Builder().url(url).build()).execute()) {
      ResponseBody body = resp.body();
      if (!resp.isSuccessful() || body == null) {
        log.debug("[apply] GET {}: HTTP {}", url, resp.code());
        return "";
      }
      byte[] bytes = body.byteStream().readNBytes(MAX_BODY);
      JsonNode v = JSON.readTree(bytes).path("data").path("version");
      return v.isTextual() ? v.textValue().strip() : "";
    } catch (IOException | RuntimeException e) {
      log.debug("[apply] GET {}: {}", url, e.toString());
      return "";
    }
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
