package io.promeshard.coordinator.config.scrape;

import static io.promeshard.coordinator.config.scrape.JsonShape.at;
import static io.promeshard.coordinator.config.scrape.JsonShape.error;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Names;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The HTTP client part of a scrape config (Prometheus' common {@code HTTPClientConfig}): {@code
 * tls_config}, {@code basic_auth}, {@code authorization}, {@code oauth2}, {@code http_headers} and
 * the proxy keys, with the rules Prometheus applies to them. Credentials are accepted only as
 * files: an inline secret is refused naming the {@code *_file} key to use.
 */
final class HttpClientCheck {
  private static final Set<String> TLS_KEYS =
      Set.of(
          "ca",
          "ca_file",
          "cert",
          "cert_file",
          "key_file",
          "server_name",
          "insecure_skip_verify",
          "min_version",
          "max_version");
  private static final List<String> TLS_VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");
  private static final Set<String> BASIC_AUTH_KEYS =
      Set.of("username", "username_file", "password_file");
  private static final Set<String> AUTHORIZATION_KEYS = Set.of("type", "credentials_file");
  private static final Set<String> OAUTH2_KEYS =
      Set.of(
          "client_id",
          "client_secret_file",
          "scopes",
          "token_url",
          "endpoint_params",
          "tls_config",
          "proxy_url",
          "no_proxy",
          "proxy_from_environment",
          "proxy_connect_header");
  private static final Set<String> HEADER_KEYS = Set.of("values", "files");

  /** Headers Prometheus sets itself or that change the connection; it refuses to set them. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of(
          "authorization",
          "host",
          "content-encoding",
          "content-length",
          "content-type",
          "user-agent",
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "www-authenticate",
          "accept-encoding",
          "x-prometheus-remote-write-version",
          "x-prometheus-remote-read-version",
          "x-prometheus-scrape-timeout-seconds",
          "x-amz-date",
          "x-amz-security-token",
          "x-amz-content-sha256");

  /** The proxy keys a scrape config and an oauth2 block both take. */
  static final List<String> PROXY_KEYS =
      List.of("proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header");

  private HttpClientCheck() {}

  static void tlsConfig(String path, JsonNode tls) {
    JsonShape.object(path, tls);
    JsonShape.keys(path, tls, TLS_KEYS, Map.of("key", "key_file"));
    for (String key : List.of("ca", "ca_file", "cert", "cert_file", "key_file", "server_name")) {
      if (tls.has(key)) {
        JsonShape.string(at(path, key), tls.get(key));
      }
    }
    if (tls.has("insecure_skip_verify")) {
      JsonShape.bool(at(path, "insecure_skip_verify"), tls.get("insecure_skip_verify"));
    }
    for (String key : List.of("min_version", "max_version")) {
      if (tls.has(key)) {
        JsonShape.oneOf(at(path, key), tls.get(key), TLS_VERSIONS);
      }
    }
    atMostOne(path, tls, "ca", "ca_file");
    atMostOne(path, tls, "cert", "cert_file");
    boolean cert = tls.has("cert") || tls.has("cert_file");
    if (cert != tls.has("key_file")) {
      throw error(
          path,
          cert
              ? "a client certificate needs its key in \"key_file\""
              : "\"key_file\" needs a client certificate in \"cert_file\" or \"cert\"");
    }
  }

  static void basicAuth(String path, JsonNode auth) {
    JsonShape.object(path, auth);
    JsonShape.keys(path, auth, BASIC_AUTH_KEYS, Map.of("password", "password_file"));
    BASIC_AUTH_KEYS.stream()
        .filter(auth::has)
        .forEach(key -> JsonShape.string(at(path, key), auth.get(key)));
    atMostOne(path, auth, "username", "username_file");
  }

