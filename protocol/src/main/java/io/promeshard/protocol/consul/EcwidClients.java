package io.promeshard.protocol.consul;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.ConsulRawClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.message.BasicHeader;

/**
 * Builds ecwid {@link ConsulClient}s whose every request carries {@code X-Consul-Token} as a header
 * (never {@code ?token=}; pass null wherever an ecwid method takes a token), trusting the
 * configured CA for https, with a read timeout that suits blocking queries. Bad settings throw
 * ConsulConfigException.
 */
public final class EcwidClients {
  /**
   * The longest blocking wait callers may ask ecwid for with the default client (Consul caps waits
   * at 10 min).
   */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);

  private EcwidClients() {}

  public static ConsulClient create(ConsulSettings settings) {
    return create(settings, DEFAULT_MAX_WAIT);
  }

  /** A client whose read timeout allows blocking queries of up to {@code maxWait}. */
  public static ConsulClient create(ConsulSettings settings, Duration maxWait) {
    CaTrust trust = settings.caFile() == null ? null : CaTrust.fromPem(settings.caFile());
    return create(settings, settings.readToken(), trust, maxWait);
  }

  /**
   * A client with the settings, token and CA that {@code http} was created with (read once per
   * process).
   */
  public static ConsulClient create(ConsulHttp http, Duration maxWait) {
    return create(http.settings(), http.token(), http.trust(), maxWait);
  }

  private static ConsulClient create(
      ConsulSettings settings, Optional<String> token, CaTrust trust, Duration maxWait) {
    SSLContext ssl = trust == null ? null : trust.sslContext();
    RequestConfig requestConfig =
        RequestConfig.custom()
            .setConnectTimeout(millis(ConsulHttp.CONNECT_TIMEOUT))
            .setConnectionRequestTimeout(millis(ConsulHttp.CONNECT_TIMEOUT))
            .setSocketTimeout(millis(ConsulHttp.readTimeoutFor(maxWait)))
            .build();
    HttpClientBuilder builder =
        HttpClientBuilder.create()
            .setDefaultRequestConfig(requestConfig)
            .setMaxConnTotal(1000)
            .setMaxConnPerRoute(500);
    token.ifPresent(
        t -> builder.setDefaultHeaders(List.of(new BasicHeader(ConsulHttp.TOKEN_HEADER, t))));
    if (ssl != null) {
      builder.setSSLContext(ssl);
    }
    HttpClient httpClient = builder.build();
    String host =
        settings.address().getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + settings.address().getHost();
    String path = settings.address().getPath() == null ? "" : settings.address().getPath();
    return new ConsulClient(new ConsulRawClient(httpClient, host, settings.port(), path));
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
