package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdFormatTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void duplicateLabelInJsonIsRejectedNamingTheKey() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                SdFormat.json(
                    "sd.json",
                    utf8(
                        "[{\"targets\":[\"a:1\"],\"labels\":{\"env\":\"prod\",\"env\":\"dev\"}}]")));
    assertTrue(
        e.getMessage().startsWith("sd.json: [0]") && e.getMessage().contains("'env'"),
        e.getMessage());
  }

  @Test
  void duplicateKeyInYamlIsRejectedNamingTheKey() {
    String yaml = "- targets: [\"a:1\"]\n  labels:\n    env: prod\n    env: dev\n";
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> SdFormat.yaml("sd.yml", utf8(yaml)));
    assertTrue(
        e.getMessage().startsWith("sd.yml: [0]") && e.getMessage().contains("'env'"),
        e.getMessage());

    String twice = "- targets: [\"a:1\"]\n  targets: [\"b:1\"]\n";
    e = assertThrows(ProtocolException.class, () -> SdFormat.yaml("sd.yml", utf8(twice)));
    assertTrue(e.getMessage().contains("'targets'"), e.getMessage());
  }

  @Test
  void yamlFileOverThreeMegabytesParses() {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    while (sb.length() <= 4 * 1024 * 1024) {
      sb.append("- targets: [\"10.")
          .append(n / 65536)
          .append('.')
          .append(n / 256 % 256)
          .append('.')
          .append(n % 256)
          .append(":9100\"]\n  labels: {env: prod, rack: \"r")
          .append(n % 40)
          .append("\"}\n");
      n++;
    }
    List<TargetGroup> groups = SdFormat.yaml("big.yml", utf8(sb.toString()));
    assertEquals(n, groups.size());
    assertEquals(
        new TargetGroup(List.of("10.0.0.0:9100"), Map.of("env", "prod", "rack", "r0")),
        groups.get(0));
  }

  @Test
  void targetsOverTheLimitAreAnErrorNamingTheLimit() {
    byte[] three =
        utf8("[{\"targets\":[\"a:1\",\"a:2\"]},{\"targets\":[]},{\"targets\":[\"a:3\"]}]");
    assertEquals(2, SdFormat.json("sd", three, 3).size());
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> SdFormat.json("sd", three, 2));
    assertEquals("sd: over max_targets 2 (at group [2])", e.getMessage());
  }

  @Test
  void topLevelMustBeOneArray() {
    assertThrows(ProtocolException.class, () -> SdFormat.json("sd", utf8("null")));
    assertThrows(ProtocolException.class, () -> SdFormat.json("sd", utf8("{\"targets\":[]}")));
    assertThrows(ProtocolException.class, () -> SdFormat.json("sd", utf8("[] []")));
    assertThrows(ProtocolException.class, () -> SdFormat.json("sd", utf8("[null]")));
    assertThrows(ProtocolException.class, () -> SdFormat.yaml("sd", utf8("[]\n---\n[]\n")));
    assertEquals(List.of(), SdFormat.yaml("sd", utf8("  \n")));
  }
}
