package io.promeshard.coordinator.config.scrape;

import static io.promeshard.coordinator.config.scrape.JsonShape.at;
import static io.promeshard.coordinator.config.scrape.JsonShape.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.ScrapeSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Checks a job's {@code scrape} field, a Prometheus {@code scrape_config} in JSON, before anything
 * of it is published: the keys Prometheus 3.5 knows (and the 2.x {@code
 * scrape_classic_histograms}), each value's type and syntax, and the rules Prometheus applies
 * between keys, so that what Prometheus would refuse is refused here, where the operator edits it.
 * Secrets are refused: the settings sit in Consul KV, so credentials are taken only as {@code
 * *_file} paths on the servers. Pure; every failure is a {@link ProtocolException} whose message
 * starts with the key path, e.g. {@code scrape.relabel_configs[1].regex: invalid regular expression
 * "(": missing closing )}.
 */
public final class ScrapeConfigCheck {
  static final String ROOT = "scrape";

  /** Values of {@code scrape_protocols} and {@code fallback_scrape_protocol}. */
  static final List<String> PROTOCOLS =
      List.of(
          "OpenMetricsText1.0.0",
          "OpenMetricsText0.0.1",
          "PrometheusProto",
          "PrometheusText1.0.0",
          "PrometheusText0.0.4");

  private static final List<String> SCHEMES = List.of("http", "https");
  private static final List<String> VALIDATION_SCHEMES = List.of("legacy", "utf8");
  private static final List<String> ESCAPING_SCHEMES =
      List.of("allow-utf-8", "underscores", "dots", "values");
  private static final List<String> AUTHENTICATIONS =
      List.of("basic_auth", "authorization", "oauth2", "bearer_token_file");

  /** Every key a scrape config may hold here, with the check of its value. */
  private static final Map<String, BiConsumer<String, JsonNode>> KEYS = keys();

  private ScrapeConfigCheck() {}

  /**
   * The settings in {@code scrape} if Prometheus would accept them under label name scheme {@code
   * scheme}; otherwise a ProtocolException naming the key path.
   */
  public static ScrapeSettings check(JsonNode scrape, LabelNameScheme scheme) {
    if (scrape == null || !scrape.isObject()) {
      throw JsonShape.expected(
          ROOT,
          "an object holding a Prometheus scrape_config (e.g. {\"scrape_interval\": \"30s\"})",
          scrape == null ? NullNode.getInstance() : scrape);
    }
    for (var it = scrape.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (ScrapeSettings.setByPromeShard(key)) {
        throw error(
            at(ROOT, key),
            "set by prome-shard: job_name is the job's name and its targets come from the job's"
                + " \"sources\" (through file_sd)");
      }
    }
    JsonShape.keys(ROOT, scrape, KEYS.keySet(), Map.of("bearer_token", "bearer_token_file"));
    scrape
        .fields()
        .forEachRemaining(e -> KEYS.get(e.getKey()).accept(at(ROOT, e.getKey()), e.getValue()));
    for (String rules : List.of("relabel_configs", "metric_relabel_configs")) {
      if (scrape.has(rules)) {
        RelabelCheck.rules(at(ROOT, rules), scrape.get(rules), scheme);
      }
    }
    between(scrape);
    return ScrapeSettings.of(scrape);
  }

  /** The rules between keys: timeout within interval, one authentication, proxy, name schemes. */
  private static void between(JsonNode scrape) {
    if (scrape.has("scrape_interval") && scrape.has("scrape_timeout")) {
      long interval = PromUnits.durationMillis("", scrape.get("scrape_interval"));
      long timeout = PromUnits.durationMillis("", scrape.get("scrape_timeout"));
      if (timeout > interval) {
        throw error(
            at(ROOT, "scrape_timeout"),
            Durations.format(Duration.ofMillis(timeout))
                + " is longer than scrape_interval "
                + Durations.format(Duration.ofMillis(interval)));
      }
    }
    List<String> auth = AUTHENTICATIONS.stream().filter(scrape::has).toList();
    if (auth.size() > 1) {
      throw error(ROOT, "at most one of " + String.join(", ", AUTHENTICATIONS) + "; found " + auth);
    }
    HttpClientCheck.proxy(ROOT, scrape);
    if (scrape.path("metric_name_escaping_scheme").asText().equals("allow-utf-8")
        && scrape.path("metric_name_validation_scheme").asText().equals("legacy")) {
      throw error(
          at(ROOT, "metric_name_escaping_scheme"),
          "\"allow-utf-8\" needs metric_name_validation_scheme \"utf8\"");
    }
  }

