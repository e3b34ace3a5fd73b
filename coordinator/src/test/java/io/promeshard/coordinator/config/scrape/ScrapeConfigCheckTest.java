package io.promeshard.coordinator.config.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule of a job's {@code scrape} settings, with the exact message an operator reads. */
class ScrapeConfigCheckTest {
  /** The original system's blackbox probe job, as README shows it. */
  static final String BLACKBOX =
      """
      {"scrape_interval": "30s", "scrape_timeout": "10s", "metrics_path": "/probe",
       "params": {"module": ["http_2xx"]},
       "relabel_configs": [
         {"source_labels": ["__address__"], "target_label": "__param_target"},
         {"source_labels": ["__param_target"], "target_label": "instance"},
         {"target_label": "__address__", "replacement": "127.0.0.1:9115"}]}
      """;

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rejected(String text, LabelNameScheme scheme) {
    return assertThrows(
            ProtocolException.class, () -> ScrapeConfigCheck.check(json(text), scheme), text)
        .getMessage();
  }

  /** The message for {@code text} (single quotes stand for double) under the legacy scheme. */
  private static String rejected(String text) {
    return rejected(text, LabelNameScheme.LEGACY);
  }

  private static void accepted(String text, LabelNameScheme scheme) {
    assertEquals(json(text), ScrapeConfigCheck.check(json(text), scheme).json(), text);
  }

  @Test
  void theBlackboxJobAndAFullScrapeConfigAreAcceptedUnchanged() {
    accepted(BLACKBOX, LabelNameScheme.LEGACY);
    accepted(
        """
        {'honor_labels': true, 'honor_timestamps': false, 'track_timestamps_staleness': true,
         'scrape_interval': '1m30s', 'scrape_timeout': '1m', 'scheme': 'https',
         'scrape_protocols': ['PrometheusProto', 'OpenMetricsText1.0.0'],
         'fallback_scrape_protocol': 'PrometheusText0.0.4',
         'always_scrape_classic_histograms': true, 'scrape_classic_histograms': true,
         'convert_classic_histograms_to_nhcb': false, 'enable_compression': false,
         'enable_http2': false, 'follow_redirects': true, 'body_size_limit': '10MB',
         'sample_limit': 50000, 'target_limit': 0, 'label_limit': 64,
         'label_name_length_limit': 128, 'label_value_length_limit': 2048,
         'native_histogram_bucket_limit': 160, 'native_histogram_min_bucket_factor': 1.1,
         'keep_dropped_targets': 10, 'metric_name_validation_scheme': 'utf8',
         'metric_name_escaping_scheme': 'allow-utf-8', 'scrape_failure_log_file': '/var/log/f',
         'tls_config': {'ca_file': '/etc/ca.pem', 'cert_file': '/c.pem', 'key_file': '/k.pem',
                        'server_name': 'x', 'insecure_skip_verify': false,
                        'min_version': 'TLS12'},
         'authorization': {'type': 'Bearer', 'credentials_file': '/etc/token'},
         'http_headers': {'X-Scope': {'values': ['a'], 'files': ['/etc/h']}},
         'proxy_url': 'http://proxy:3128', 'no_proxy': 'localhost',
         'metric_relabel_configs': [
           {'action': 'Drop', 'source_labels': ['__name__'], 'regex': 'go_.*'},
           {'action': 'labeldrop', 'regex': 'pod_template_hash'},
           {'action': 'hashmod', 'source_labels': ['instance'], 'target_label': 'shard',
            'modulus': 4},
           {'action': 'keepequal', 'source_labels': ['a'], 'target_label': 'b'},
           {'action': 'labelmap', 'regex': '__meta_(.+)', 'replacement': 'meta_${1}'},
           {'action': 'lowercase', 'source_labels': ['a'], 'target_label': 'a'},
           {'source_labels': ['a'], 'target_label': '${1}_x', 'regex': '(.*)'}]}
        """,
        LabelNameScheme.LEGACY);
    accepted(
        "{'oauth2': {'client_id': 'c', 'client_secret_file': '/s', 'token_url': 'https://t/',"
            + " 'scopes': ['a'], 'endpoint_params': {'k': 'v'}, 'proxy_from_environment': true}}",
        LabelNameScheme.LEGACY);
    accepted(
        "{'basic_auth': {'username': 'u', 'password_file': '/p'}, 'body_size_limit': '0'}",
        LabelNameScheme.LEGACY);
  }