  static void authorization(String path, JsonNode auth) {
    JsonShape.object(path, auth);
    JsonShape.keys(path, auth, AUTHORIZATION_KEYS, Map.of("credentials", "credentials_file"));
    if (auth.has("credentials_file")) {
      JsonShape.string(at(path, "credentials_file"), auth.get("credentials_file"));
    }
    if (auth.has("type")
        && JsonShape.string(at(path, "type"), auth.get("type"))
            .strip()
            .toLowerCase(Locale.ROOT)
            .equals("basic")) {
      throw error(at(path, "type"), "cannot be \"basic\"; use \"basic_auth\" instead");
    }
  }

  static void oauth2(String path, JsonNode oauth) {
    JsonShape.object(path, oauth);
    JsonShape.keys(path, oauth, OAUTH2_KEYS, Map.of("client_secret", "client_secret_file"));
    for (String required : List.of("client_id", "token_url")) {
      if (!oauth.has(required)) {
        throw error(at(path, required), "required");
      }
      JsonShape.nonEmpty(at(path, required), oauth.get(required));
    }
    if (oauth.has("client_secret_file")) {
      JsonShape.string(at(path, "client_secret_file"), oauth.get("client_secret_file"));
    }
    if (oauth.has("scopes")) {
      JsonShape.strings(at(path, "scopes"), oauth.get("scopes"));
    }
    if (oauth.has("endpoint_params")) {
      JsonShape.stringMap(at(path, "endpoint_params"), oauth.get("endpoint_params"));
    }
    if (oauth.has("tls_config")) {
      tlsConfig(at(path, "tls_config"), oauth.get("tls_config"));
    }
    proxy(path, oauth);
  }

  static void httpHeaders(String path, JsonNode headers) {
    JsonShape.object(path, headers);
    headers
        .fields()
        .forEachRemaining(
            e -> {
              String at = at(path, e.getKey());
              if (RESERVED_HEADERS.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                throw error(at, "Prometheus does not allow setting this header");
              }
              JsonShape.object(at, e.getValue());
              JsonShape.keys(at, e.getValue(), HEADER_KEYS, Map.of("secrets", "files"));
              for (String key : HEADER_KEYS) {
                if (e.getValue().has(key)) {
                  JsonShape.strings(at(at, key), e.getValue().get(key));
                }
              }
            });
  }

  /**
   * The proxy keys of {@code config} (a scrape config or an oauth2 block at {@code path}): types,
   * and which of them go together.
   */
  static void proxy(String path, JsonNode config) {
    boolean url = false;
    if (config.has("proxy_url")) {
      String value = JsonShape.string(at(path, "proxy_url"), config.get("proxy_url"));
      if (HttpUrl.parse(value) == null) {
        throw error(
            at(path, "proxy_url"),
            "expected an http:// or https:// URL, found " + Names.quote(value));
      }
      url = true;
    }
    boolean fromEnvironment =
        config.has("proxy_from_environment")
            && JsonShape.bool(
                at(path, "proxy_from_environment"), config.get("proxy_from_environment"));
    boolean noProxy =
        config.has("no_proxy")
            && !JsonShape.string(at(path, "no_proxy"), config.get("no_proxy")).isEmpty();
    if (config.has("proxy_connect_header")) {
      // Prometheus keeps these values as secrets (proxy credentials) and has no file form for them
      throw error(
          at(path, "proxy_connect_header"),
          "its values are secrets and Prometheus reads them from no file; a secret is never kept in"
              + " Consul: give the proxy credentials through each server's environment with"
              + " \"proxy_from_environment\": true");
    }
    if (fromEnvironment && url) {
      throw error(path, "proxy_url and proxy_from_environment exclude each other");
    }
    if (noProxy && !url) {
      throw error(path, "no_proxy needs proxy_url");
    }
  }

  private static void atMostOne(String path, JsonNode config, String a, String b) {
    if (config.has(a) && config.has(b)) {
      throw error(path, "at most one of \"" + a + "\" and \"" + b + "\"");
    }
  }
}
