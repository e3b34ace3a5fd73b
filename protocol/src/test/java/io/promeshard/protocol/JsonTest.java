package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void targetGroupsRoundTripWithAwkwardLabelValues() {
    String awkward = "q\"uote b\\ack\nnew\ttab ünï 漢字 {{x}} </script>";
    List<TargetGroup> groups =
        List.of(TargetGroup.of("10.0.0.1:9100", Map.of("env", awkward, "a", "1")));
    byte[] bytes = Json.encode(groups);
    assertEquals(groups, Json.decodeTargetGroups("nodes/p1/targets/web", bytes));
  }

  @Test
  void encodingIsDeterministicWhateverTheMapOrder() {
    Map<String, String> one = new LinkedHashMap<>();
    one.put("b", "2");
    one.put("a", "1");
    Map<String, String> two = new LinkedHashMap<>();
    two.put("a", "1");
    two.put("b", "2");
    assertArrayEquals(
        Json.encode(TargetGroup.of("x:1", one)), Json.encode(TargetGroup.of("x:1", two)));
    assertEquals(
        "{\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"targets\":[\"x:1\"]}",
        new String(Json.encode(TargetGroup.of("x:1", one)), StandardCharsets.UTF_8));
  }

  @Test
  void unknownFieldIsNamedWithTheKeyWhereDecodingIsStrict() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                Json.decode(
                    "config/jobs/web",
                    utf8("[{\"targets\":[\"a:1\"],\"lables\":{}}]"),
                    new TypeReference<List<TargetGroup>>() {}));
    assertTrue(
        e.getMessage().startsWith("config/jobs/web: unknown field \"lables\""), e.getMessage());
  }

  @Test
  void whatAnotherVersionWroteIsReadIgnoringUnknownFields() {
    assertEquals(
        List.of(TargetGroup.of("a:1", Map.of("env", "prod"))),
        Json.decodeTargetGroups(
            "nodes/p1/targets/web",
            utf8("[{\"targets\":[\"a:1\"],\"labels\":{\"env\":\"prod\"},\"new\":{}}]")));
    NodeManifest m =
        Json.decodeWire(
            "nodes/p1/manifest",
            utf8("{\"generation\":2,\"epoch\":1,\"parts\":{},\"future\":[1]}"),
            NodeManifest.class);
    assertEquals(2, m.generation());
    assertEquals(0, m.format());
    // what the field is for still holds: a bad value is an error, not ignored
    assertThrows(
        ProtocolException.class,
        () ->
            Json.decodeWire(
                "nodes/p1/manifest",
                utf8("{\"generation\":-1,\"epoch\":1,\"parts\":{},\"future\":[1]}"),
                NodeManifest.class));
  }

  @Test
  void invalidValueIsNamedWithTheKey() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                Json.decodeTargetGroups(
                    "k", utf8("[{\"targets\":[\"a:1\"],\"labels\":{\"\":\"x\"}}]")));
    assertTrue(e.getMessage().contains("k: target group: invalid label name \"\""), e.getMessage());
  }

  @Test
  void manifestRoundTripsAndRejectsBadChecksums() {
    String sum = Checksums.sha256Hex(utf8("[]"));
    NodeManifest m =
        new NodeManifest(
            3, 2, Map.of("targets/web", sum, "rules/heavy", sum), "2026-11-21T00:00:00Z");
    byte[] bytes = Json.encode(m);
    assertTrue(new String(bytes, StandardCharsets.UTF_8).contains("\"written_at\""));
    assertEquals(m, Json.decode("manifest", bytes, NodeManifest.class));
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                Json.decode(
                    "nodes/p1/manifest",
                    utf8(
                        "{\"generation\":1,\"epoch\":1,\"parts\":{\"targets/web\":\"nothex\"},\"written_at\":\"\"}"),
                    NodeManifest.class));
    assertTrue(
        e.getMessage().contains("nodes/p1/manifest: manifest: part targets/web has invalid sha256"),
        e.getMessage());
  }

  @Test
  void missingFieldAndTrailingGarbageAreErrors() {
    assertThrows(
        ProtocolException.class,
        () ->
            Json.decode(
                "m", utf8("{\"epoch\":1,\"parts\":{},\"written_at\":\"\"}"), NodeManifest.class));
    assertThrows(ProtocolException.class, () -> Json.decodeRecordRules("r", utf8("[] []")));
    assertThrows(ProtocolException.class, () -> Json.decodeRecordRules("r", utf8("null")));
  }

  @Test
  void sha256IsLowercaseHexOfTheBytes() {
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Checksums.sha256Hex(new byte[0]));
  }
}
