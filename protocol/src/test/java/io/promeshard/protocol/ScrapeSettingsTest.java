package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeSettingsTest {
  private static ScrapeSettings settings(String json) throws Exception {
    return ScrapeSettings.of(Json.MAPPER.readTree(json));
  }

  @Test
  void keysPromeShardSetsAreRefusedByName() {
    for (String key :
        List.of("job_name", "static_configs", "file_sd_configs", "consul_sd_configs")) {
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> settings("{\"" + key + "\": []}"));
      assertTrue(
          e.getMessage().startsWith("scrape." + key + ": set by prome-shard"), e.getMessage());
    }
    ProtocolException e = assertThrows(ProtocolException.class, () -> settings("[1]"));
    assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
  }

  @Test
  void itHoldsItsOwnCopy() throws Exception {
    JsonNode node = Json.MAPPER.readTree("{\"metrics_path\": \"/probe\"}");
    ScrapeSettings s = ScrapeSettings.of(node);
    ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("metrics_path", "/other");
    s.json().put("scheme", "https");
    assertEquals("{\"metrics_path\":\"/probe\"}", s.toString());
    assertEquals(s, settings("{\"metrics_path\": \"/probe\"}"));
  }

  @Test
  void aManifestWithScrapeSettingsIsFormatOneAndRoundTrips() throws Exception {
    ScrapeSettings probe =
        settings("{\"metrics_path\":\"/probe\",\"params\":{\"module\":[\"http_2xx\"]}}");
    NodeManifest m = NodeManifest.of(3, 1, Map.of(), "now", Map.of(), Map.of("blackbox", probe));
    assertEquals(NodeManifest.FORMAT_SCRAPE, m.format());
    byte[] wire = Json.encode(m);
    assertTrue(
        new String(wire, StandardCharsets.UTF_8)
            .contains("\"scrape\":{\"blackbox\":{\"metrics_path\":\"/probe\""),
        new String(wire, StandardCharsets.UTF_8));
    NodeManifest back = Json.decodeWire("manifest", wire, NodeManifest.class);
    assertEquals(Map.of("blackbox", probe), back.scrape());
    assertTrue(back.readable());

    NodeManifest plain = NodeManifest.of(3, 1, Map.of(), "now", Map.of(), Map.of());
    assertEquals(0, plain.format());
    assertFalse(new String(Json.encode(plain), StandardCharsets.UTF_8).contains("scrape"));
  }

  @Test
  void aShareCarriesScrapeSettingsOnlyForItsOwnJobs() throws Exception {
    ScrapeSettings s = settings("{\"scrape_interval\":\"10s\"}");
    NodeShare share =
        new NodeShare(
            Map.of("web", List.of(TargetGroup.of("a:1", Map.of()))),
            Map.of(),
            Map.of(),
            Map.of("web", s, "other", s));
    assertEquals(Map.of("web", s), share.manifestScrape());
  }
}