  @Test
  void aBadRelabelRegexNamesTheRuleAndRe2sReason() {
    assertEquals(
        "scrape.relabel_configs[1].regex: invalid regular expression \"(\": missing closing )",
        rejected(
            "{'relabel_configs': [{'target_label': 'a'}, {'regex': '(', 'target_label': 'b'}]}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "(?=a)b | invalid or unsupported Perl syntax at \"(?=\"",
        "(?<!a)b | invalid named capture at \"(?<!a)b\"",
        "(a)\\\\1 | invalid escape sequence at \"\\\\1\"",
        "a** | invalid nested repetition operator at \"**\"",
      })
  void whatGoRegexpRejectsIsRejectedThoughJavaWouldAcceptIt(String regex, String reason) {
    String json = "{'metric_relabel_configs': [{'action': 'drop', 'regex': '" + regex + "'}]}";
    assertEquals(
        "scrape.metric_relabel_configs[0].regex: invalid regular expression \""
            + regex
            + "\": "
            + reason,
        rejected(json));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(?P<host>[^:]+):\\\\d+",
        "(?i)GO_.*",
        "[[:alpha:]]+_total",
        "\\\\pL+",
        "a{2,3}|b*?",
        "",
      })
  void whatGoRegexpAcceptsIsAccepted(String regex) {
    accepted(
        "{'metric_relabel_configs': [{'action': 'keep', 'regex': '" + regex + "'}]}",
        LabelNameScheme.LEGACY);
  }

