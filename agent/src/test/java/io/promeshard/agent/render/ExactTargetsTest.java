package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExactTargetsTest {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final List<TargetGroup> GROUPS =
      List.of(
          new TargetGroup(List.of("a:1", "b:2"), Map.of("env", "prod", "team", "x")),
          TargetGroup.of("c:3", Map.of()));

  @Test
  void theDefaultTemplatesOutputIsMatchedTokenByToken() {
    List<TargetGroup> groups = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < RendererTest.AWKWARD.size(); i++) {
      labels.put("l" + i, RendererTest.AWKWARD.get(i));
      groups.add(TargetGroup.of("host-" + i + ":9100", Map.of("v", RendererTest.AWKWARD.get(i))));
    }
    groups.add(new TargetGroup(List.of("a\"b\":1", "\u4f8b\u3048.jp:80", "x\\y:2"), labels));
    groups.add(TargetGroup.of("no-labels:1", Map.of()));
    RenderResult r = new Renderer(Templates.bundled()).renderTargets("web", groups);

    assertTrue(ExactTargets.match(JSON, r.content(), groups));
    assertFalse(ExactTargets.match(JSON, r.content(), groups.subList(1, groups.size())));
  }

  @Test
  void anotherFormOfTheSameGroupsIsLeftToTheFullCheck() {
    for (String same :
        List.of(
            "[{\"targets\":[\"a:1\",\"b:2\"],\"labels\":{\"team\":\"x\",\"env\":\"prod\"}},"
                + "{\"targets\":[\"c:3\"]}]",
            "[{\"labels\":{\"env\":\"prod\",\"team\":\"x\"},\"targets\":[\"a:1\",\"b:2\"]},"
                + "{\"targets\":[\"c:3\"],\"labels\":{}}]",
            "[{\"targets\":[\"a:1\",\"b:2\"],\"labels\":{\"env\":\"prod\",\"team\":\"\\u0078\"}},"
                + "{\"targets\":[\"c:3\"]}]")) {
      assertDoesNotThrow(() -> OutputCheck.fullTargets("t", "web", bytes(same), GROUPS), same);
    }
    assertTrue(
        ExactTargets.match(
            JSON,
            bytes(
                "[{\"labels\":{\"env\":\"prod\",\"team\":\"x\"},\"targets\":[\"a:1\",\"b:2\"]},"
                    + " {\"targets\":[\"c:3\"],\"labels\":{}}]"),
            GROUPS),
        "keys in either order, whitespace and an empty label object");
  }

  @Test
  void outputTheFullCheckRejectsNeverMatches() {
    String good =
        "[{\"targets\":[\"a:1\",\"b:2\"],\"labels\":{\"env\":\"prod\",\"team\":\"x\"}},"
            + "{\"targets\":[\"c:3\"]}]";
    assertTrue(ExactTargets.match(JSON, bytes(good), GROUPS));
    List<String> bad =
        List.of(
            "",
            good.replace("]}]", "]},{\"targets\":[\"d:4\"]}]"),
            good.replace(",{\"targets\":[\"c:3\"]}", ""),
            good.replace("b:2", "b:3"),
            good.replace("\"b:2\"", "\"b:2\",\"b:2\""),
            good.replace("\"a:1\",", ""),
            good.replace("\"x\"", "\"y\""),
            good.replace("\"x\"", "1"),
            good.replace("\"x\"", "null"),
            good.replace("\"x\"}", "\"x\",\"zone\":\"z\"}"),
            good.replace("\"x\"}", "\"x\",\"team\":\"x\"}"),
            good.replace(",\"labels\":{\"env\":\"prod\",\"team\":\"x\"}", ""),
            good.replace("{\"targets\":[\"c:3\"]}", "{\"targets\":[\"c:3\"],\"port\":1}"),
            good.replace(
                "{\"targets\":[\"c:3\"]}", "{\"targets\":[\"c:3\"],\"targets\":[\"c:3\"]}"),
            good.replace("{\"targets\":[\"c:3\"]}", "{\"labels\":{}}"),
            good.replace("[\"c:3\"]", "\"c:3\""),
            good + "]",
            good + "[]",
            good.substring(0, good.length() - 1),
            "{\"groups\":" + good + "}");
    for (String b : bad) {
      assertFalse(ExactTargets.match(JSON, bytes(b), GROUPS), b);
      assertThrows(
          RenderException.class, () -> OutputCheck.fullTargets("t", "web", bytes(b), GROUPS), b);
    }
  }

  @Test
  void noSingleByteChangeMatchesUnlessTheFullCheckPassesToo() {
    byte[] good =
        new Renderer(Templates.bundled()).renderTargets("web", GROUPS).content().toArray();
    byte[] replacements = " \"\\,:[]{}axb0".getBytes(StandardCharsets.UTF_8);
    int matched = 0;
    for (int i = 0; i < good.length; i++) {
      for (byte r : replacements) {
        byte[] changed = good.clone();
        changed[i] = r;
        RenderedBytes out = RenderedBytes.of(changed);
        if (ExactTargets.match(JSON, out, GROUPS)) {
          matched++;
          assertDoesNotThrow(
              () -> OutputCheck.fullTargets("t", "web", out, GROUPS),
              new String(changed, StandardCharsets.UTF_8));
        }
      }
    }
    assertTrue(matched > 0, "whitespace changes still match");
  }

  private static RenderedBytes bytes(String s) {
    return RenderedBytes.of(s.getBytes(StandardCharsets.UTF_8));
  }
}
