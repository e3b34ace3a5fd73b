package io.promeshard.coordinator.config;

import java.time.Duration;

/**
 * Prometheus HTTP service discovery: {@code
 * {"type":"http_sd","url":"http://sd/targets","refresh":"60s"}}. A URL that is not http(s) or a
 * refresh below 1s is a {@link io.promeshard.protocol.ProtocolException}.
 */
public record HttpSdSourceSpec(String url, Duration refresh) implements SourceSpec {
  public static final String TYPE = "http_sd";

  public HttpSdSourceSpec {
    SpecChecks.httpUrl("url", url);
    refresh = SpecChecks.refresh(refresh);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
