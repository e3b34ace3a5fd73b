package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscapingTest {
  private static final ObjectMapper JSON = new JsonMapper();
  private static final ObjectMapper YAML = new YAMLMapper();

  @Test
  void escapesQuotesBackslashesAndControlCharactersButNeverAsHtml() {
    assertEquals("a\\\"b\\\\c\\nd\\te\\rf", Escaping.JSON.escape("a\"b\\c\nd\te\rf"));
    assertEquals(
        "\\u0000\\u001f\\u007f\\u0085\\u009f",
        Escaping.JSON.escape("\u0000\u001f\u007f\u0085\u009f"));
    assertEquals(
        "\\u2028\\u2029\\ufeff\\ufffe\\uffff",
        Escaping.YAML.escape("\u2028\u2029\ufeff\ufffe\uffff"));
    assertEquals("</script> & <b> 'x' {{y}}", Escaping.JSON.escape("</script> & <b> 'x' {{y}}"));
    assertEquals(
        "h\u00e9llo \u4e2d\u6587 \ud83c\udf89",
        Escaping.YAML.escape("h\u00e9llo \u4e2d\u6587 \ud83c\udf89"));
  }

  @Test
  void loneSurrogatesAreEscapedSoTheOutputStaysValidUtf8() {
    assertEquals("a\\ud800b\\udc00", Escaping.JSON.escape("a\ud800b\udc00"));
  }

  @Test
  void everyBasicPlaneCharacterRoundTripsThroughJsonAndYamlDoubleQuotes() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0xffff; c++) {
      if (!Character.isSurrogate(c)) {
        all.append(c);
      }
    }
    all.append('\uffff').append("\ud83c\udf89\ud800\udc00");
    String value = all.toString();

    String json = "\"" + Escaping.JSON.escape(value) + "\"";
    assertEquals(value, JSON.readValue(json, String.class));

    String yaml = "k: \"" + Escaping.YAML.escape(value) + "\"\n";
    assertEquals(Map.of("k", value), YAML.readValue(yaml, Map.class));
  }

  @Test
  void theFormatFollowsTheTemplateExtension() {
    assertEquals(Escaping.JSON, Escaping.forTemplate("file_sd.json.mustache"));
    assertEquals(Escaping.YAML, Escaping.forTemplate("rules.yml.mustache"));
    assertEquals(Escaping.YAML, Escaping.forTemplate("rules.yaml.mustache"));
    RenderException e =
        assertThrows(RenderException.class, () -> Escaping.forTemplate("page.html.mustache"));
    assertEquals(
        "template page.html.mustache: unknown output format (expected a name ending in .json.mustache"
            + " or .yml.mustache)",
        e.getMessage());
  }
}
