package io.promeshard.coordinator.source.httpsd;

import io.promeshard.coordinator.config.HttpSdSourceSpec;
import io.promeshard.coordinator.source.HttpCalls;
import io.promeshard.coordinator.source.PollingSource;
import io.promeshard.coordinator.source.SdFormat;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a Prometheus HTTP SD endpoint every {@code refresh}. A non-200 response, a transport error,
 * a malformed body, or an answer past the spec's {@code timeout}, {@code max_bytes} or {@code
 * max_targets} fails the refresh (the listener keeps the last good targets).
 */
public final class HttpSdSource extends PollingSource {
  private static final Logger log = LoggerFactory.getLogger(HttpSdSource.class);

  private final HttpUrl url;
  private final String where;
  private final long refreshSeconds;
  private final long maxBytes;
  private final int maxTargets;
  private final HttpCalls http;

  public HttpSdSource(String name, HttpSdSourceSpec spec, OkHttpClient client) {
    super(name, spec.refresh(), spec.refresh());
    this.url = HttpUrl.get(spec.url());
    this.where = "http_sd " + HttpCalls.describe(url);
    this.refreshSeconds = spec.refresh().toSeconds();
    this.maxBytes = spec.maxBytes();
    this.maxTargets = spec.maxTargets();
    this.http = new HttpCalls(client, spec.timeout());
  }

  @Override
  protected Polled poll() throws IOException {
    Request request =
        new Request.Builder()
            .url(url)
            .header("Accept", "application/json")
            .header("X-Prometheus-Refresh-Interval-Seconds", Long.toString(refreshSeconds))
            .build();
    List<TargetGroup> groups = SdFormat.json(where, http.fetch(request, maxBytes), maxTargets);
    log.debug("[source] {}: {} groups from {}", name, groups.size(), where);
    return Polled.of(groups);
  }

  @Override
  protected void cancel() {
    http.cancel();
  }
}
