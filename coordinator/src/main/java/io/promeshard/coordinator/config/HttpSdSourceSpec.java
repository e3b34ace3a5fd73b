package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Prometheus HTTP service discovery: {@code
 * {"type":"http_sd","url":"http://sd/targets","refresh":"60s"}}, with optional bounds on each
 * response: {@code max_bytes} of body (default 32 MiB), {@code max_targets} (default 200000) and
 * {@code timeout} for the whole request (default 30s, or {@code refresh} if shorter). A URL that is
 * not http(s), a refresh or timeout below 1s, or a limit out of range is a {@link
 * io.promeshard.protocol.ProtocolException} naming the field.
 */
public record HttpSdSourceSpec(
    String url,
    Duration refresh,
    @JsonProperty("max_bytes") Long maxBytes,
    @JsonProperty("max_targets") Integer maxTargets,
    Duration timeout)
    implements SourceSpec {
  public static final String TYPE = "http_sd";
  public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;
  public static final int DEFAULT_MAX_TARGETS = 200_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  @JsonCreator
  public HttpSdSourceSpec {
    SpecChecks.httpUrl("url", url);
    refresh = SpecChecks.refresh(refresh);
    maxBytes =
        SpecChecks.positive("max_bytes", maxBytes, DEFAULT_MAX_BYTES, SourceSpec.MAX_BODY_LIMIT);
    maxTargets = SpecChecks.maxTargets(maxTargets, DEFAULT_MAX_TARGETS);
    timeout =
        SpecChecks.timeout(
            timeout, DEFAULT_TIMEOUT.compareTo(refresh) < 0 ? DEFAULT_TIMEOUT : refresh);
  }

  /** A spec with the default limits. */
  public HttpSdSourceSpec(String url, Duration refresh) {
    this(url, refresh, null, null, null);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
