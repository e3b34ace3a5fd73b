package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.testkit.Binaries;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrape-config template renders any JSON settings faithfully, and nothing else. */
class ScrapeConfigRenderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TARGETS = Path.of("/var/lib/prome-shard/scrape_configs/blackbox.json");

  @TempDir Path dir;

  static ScrapeSettings settings(String json) throws Exception {
    return ScrapeSettings.of(JSON.readTree(json));
  }

  /** The blackbox example of the issue, with awkward strings in params and replacements. */
  static final String AWKWARD =
      """
      {"metrics_path": "/probe",
       "params": {"module": ["http_2xx"], "q": ["a \\"quoted\\" \\\\ back\\\\slash", "line\\nbreak\\ttab",
                  "# not a comment", "key: value", "\\u00e9\\u4e2d\\ud83d\\ude00 \\u2028 \\u0085 \\u0000", "{{mustache}}", "- [x]", ""]},
       "scrape_interval": "15s", "honor_labels": true, "sample_limit": 1000, "scrape_timeout": "10s",
       "relabel_configs": [
         {"source_labels": ["__address__"], "target_label": "__param_target"},
         {"source_labels": ["__param_target"], "target_label": "instance", "regex": "(.*)#\\\\d+: \\"x\\"", "replacement": "$1 'single' \\"double\\" \\\\n"},
         {"target_label": "__address__", "replacement": "127.0.0.1:9115"}],
       "tls_config": {"insecure_skip_verify": false},
       "nothing": null, "empty_list": [], "empty_map": {}, "ratio": 0.25, "big": 12345678901234, "neg": -3}
      """;

  @Test
  void awkwardStringsInParamsAndRelabelingRoundTripExactly() throws Exception {
    ScrapeSettings s = settings(AWKWARD);
    RenderResult r = new Renderer(Templates.bundled()).renderScrapeConfig("blackbox", s, TARGETS);

    assertEquals(OutputKind.SCRAPE_CONFIG, r.kind());
    assertEquals("blackbox.yml", r.fileName());
    JsonNode parsed = new YAMLMapper().readTree(r.bytes()).get("scrape_configs");
    assertEquals(1, parsed.size());
    ObjectNode config = (ObjectNode) parsed.get(0).deepCopy();
    assertEquals("blackbox", config.remove("job_name").textValue());
    assertEquals(
        JSON.readTree("[{\"files\": [\"" + TARGETS + "\"]}]"), config.remove("file_sd_configs"));
    assertEquals(s.json(), config, "every setting read back as given, nothing more");
    String text = new String(r.bytes(), StandardCharsets.UTF_8);
    assertTrue(
        text.contains("    \"params\": {\"module\": [\"http_2xx\"], \"q\": [\"a \\\"quoted\\\""),
        text);
  }

  @Test
  void keysAreQuotedAndEscapedToo() throws Exception {
    ScrapeSettings s = settings("{\"odd: key #1\": {\"\\\"in\\\" \\\\ner\": [1, true, null]}}");
    RenderResult r = new Renderer(Templates.bundled()).renderScrapeConfig("j", s, TARGETS);
    ObjectNode config =
        (ObjectNode) new YAMLMapper().readTree(r.bytes()).get("scrape_configs").get(0);
    assertEquals(s.json().get("odd: key #1"), config.get("odd: key #1"));
  }

  @Test
  void anAwkwardTargetsPathIsQuoted() throws Exception {
    Path odd = Path.of("/srv/a \"b\" #c: d/j.json");
    RenderResult r = new Renderer(Templates.bundled()).renderScrapeConfig("j", settings("{}"), odd);
    JsonNode files =
        new YAMLMapper().readTree(r.bytes()).at("/scrape_configs/0/file_sd_configs/0/files/0");
    assertEquals(odd.toString(), files.textValue());
  }

  /** Renders {@code settings} through {@code template} placed in a templates directory. */
  private RenderException refused(String template, String settings) throws Exception {
    Files.writeString(dir.resolve(Templates.SCRAPE_CONFIG), template);
    return assertThrows(
        RenderException.class,
        () ->
            new Renderer(Templates.directory(dir))
                .renderScrapeConfig("j", settings(settings), TARGETS));
  }

  private static final String WITHOUT_SETTINGS =
      """
      scrape_configs:
        - job_name: "{{job}}"
          file_sd_configs:
            - files: ["{{targets_file}}"]
      """;

  @Test
  void aTemplateThatDropsASettingIsRefused() throws Exception {
    RenderException e = refused(WITHOUT_SETTINGS, "{\"scrape_interval\": \"5s\"}");
    assertTrue(
        e.getMessage().contains("scrape_configs[0].scrape_interval is absent"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
  }

  @Test
  void aTemplateThatPointsElsewhereIsRefused() throws Exception {
    RenderException e =
        refused(WITHOUT_SETTINGS.replace("{{targets_file}}", "/elsewhere/*.json"), "{}");
    assertTrue(e.getMessage().contains("file_sd_configs"), e.getMessage());
  }

  @Test
  void unescapedTagsAreRefusedInTheScrapeTemplate() throws Exception {
    RenderException e = refused("scrape_configs:\n  - job_name: {{{job}}}\n", "{}");
    assertTrue(e.getMessage().contains("unescaped variable"), e.getMessage());
  }

  @Test
  void aTemplatesDirectoryWithoutTheScrapeTemplateUsesTheBundledOne() throws Exception {
    Path repo = Binaries.projectRoot().resolve("templates");
    Files.copy(repo.resolve(Templates.FILE_SD), dir.resolve(Templates.FILE_SD));
    Files.copy(repo.resolve(Templates.RULES), dir.resolve(Templates.RULES));
    Renderer renderer = new Renderer(Templates.directory(dir));
    renderer.check();
    assertEquals("bundled", Templates.directory(dir).describe(Templates.SCRAPE_CONFIG));
    assertEquals(dir.toString(), Templates.directory(dir).describe(Templates.RULES));
  }

  @Test
  void theBundledScrapeTemplateIsTheRepositoryOne() throws Exception {
    byte[] shipped =
        Files.readAllBytes(
            Binaries.projectRoot().resolve("templates").resolve(Templates.SCRAPE_CONFIG));
    try (InputStream in =
        Templates.class
            .getClassLoader()
            .getResourceAsStream("templates/" + Templates.SCRAPE_CONFIG)) {
      assertArrayEquals(shipped, in.readAllBytes());
    }
  }
}
