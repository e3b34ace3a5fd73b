package io.promeshard.coordinator.source.httpsd;

import io.promeshard.coordinator.config.HttpSdSourceSpec;
import io.promeshard.coordinator.source.HttpCalls;
import io.promeshard.coordinator.source.PollingSource;
import io.promeshard.coordinator.source.SdFormat;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a Prometheus HTTP SD endpoint every {@code refresh}. A non-200 response, a transport error
 * or a malformed body fails the refresh (the listener keeps the last good targets).
 */
public final class HttpSdSource extends PollingSource {
  private static final Logger log = LoggerFactory.getLogger(HttpSdSource.class);
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpUrl url;
  private final long refreshSeconds;
  private final HttpCalls http;

  public HttpSdSource(String name, HttpSdSourceSpec spec, OkHttpClient client) {
    super(name, spec.refresh(), spec.refresh());
    this.url = HttpUrl.get(spec.url());
    this.refreshSeconds = spec.refresh().toSeconds();
    this.http =
        new HttpCalls(client, TIMEOUT.compareTo(spec.refresh()) < 0 ? TIMEOUT : spec.refresh());
  }

  @Override
  protected Polled poll() throws IOException {
    Request request =
        new Request.Builder()
            .url(url)
            .header("Accept", "application/json")
            .header("X-Prometheus-Refresh-Interval-Seconds", Long.toString(refreshSeconds))
            .build();
    List<TargetGroup> groups = SdFormat.json(HttpCalls.describe(url), http.fetch(request));
    log.debug("[source] {}: {} groups from {}", name, groups.size(), HttpCalls.describe(url));
    return Polled.of(groups);
  }

  @Override
  protected void cancel() {
    http.cancel();
  }
}
