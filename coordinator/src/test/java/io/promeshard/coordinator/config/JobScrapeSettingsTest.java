package io.promeshard.coordinator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job's {@code scrape} field through the same path as the rest of a job spec: decoded, checked,
 * and on failure rejected under the job's key while its previous version stays in force.
 */
class JobScrapeSettingsTest {
  private static final String KEY = "prome-shard/config/jobs/blackbox";
  private static final String SOURCES =
      "\"sources\":[{\"type\":\"static\",\"groups\":[{\"targets\":[\"https://example.com\"]}]}]";

  private ConfigState state = ConfigState.empty(KvLayout.defaults());
  private final Map<String, byte[]> kv = new HashMap<>();

  private static String job(String scrape) {
    return "{" + SOURCES + ",\"scrape\":" + scrape + "}";
  }

  private boolean put(String key, String json) {
    kv.put("prome-shard/config/" + key, json.getBytes(StandardCharsets.UTF_8));
    ConfigState before = state;
    state = state.update(kv);
    return state.differsFrom(before);
  }

  private static String parseError(String json) {
    return assertThrows(
            ProtocolException.class,
            () -> JobSpec.parse(KEY, json.getBytes(StandardCharsets.UTF_8)))
        .getMessage();
  }

  @Test
  void aJobCarriesItsScrapeSettingsAndAJobWithoutThemHasNone() {
    JobSpec spec =
        JobSpec.parse(
            KEY,
            job("{\"metrics_path\":\"/probe\",\"params\":{\"module\":[\"http_2xx\"]}}")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "{\"metrics_path\":\"/probe\",\"params\":{\"module\":[\"http_2xx\"]}}",
        spec.scrape().toString());
    assertNull(JobSpec.parse(KEY, ("{" + SOURCES + "}").getBytes(StandardCharsets.UTF_8)).scrape());
    assertNull(JobSpec.parse(KEY, job("null").getBytes(StandardCharsets.UTF_8)).scrape());
  }

  @Test
  void aBadScrapeSettingIsNamedUnderTheJobsKey() {
    assertEquals(
        KEY
            + ": scrape.relabel_configs[1].regex: invalid regular expression \"(\": missing"
            + " closing )",
        parseError(
            job(
                "{\"relabel_configs\":[{\"target_label\":\"a\"},"
                    + "{\"target_label\":\"b\",\"regex\":\"(\"}]}")));
    assertEquals(
        KEY
            + ": scrape.static_configs: set by prome-shard: job_name is the job's name and its"
            + " targets come from the job's \"sources\" (through file_sd)",
        parseError(job("{\"static_configs\":[]}")));
    assertEquals(
        KEY
            + ": scrape: expected an object holding a Prometheus scrape_config (e.g."
            + " {\"scrape_interval\": \"30s\"}), found the string \"30s\"",
        parseError(job("\"30s\"")));
  }

  @Test
  void scrapeSettingsWrittenBesideTheJobsFieldsAreShownWhereTheyGo() {
    assertEquals(
        KEY
            + ": unknown field \"metrics_path\": a job's Prometheus scrape settings go in its"
            + " \"scrape\" object, e.g. \"scrape\": {\"metrics_path\": ...}",
        parseError("{" + SOURCES + ",\"metrics_path\":\"/probe\"}"));
  }

  @Test
  void aRejectedScrapeEditKeepsThePreviousVersionInForce() {
    assertTrue(put("jobs/blackbox", job("{\"scrape_interval\":\"30s\"}")));
    JobSpec good = state.jobs().get("blackbox");
    assertFalse(put("jobs/blackbox", job("{\"scrape_interval\":\"30s\",\"sample_limt\":5}")));
    assertEquals(good, state.jobs().get("blackbox"));
    assertEquals(
        KEY + ": scrape.sample_limt: unknown key, did you mean \"sample_limit\"?",
        state.errors().get(KEY));
    assertTrue(put("jobs/blackbox", job("{\"scrape_interval\":\"1m\"}")), "an edit of scrape only");
    assertEquals(Map.of(), state.errors());
  }

  @Test
  void utf8LabelNamesInScrapeSettingsFollowTheLabelNamesSetting() {
    String utf8 = job("{\"relabel_configs\":[{\"target_label\":\"service.name\"}]}");
    put("jobs/blackbox", utf8);
    assertEquals(
        KEY
            + ": scrape.relabel_configs[0].target_label: \"service.name\" is not a valid label"
            + " name (legacy names match [a-zA-Z_][a-zA-Z0-9_]*; set label_names: utf8 for a fleet"
            + " of Prometheus 3)",
        state.errors().get(KEY));
    assertFalse(state.jobs().containsKey("blackbox"));
    assertTrue(put("settings", "{\"label_names\":\"utf8\"}"), "the job is checked again");
    assertEquals(Map.of(), state.errors());
    assertEquals(LabelNameScheme.UTF8, state.settings().labelNames());
    JobSpec accepted = state.jobs().get("blackbox");
    put("settings", "{\"label_names\":\"legacy\"}");
    assertTrue(state.errors().containsKey(KEY), state.errors().toString());
    assertEquals(accepted, state.jobs().get("blackbox"), "the last good version stays in force");
  }
}