  @Test
  void unknownKeysAreNamedWithTheClosestKnownOne() {
    assertEquals(
        "scrape.metric_path: unknown key, did you mean \"metrics_path\"?",
        rejected("{'metric_path': '/m'}"));
    assertEquals(
        "scrape.scrapeInterval: unknown key, did you mean \"scrape_interval\"?",
        rejected("{'scrapeInterval': '30s'}"));
    assertEquals("scrape.frobnicate: unknown key", rejected("{'frobnicate': 1}"));
    assertEquals(
        "scrape.relabel_configs[0].target: unknown key",
        rejected("{'relabel_configs': [{'target': 'x'}]}"));
    assertEquals(
        "scrape.tls_config.ca_fil: unknown key, did you mean \"ca_file\"?",
        rejected("{'tls_config': {'ca_fil': '/x'}}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"job_name", "static_configs", "file_sd_configs", "consul_sd_configs"})
  void whatPromeShardSetsItselfIsRefusedByName(String key) {
    assertEquals(
        "scrape."
            + key
            + ": set by prome-shard: job_name is the job's name and its targets come from the"
            + " job's \"sources\" (through file_sd)",
        rejected("{'" + key + "': 'x'}"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'honor_labels': 'yes'} | scrape.honor_labels: expected true or false, found the string"
            + " \"yes\"",
        "{'sample_limit': -1} | scrape.sample_limit: expected a whole number >= 0, found -1",
        "{'label_limit': 1.5} | scrape.label_limit: expected a whole number >= 0, found 1.5",
        "{'params': {'module': 'http_2xx'}} | scrape.params.module: expected a list, found the"
            + " string \"http_2xx\"",
        "{'params': ['module']} | scrape.params: expected an object, found a list",
        "{'relabel_configs': {}} | scrape.relabel_configs: expected a list, found an object",
        "{'metrics_path': 7} | scrape.metrics_path: expected a string, found 7",
        "{'scrape_interval': null} | scrape.scrape_interval: expected a string, found null",
        "{'native_histogram_min_bucket_factor': -1} | scrape.native_histogram_min_bucket_factor:"
            + " expected a number >= 0, found -1",
      })
  void eachKeyTakesItsType(String json, String message) {
    assertEquals(message, rejected(json));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'scrape_interval': '30'} | scrape.scrape_interval: expected a duration such as \"30s\","
            + " \"1m30s\" or \"1h\" (units y, w, d, h, m, s, ms), found \"30\"",
        "{'scrape_interval': ''} | scrape.scrape_interval: expected a duration such as \"30s\","
            + " \"1m30s\" or \"1h\" (units y, w, d, h, m, s, ms), found \"\"",
        "{'scrape_timeout': '30s1m'} | scrape.scrape_timeout: expected a duration such as"
            + " \"30s\", \"1m30s\" or \"1h\" (units y, w, d, h, m, s, ms), found \"30s1m\"",
        "{'scrape_interval': '0'} | scrape.scrape_interval: must be above 0",
        "{'scrape_interval': '30s', 'scrape_timeout': '1m'} | scrape.scrape_timeout: 1m is longer"
            + " than scrape_interval 30s",
        "{'scheme': 'ftp'} | scrape.scheme: expected one of \"http\", \"https\", found \"ftp\"",
        "{'metrics_path': 'metrics'} | scrape.metrics_path: expected a path starting with \"/\","
            + " found \"metrics\"",
        "{'body_size_limit': '10 MB'} | scrape.body_size_limit: expected a size such as"
            + " \"10MB\", \"512KiB\" or \"0\" (no limit), found \"10 MB\"",
        "{'scrape_protocols': []} | scrape.scrape_protocols: must not be empty",
        "{'scrape_protocols': ['PrometheusProto', 'PrometheusProto']} |"
            + " scrape.scrape_protocols[1]: duplicate protocol \"PrometheusProto\"",
        "{'fallback_scrape_protocol': 'text'} | scrape.fallback_scrape_protocol: expected one of"
            + " \"OpenMetricsText1.0.0\", \"OpenMetricsText0.0.1\", \"PrometheusProto\","
            + " \"PrometheusText1.0.0\", \"PrometheusText0.0.4\", found \"text\"",
        "{'metric_name_validation_scheme': 'legacy', 'metric_name_escaping_scheme':"
            + " 'allow-utf-8'} | scrape.metric_name_escaping_scheme: \"allow-utf-8\" needs"
            + " metric_name_validation_scheme \"utf8\"",
      })
  void valuesFollowPrometheusSyntaxAndRules(String json, String message) {
    assertEquals(message, rejected(json));
  }

  @Test
  void durationsTakeEveryPrometheusUnitBiggestFirst() {
    for (String d : new String[] {"1y", "2w", "1d", "1h30m", "1m30s", "500ms", "1h0m0s10ms"}) {
      accepted("{'scrape_interval': '" + d + "'}", LabelNameScheme.LEGACY);
    }
    accepted("{'scrape_interval': '1m', 'scrape_timeout': '1m'}", LabelNameScheme.LEGACY);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'bearer_token': 't'} | scrape.bearer_token | bearer_token_file",
        "{'basic_auth': {'username': 'u', 'password': 'p'}} | scrape.basic_auth.password |"
            + " password_file",
        "{'authorization': {'credentials': 'c'}} | scrape.authorization.credentials |"
            + " credentials_file",
        "{'oauth2': {'client_id': 'c', 'client_secret': 's', 'token_url': 'https://t/'}} |"
            + " scrape.oauth2.client_secret | client_secret_file",
        "{'http_headers': {'X-Key': {'secrets': ['s']}}} | scrape.http_headers.X-Key.secrets |"
            + " files",
        "{'tls_config': {'cert_file': '/c', 'key': 'PEM'}} | scrape.tls_config.key | key_file",
        "{'oauth2': {'client_id': 'c', 'token_url': 'https://t/', 'tls_config': {'key': 'k'}}} |"
            + " scrape.oauth2.tls_config.key | key_file",
      })
  void secretsAreRefusedWithTheFileFormToUse(String json, String path, String file) {
    assertEquals(
        path
            + ": a secret is never kept in Consul; put it in a file on each Prometheus server and"
            + " set \""
            + file
            + "\" to its path",
        rejected(json));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'basic_auth': {'username': 'u'}, 'bearer_token_file': '/t'} | scrape: at most one of"
            + " basic_auth, authorization, oauth2, bearer_token_file; found [basic_auth,"
            + " bearer_token_file]",
        "{'basic_auth': {'username': 'u', 'username_file': '/u'}} | scrape.basic_auth: at most"
            + " one of \"username\" and \"username_file\"",
        "{'authorization': {'type': 'Basic'}} | scrape.authorization.type: cannot be \"basic\";"
            + " use \"basic_auth\" instead",
        "{'oauth2': {'client_id': 'c'}} | scrape.oauth2.token_url: required",
        "{'tls_config': {'cert_file': '/c'}} | scrape.tls_config: a client certificate needs its"
            + " key in \"key_file\"",
        "{'tls_config': {'key_file': '/k'}} | scrape.tls_config: \"key_file\" needs a client"
            + " certificate in \"cert_file\" or \"cert\"",
        "{'tls_config': {'min_version': 'TLS1.2'}} | scrape.tls_config.min_version: expected one"
            + " of \"TLS10\", \"TLS11\", \"TLS12\", \"TLS13\", found \"TLS1.2\"",
        "{'http_headers': {'Authorization': {'files': ['/t']}}} |"
            + " scrape.http_headers.Authorization: Prometheus does not allow setting this header",
        "{'proxy_url': 'http://p:1', 'proxy_from_environment': true} | scrape: proxy_url and"
            + " proxy_from_environment exclude each other",
        "{'no_proxy': 'localhost'} | scrape: no_proxy needs proxy_url",
        "{'proxy_url': 'http://p:1', 'proxy_connect_header': {'A': ['b']}} |"
            + " scrape.proxy_connect_header: its values are secrets and Prometheus reads them from"
            + " no file; a secret is never kept in Consul: give the proxy credentials through each"
            + " server's environment with \"proxy_from_environment\": true",
        "{'proxy_url': 'not a url'} | scrape.proxy_url: expected an http:// or https:// URL,"
            + " found \"not a url\"",
      })
  void httpClientRulesAreThoseOfPrometheus(String json, String message) {
    assertEquals(message, rejected(json));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'action': 'rewrite'} | scrape.relabel_configs[0].action: unknown action \"rewrite\","
            + " expected one of replace, keep, drop, keepequal, dropequal, hashmod, labelmap,"
            + " labeldrop, labelkeep, lowercase, uppercase",
        "{'regex': 'a'} | scrape.relabel_configs[0].target_label: required for action"
            + " \"replace\"",
        "{'action': 'uppercase', 'source_labels': ['a']} |"
            + " scrape.relabel_configs[0].target_label: required for action \"uppercase\"",
        "{'action': 'hashmod', 'target_label': 'a'} | scrape.relabel_configs[0].modulus:"
            + " required above 0 for action \"hashmod\"",
        "{'action': 'hashmod', 'target_label': '${1}', 'modulus': 2} |"
            + " scrape.relabel_configs[0].target_label: \"${1}\" is not a valid label name"
            + " (legacy names match [a-zA-Z_][a-zA-Z0-9_]*; set label_names: utf8 for a fleet of"
            + " Prometheus 3)",
        "{'action': 'lowercase', 'target_label': 'a', 'replacement': 'x'} |"
            + " scrape.relabel_configs[0].replacement: cannot be set for action \"lowercase\"",
        "{'action': 'DropEqual', 'target_label': 'a', 'regex': '.*'} | scrape.relabel_configs[0]:"
            + " action \"dropequal\" takes only source_labels and target_label",
        "{'action': 'keepequal', 'target_label': 'a', 'separator': ','} |"
            + " scrape.relabel_configs[0]: action \"keepequal\" takes only source_labels and"
            + " target_label",
        "{'action': 'labeldrop', 'regex': 'a', 'source_labels': ['b']} |"
            + " scrape.relabel_configs[0]: action \"labeldrop\" takes only regex",
        "{'action': 'labelkeep', 'target_label': 'b'} | scrape.relabel_configs[0]: action"
            + " \"labelkeep\" takes only regex",
        "{'target_label': 'a-b'} | scrape.relabel_configs[0].target_label: \"a-b\" is not a valid"
            + " label name (legacy names match [a-zA-Z_][a-zA-Z0-9_]*; set label_names: utf8 for a"
            + " fleet of Prometheus 3)",
        "{'target_label': 'a-${1}'} | scrape.relabel_configs[0].target_label: \"a-${1}\" is not a"
            + " valid label name or template for action \"replace\" (letters, digits, _ and $1 or"
            + " ${name} references)",
        "{'action': 'labelmap', 'replacement': 'x.$1'} | scrape.relabel_configs[0].replacement:"
            + " \"x.$1\" is not a valid label name or template for action \"labelmap\" (letters,"
            + " digits, _ and $1 or ${name} references)",
        "{'source_labels': ['a.b'], 'target_label': 'c'} |"
            + " scrape.relabel_configs[0].source_labels[0]: \"a.b\" is not a valid label name"
            + " (legacy names match [a-zA-Z_][a-zA-Z0-9_]*; set label_names: utf8 for a fleet of"
            + " Prometheus 3)",
        "{'target_label': 'a', 'modulus': -1} | scrape.relabel_configs[0].modulus: expected a"
            + " whole number >= 0, found -1",
      })
  void relabelRulesFollowPrometheusPerAction(String rule, String message) {
    assertEquals(message, rejected("{'relabel_configs': [" + rule + "]}"));
  }

  @Test
  void utf8LabelNamesPassOnlyUnderTheUtf8Scheme() {
    String json =
        "{'relabel_configs': [{'source_labels': ['a.b'], 'target_label': 'service.name'},"
            + " {'action': 'labelmap', 'regex': 'x_(.*)', 'replacement': 'k8s.$1'}]}";
    accepted(json, LabelNameScheme.UTF8);
    assertEquals(
        "scrape.relabel_configs[0].source_labels[0]: \"a.b\" is not a valid label name (legacy"
            + " names match [a-zA-Z_][a-zA-Z0-9_]*; set label_names: utf8 for a fleet of"
            + " Prometheus 3)",
        rejected(json, LabelNameScheme.LEGACY));
    assertEquals(
        "scrape.relabel_configs[0].target_label: required for action \"replace\"",
        rejected("{'relabel_configs': [{'target_label': ''}]}", LabelNameScheme.UTF8));
  }

  @Test
  void theSettingsMustBeAnObject() {
    assertEquals(
        "scrape: expected an object holding a Prometheus scrape_config (e.g."
            + " {\"scrape_interval\": \"30s\"}), found a list",
        rejected("[]"));
  }
}