  private static Map<String, BiConsumer<String, JsonNode>> keys() {
    Map<String, BiConsumer<String, JsonNode>> k = new LinkedHashMap<>();
    for (String key :
        List.of(
            "honor_labels",
            "honor_timestamps",
            "track_timestamps_staleness",
            "always_scrape_classic_histograms",
            "scrape_classic_histograms",
            "convert_classic_histograms_to_nhcb",
            "enable_compression",
            "enable_http2",
            "follow_redirects",
            "proxy_from_environment")) {
      k.put(key, JsonShape::bool);
    }
    for (String key :
        List.of(
            "sample_limit",
            "target_limit",
            "label_limit",
            "label_name_length_limit",
            "label_value_length_limit",
            "native_histogram_bucket_limit",
            "keep_dropped_targets")) {
      k.put(key, JsonShape::count);
    }
    for (String key :
        List.of("scrape_failure_log_file", "bearer_token_file", "no_proxy", "proxy_url")) {
      k.put(key, JsonShape::string); // proxy_url: see HttpClientCheck.proxy
    }
    k.put("native_histogram_min_bucket_factor", JsonShape::nonNegativeNumber);
    k.put("scrape_interval", ScrapeConfigCheck::interval);
    k.put("scrape_timeout", PromUnits::durationMillis);
    k.put("body_size_limit", PromUnits::size);
    k.put("scrape_protocols", ScrapeConfigCheck::protocols);
    k.put("fallback_scrape_protocol", (p, v) -> JsonShape.oneOf(p, v, PROTOCOLS));
    k.put("metrics_path", ScrapeConfigCheck::metricsPath);
    k.put("scheme", (p, v) -> JsonShape.oneOf(p, v, SCHEMES));
    k.put("params", JsonShape::stringListMap);
    k.put("metric_name_validation_scheme", (p, v) -> JsonShape.oneOf(p, v, VALIDATION_SCHEMES));
    k.put("metric_name_escaping_scheme", (p, v) -> JsonShape.oneOf(p, v, ESCAPING_SCHEMES));
    k.put("relabel_configs", JsonShape::list); // the rules: RelabelCheck, with the name scheme
    k.put("metric_relabel_configs", JsonShape::list);
    k.put("tls_config", HttpClientCheck::tlsConfig);
    k.put("basic_auth", HttpClientCheck::basicAuth);
    k.put("authorization", HttpClientCheck::authorization);
    k.put("oauth2", HttpClientCheck::oauth2);
    k.put("http_headers", HttpClientCheck::httpHeaders);
    k.put("proxy_connect_header", JsonShape::stringListMap);
    return Map.copyOf(k);
  }

  private static void interval(String path, JsonNode value) {
    if (PromUnits.durationMillis(path, value) == 0) {
      throw error(path, "must be above 0");
    }
  }

  private static void metricsPath(String path, JsonNode value) {
    String s = JsonShape.string(path, value);
    if (!s.startsWith("/")) {
      throw error(path, "expected a path starting with \"/\", found " + Names.quote(s));
    }
  }

  private static void protocols(String path, JsonNode value) {
    JsonShape.list(path, value);
    if (value.isEmpty()) {
      throw error(path, "must not be empty");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < value.size(); i++) {
      String p = JsonShape.oneOf(at(path, i), value.get(i), PROTOCOLS);
      if (!seen.add(p.toLowerCase(Locale.ROOT))) {
        throw error(at(path, i), "duplicate protocol " + Names.quote(p));
      }
    }
  }
}
